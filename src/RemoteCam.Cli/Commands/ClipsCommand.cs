using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Clips;
using RemoteCam.Cli.Rooms;
using RemoteCam.Firebase;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam clips list|pull|prune|retention</c>: a room's sealed clips (docs/clips.md), opened with the room's
/// viewer secret kept in this machine's profile.
/// </summary>
internal static class ClipsCommand
{
    public static Command Create(CliConsole console, GlobalOptions global) =>
        new("clips", "List, download, prune the clips a room's cameras recorded; set how long they are kept.")
        {
            List(console, global),
            Pull(console, global),
            Prune(console, global),
            Retention(console, global),
        };

    private static Command List(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var camera = new Option<string?>("--camera") { Description = "Only this camera's clips (its name or uid)." };
        var command = new Command("list", "List a room's clips: time, camera, length, reason, size.") { room, camera };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, room, async (context, clips) =>
        {
            var all = await clips.EntriesAsync(parse.GetValue(camera), cancellationToken);
            if (all is null)
            {
                return console.Fail($"room {clips.Room} has no camera '{parse.GetValue(camera)}'; see 'remotecam rooms show {clips.Room}'.");
            }

            var array = new JsonArray();
            foreach (var c in all)
            {
                array.Add(c.Entry is { } e
                    ? new JsonObject
                    {
                        ["clip"] = c.Clip,
                        ["camera"] = c.Camera,
                        ["cameraName"] = c.CameraName,
                        ["start"] = Iso(e.Start),
                        ["durationMs"] = e.DurationMs,
                        ["reason"] = e.Reason,
                        ["bytes"] = e.Bytes,
                        ["mime"] = e.Mime,
                        ["target"] = e.Target,
                    }
                    : new JsonObject { ["clip"] = c.Clip, ["camera"] = c.Camera, ["cameraName"] = c.CameraName, ["error"] = c.Error });
            }

            return context.Result(new JsonObject { ["room"] = clips.Room, ["clips"] = array }, () =>
            {
                if (all.Count == 0)
                {
                    console.WriteLine($"Room {clips.Room} has no clips.");
                    return;
                }

                console.WriteLine($"{"TIME (UTC)",-20} {"CAMERA",-16} {"LENGTH",7} {"REASON",-7} {"SIZE",9}  CLIP");
                foreach (var c in all)
                {
                    console.WriteLine(c.Entry is { } e
                        ? $"{Time(e.Start),-20} {Cut(c.CameraName, 16),-16} {Length(e.DurationMs),7} {e.Reason,-7} {Size(e.Bytes),9}  {c.Clip}"
                        : $"{Time(ClipTime(c.Clip) ?? 0),-20} {Cut(c.CameraName, 16),-16} {"?",7} {"?",-7} {"?",9}  {c.Clip}  ({c.Error})");
                }
            });
        }));
        return command;
    }

    private static Command Pull(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var clip = new Argument<string>("CLIP") { Description = "The clip's id (see 'remotecam clips list')." };
        var output = new Option<string?>("--out") { Description = "The file to write (default: CLIP.webm or CLIP.mp4 here)." };
        var command = new Command("pull", "Download a clip, check every part of it, and write a playable file.") { room, clip, output };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, room, async (context, clips) =>
        {
            var id = parse.GetValue(clip)!;
            var found = await clips.FindAsync(id, cancellationToken);
            if (found is null)
            {
                return console.Fail($"room {clips.Room} has no clip '{id}'; see 'remotecam clips list {clips.Room}'.");
            }

            if (found.Entry is not { } entry)
            {
                return console.Fail($"clip {id}: {found.Error}");
            }

            var file = parse.GetValue(output) ?? id + ClipPull.Extension(entry.Mime);
            if (File.Exists(file))
            {
                return console.Fail($"{file} already exists; choose another with --out.");
            }

            try
            {
                var source = await clips.ChunksAsync(entry, cancellationToken);
                var written = await ClipPull.WriteAsync(clips.Keys, entry, source, file, null, cancellationToken);
                return context.Result(
                    new JsonObject { ["room"] = clips.Room, ["clip"] = id, ["file"] = Path.GetFullPath(file), ["bytes"] = written, ["durationMs"] = entry.DurationMs },
                    () => console.WriteLine($"Wrote {file}: {Length(entry.DurationMs)} of {found.CameraName}, {Size(written)}, every part checked."));
            }
            catch (ClipFormatException e)
            {
                return console.Fail($"clip {id} is damaged or not this room's, nothing written: {e.Message}.");
            }
        }));
        return command;
    }

    private static Command Prune(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var olderThan = new Option<string>("--older-than") { Description = "Delete clips older than this: 7d, 12h or 30m.", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only say what would be deleted." };
        var command = new Command("prune", "Delete a room's clips older than a given age (their parts, thumbnail and index entry).") { room, olderThan, dryRun };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, room, async (context, clips) =>
        {
            if (ParseAge(parse.GetValue(olderThan)!) is not { } age)
            {
                return console.Fail($"--older-than '{parse.GetValue(olderThan)}' is not an age such as 7d, 12h or 30m.", ExitCodes.Usage);
            }

            var cutoff = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)age.TotalMilliseconds;
            var old = (await clips.EntriesAsync(null, cancellationToken))!.Where(c => (c.Entry?.Start ?? ClipTime(c.Clip) ?? long.MaxValue) < cutoff).ToList();
            var dry = parse.GetValue(dryRun);
            foreach (var c in old)
            {
                if (!dry)
                {
                    await clips.DeleteAsync(c, cancellationToken);
                }
            }

            return context.Result(
                new JsonObject { ["room"] = clips.Room, ["dryRun"] = dry, ["deleted"] = new JsonArray([.. old.Select(c => JsonValue.Create(c.Clip))]) },
                () => console.WriteLine(old.Count == 0 ? $"Room {clips.Room} has no clips older than {parse.GetValue(olderThan)}."
                    : $"{(dry ? "Would delete" : "Deleted")} {old.Count} clip{(old.Count == 1 ? "" : "s")} older than {parse.GetValue(olderThan)}: {string.Join(", ", old.Select(c => c.Clip))}"));
        }));
        return command;
    }

    private static Command Retention(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var days = new Argument<string>("DAYS") { Description = "How long cameras keep clips: 1 to 365 days (7 or 7d)." };
        var command = new Command("retention", "Set how many days the room's cameras keep their clips (in each camera's sealed settings).") { room, days };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, room, async (context, clips) =>
        {
            var text = parse.GetValue(days)!;
            if (!int.TryParse(text.EndsWith('d') ? text[..^1] : text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 365)
            {
                return console.Fail($"DAYS '{text}' is not a number of days from 1 to 365.", ExitCodes.Usage);
            }

            var cameras = await clips.CamerasAsync(cancellationToken);
            foreach (var (uid, _) in cameras)
            {
                var path = $"rooms/{clips.Room}/settings/{uid}";
                var stored = await context.Database.GetAsync(path, null, cancellationToken);
                var settings = new JsonObject();
                if (stored.ValueKind == JsonValueKind.String)
                {
                    if (RoomSeal.OpenSettings(clips.ViewerSecret, clips.Room, uid, stored.GetString()!) is not { } json || JsonNode.Parse(json) is not JsonObject parsed)
                    {
                        return console.Fail($"camera {uid}'s settings do not open with this machine's secrets; nothing changed for it or the cameras after it.");
                    }

                    settings = parsed;
                }

                settings["retentionDays"] = n;
                await context.Database.SetAsync(path, RoomSeal.SealSettings(clips.ViewerSecret, clips.Room, uid, settings.ToJsonString()), cancellationToken);
            }

            var target = await clips.TargetAsync(cancellationToken);
            if (target != "database")
            {
                var (client, name) = await clips.BucketAsync(target, cancellationToken);
                await ClipBuckets.SetRetentionAsync(client, name, n, cancellationToken);
            }

            return context.Result(
                new JsonObject { ["room"] = clips.Room, ["retentionDays"] = n, ["target"] = target, ["cameras"] = new JsonArray([.. cameras.Select(c => JsonValue.Create(c.Uid))]) },
                () => console.WriteLine(cameras.Count == 0
                    ? $"Room {clips.Room} has no cameras yet; set the retention again once one has joined."
                    : $"The room's {cameras.Count} camera{(cameras.Count == 1 ? "" : "s")} now keep clips {n} day{(n == 1 ? "" : "s")} and delete older ones themselves."));
        }));
        return command;
    }

    private static Task<int> RunAsync(ParseResult parse, GlobalOptions global, CliConsole console, Argument<string> room, Func<RoomContext, RoomClips, Task<int>> body) =>
        RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            if (await context.MetaAsync(id, CancellationToken.None) is null)
            {
                return context.UnknownRoom(id);
            }

            var stored = RoomSecretsFile.Load(context.SecretsFile(id));
            if (stored.Current is not { } secrets)
            {
                return console.Fail($"this machine has no secrets for room {id} (profile '{context.Backend.Name}'), so it cannot open the room's clips.");
            }

            try
            {
                return await body(context, new RoomClips(context.Backend, id, secrets.SecretBytes(Pairing.Viewer)));
            }
            catch (Google.GoogleApiException e)
            {
                return console.Fail($"the room's bucket answered {(int)e.HttpStatusCode}: {e.Error?.Message ?? e.Message}");
            }
            catch (ClipFormatException e)
            {
                return console.Fail(e.Message);
            }
        });

    /// <summary>The start time a clip id carries (13 digits), or null.</summary>
    public static long? ClipTime(string clip) =>
        clip.Length > 13 && clip[13] == '-' && long.TryParse(clip.AsSpan(0, 13), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : null;

    public static TimeSpan? ParseAge(string text)
    {
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return null;
        }

        return text[^1] switch { 'd' => TimeSpan.FromDays(n), 'h' => TimeSpan.FromHours(n), 'm' => TimeSpan.FromMinutes(n), _ => null };
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Length(long ms) => ms >= 60_000
        ? string.Create(CultureInfo.InvariantCulture, $"{ms / 60_000}m{ms / 1000 % 60:D2}s")
        : string.Create(CultureInfo.InvariantCulture, $"{ms / 1000.0:0.0}s");

    private static string Size(long bytes) => bytes >= 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1_000_000.0:0.0} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1000.0:0.0} kB");

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}

/// <summary>One clip of the index: its entry when it opened, else why not.</summary>
internal sealed record ClipListing(string Camera, string CameraName, string Clip, ClipEntry? Entry, string? Error);

/// <summary>A room's clips in the database, with the keys to open them.</summary>
internal sealed class RoomClips(Profiles.Backend backend, string room, byte[] viewerSecret)
{
    private readonly FirebaseDatabaseClient database = backend.Database;
    private Google.Cloud.Storage.V1.StorageClient? storage;
    private string? bucket;

    public string Room => room;

    public byte[] ViewerSecret => viewerSecret;

    public ClipKeys Keys { get; } = new(Pairing.SealKey(viewerSecret, room), room);

    /// <summary>The room's cameras (members with the camera role): uid and name.</summary>
    public async Task<List<(string Uid, string Name)>> CamerasAsync(CancellationToken cancellationToken)
    {
        var members = await database.GetAsync($"rooms/{room}/members", null, cancellationToken);
        var list = new List<(string, string)>();
        if (members.ValueKind == JsonValueKind.Object)
        {
            foreach (var m in members.EnumerateObject())
            {
                if (RoomsCommand.StringOf(m.Value, "role") == Pairing.Camera)
                {
                    list.Add((m.Name, RoomsCommand.StringOf(m.Value, "name") ?? m.Name));
                }
            }
        }

        return list;
    }

    /// <summary>Every clip of the room (or of one camera, by name or uid; null when no camera matches), newest first.</summary>
    public async Task<List<ClipListing>?> EntriesAsync(string? camera, CancellationToken cancellationToken)
    {
        var names = (await CamerasAsync(cancellationToken)).ToDictionary(c => c.Uid, c => c.Name, StringComparer.Ordinal);
        string? only = null;
        if (camera is not null)
        {
            only = names.ContainsKey(camera) ? camera : names.FirstOrDefault(n => string.Equals(n.Value, camera, StringComparison.OrdinalIgnoreCase)).Key;
            if (only is null)
            {
                return null;
            }
        }

        var events = await database.GetAsync(only is null ? $"rooms/{room}/events" : $"rooms/{room}/events/{only}", null, cancellationToken);
        var list = new List<ClipListing>();
        void Add(string uid, JsonElement clips)
        {
            if (clips.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var c in clips.EnumerateObject())
            {
                list.Add(Open(uid, names.GetValueOrDefault(uid) ?? uid + " (left the room)", c.Name, c.Value));
            }
        }

        if (only is not null)
        {
            Add(only, events);
        }
        else if (events.ValueKind == JsonValueKind.Object)
        {
            foreach (var cam in events.EnumerateObject())
            {
                Add(cam.Name, cam.Value);
            }
        }

        return [.. list.OrderByDescending(c => c.Entry?.Start ?? ClipsCommand.ClipTime(c.Clip) ?? 0).ThenBy(c => c.Clip, StringComparer.Ordinal)];
    }

    /// <summary>The clip with this id, in whichever camera's events it is; null when there is none.</summary>
    public async Task<ClipListing?> FindAsync(string clip, CancellationToken cancellationToken)
    {
        if (clip.Contains('/') || clip.Contains('.'))
        {
            return null;
        }

        var names = (await CamerasAsync(cancellationToken)).ToDictionary(c => c.Uid, c => c.Name, StringComparer.Ordinal);
        var cameras = await database.GetAsync($"rooms/{room}/events", new QueryOptions { Shallow = true }, cancellationToken);
        if (cameras.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var cam in cameras.EnumerateObject())
        {
            var entry = await database.GetAsync($"rooms/{room}/events/{cam.Name}/{clip}", null, cancellationToken);
            if (entry.ValueKind != JsonValueKind.Null)
            {
                return Open(cam.Name, names.GetValueOrDefault(cam.Name) ?? cam.Name, clip, entry);
            }
        }

        return null;
    }

    /// <summary>The clip's sealed chunks as the database target keeps them (base64url text).</summary>
    public ClipPull.ChunkSource DatabaseChunks(ClipEntry entry) => async (n, cancellationToken) =>
    {
        var value = await database.GetAsync($"rooms/{room}/clips/{entry.Camera}/{entry.Clip}/{n}", null, cancellationToken);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && System.Buffers.Text.Base64Url.IsValid(value.GetString()) ? System.Buffers.Text.Base64Url.DecodeFromChars(value.GetString())
            : throw new ClipFormatException($"chunk {n} of clip {entry.Clip} is not sealed chunk text");
    };

    /// <summary>Where the room keeps clips now (meta/storage; database when unset).</summary>
    public async Task<string> TargetAsync(CancellationToken cancellationToken) =>
        (await database.GetAsync($"rooms/{room}/meta/storage", null, cancellationToken)) is { ValueKind: JsonValueKind.String } t ? t.GetString()! : "database";

    /// <summary>The chunks of a clip from where its entry says they are.</summary>
    public async Task<ClipPull.ChunkSource> ChunksAsync(ClipEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Target == "database")
        {
            return DatabaseChunks(entry);
        }

        var (client, name) = await BucketAsync(entry.Target, cancellationToken);
        return (n, token) => ClipBuckets.DownloadAsync(client, name, ObjectPrefix(entry.Camera, entry.Clip) + n.ToString(CultureInfo.InvariantCulture), token);
    }

    /// <summary>The bucket of a bucket or relay target and a client for it.</summary>
    public async Task<(Google.Cloud.Storage.V1.StorageClient Client, string Bucket)> BucketAsync(string target, CancellationToken cancellationToken)
    {
        if (storage is null || bucket is null)
        {
            bucket = target == "relay"
                ? await ClipBuckets.RelayBucketAsync(backend, cancellationToken)
                : (await database.GetAsync($"rooms/{room}/meta/bucket", null, cancellationToken)) is { ValueKind: JsonValueKind.String } b ? b.GetString()!
                : throw new ClipFormatException($"room {room} keeps clips in a bucket but names none; run 'remotecam rooms storage {room} --target bucket --bucket NAME'");
            storage = ClipBuckets.Client(backend);
        }

        return (storage, bucket);
    }

    /// <summary>The object names of a clip's chunks: clips/{pathKey}/{camera}/{clip}/ (docs/clips.md).</summary>
    public string ObjectPrefix(string camera, string clip) => $"clips/{Keys.PathKey}/{camera}/{clip}/";

    /// <summary>Deletes a clip's chunks (database, and the bucket when the clip or the room uses one), thumbnail and index entry, the entry last.</summary>
    public async Task DeleteAsync(ClipListing clip, CancellationToken cancellationToken)
    {
        var target = clip.Entry?.Target ?? await TargetAsync(cancellationToken);
        if (target != "database")
        {
            var (client, name) = await BucketAsync(target, cancellationToken);
            await ClipBuckets.DeletePrefixAsync(client, name, ObjectPrefix(clip.Camera, clip.Clip), cancellationToken);
        }

        await database.DeleteAsync($"rooms/{room}/clips/{clip.Camera}/{clip.Clip}", cancellationToken);
        await database.DeleteAsync($"rooms/{room}/thumbs/{clip.Camera}/{clip.Clip}", cancellationToken);
        await database.DeleteAsync($"rooms/{room}/events/{clip.Camera}/{clip.Clip}", cancellationToken);
    }

    private ClipListing Open(string camera, string name, string clip, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return new ClipListing(camera, name, clip, null, "its index entry is not sealed text");
        }

        try
        {
            return new ClipListing(camera, name, clip, Keys.OpenEntry(camera, clip, value.GetString()!), null);
        }
        catch (ClipFormatException e)
        {
            return new ClipListing(camera, name, clip, null, e.Message);
        }
    }
}
