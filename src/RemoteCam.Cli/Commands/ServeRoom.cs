using System.CommandLine;
using System.Text.Json;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Profiles;
using RemoteCam.Cli.Rooms;
using RemoteCam.Relay;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam serve</c>'s default room: made on the first start (named "Home"), remembered in the
/// data directory (<c>serve-room.json</c>), and its camera and viewer invitations printed as QR
/// codes at every start, so the first command leads straight to pairing. Its secrets are kept like
/// any room's, under the profile that points at this relay (docs/cli.md), so the rooms commands find them.
/// </summary>
internal static class ServeRoom
{
    public const string DefaultName = "Home";
    public const string StateFile = "serve-room.json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The options <c>serve</c> takes for its room.</summary>
    internal sealed record ServeRoomOptions(Option<bool> NoRoom, Option<bool> Light);

    public static ServeRoomOptions AddOptions(Command serve)
    {
        var options = new ServeRoomOptions(
            new Option<bool>("--no-room") { Description = "Do not create or show the default room and its invitations." },
            RoomsInviteCommand.LightOption());
        serve.Options.Add(options.NoRoom);
        serve.Options.Add(options.Light);
        return options;
    }

    /// <summary>
    /// Makes or finds the default room and prints its invitations against <paramref name="pagesUrl"/>
    /// (where phones open the pages). Never stops the relay: a problem is reported and serving goes on.
    /// </summary>
    public static async Task ShowAsync(
        ParseResult parse, ServeRoomOptions options, RelayServer relay, Uri pagesUrl, string dataDirectory,
        GlobalOptions global, CliConsole console, CancellationToken cancellationToken)
    {
        if (parse.GetValue(options.NoRoom))
        {
            return;
        }

        try
        {
            await ShowAsync(relay, pagesUrl, Path.GetFullPath(dataDirectory), global, console, RoomsInviteCommand.IsLight(parse, options.Light, global), cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException
            or HttpRequestException or Firebase.FirebaseException or ProfileException)
        {
            console.WriteLine($"Warning: no default room: {e.Message} The relay runs anyway; make rooms with 'remotecam rooms create NAME'.");
        }
    }

    private static async Task ShowAsync(
        RelayServer relay, Uri pagesUrl, string dataDirectory, GlobalOptions global, CliConsole console, bool light, CancellationToken cancellationToken)
    {
        var profileName = ProfileFor(relay, dataDirectory, global.Profiles, console);
        if (!Backend.TryCreate(profileName, new Profile { Kind = ProfileKinds.Relay, Url = relay.LocalUrl.ToString(), AdminKey = relay.AdminKey }, out var backend, out var error))
        {
            throw new ProfileException(error!);
        }

        using (backend)
        {
            var database = backend!.Database;
            string SecretsFile(string id) => RoomSecretsFile.PathFor(global.Profiles.Directory, profileName, id);
            var statePath = Path.Combine(dataDirectory, StateFile);
            var remembered = File.Exists(statePath) ? JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(statePath, cancellationToken), Options) : null;

            RoomSecrets? secrets = null;
            string? id = remembered?.Room;
            if (id is not null && Pairing.IsRoomId(id))
            {
                var meta = await database.GetAsync($"rooms/{id}/meta", null, cancellationToken);
                if (meta.ValueKind != JsonValueKind.Object)
                {
                    console.WriteLine($"The default room {id} no longer exists (it was deleted); making a new one.");
                }
                else
                {
                    CopySecrets(global.Profiles.Directory, remembered!.Profile, profileName, id);
                    secrets = await UsableSecretsAsync(database, id, SecretsFile(id), cancellationToken);
                    if (secrets is null)
                    {
                        console.WriteLine($"The default room {id} was rotated and this machine has no secrets matching it; making a new room "
                            + $"(remove the old one with 'remotecam rooms delete {id}' if it is no longer used).");
                    }
                }
            }

            if (secrets is null)
            {
                (id, secrets) = await RoomOperations.CreateAsync(database, DefaultName, SecretsFile, cancellationToken);
                OwnerOnlyFile.WriteJson(statePath, new State { Room = id, Profile = profileName }, Options);
                console.WriteLine($"Created the room '{DefaultName}' (id {id}); its invitation secrets are kept in {SecretsFile(id)}.");
            }
            else if (remembered!.Profile != profileName)
            {
                OwnerOnlyFile.WriteJson(statePath, new State { Room = id, Profile = profileName }, Options);
            }

            WriteInvitations(console, id!, profileName, secrets, pagesUrl, light);
        }
    }

    /// <summary>The secrets whose proofs the database holds: the current ones, or those of an unfinished rotation (then promoted); null if neither.</summary>
    private static async Task<RoomSecrets?> UsableSecretsAsync(Firebase.FirebaseDatabaseClient database, string id, string file, CancellationToken cancellationToken)
    {
        var stored = RoomSecretsFile.Load(file);
        if (stored.Current is { } current && await RoomOperations.ProofsMatchAsync(database, id, current, cancellationToken))
        {
            return current;
        }

        if (stored.Pending is { } pending && await RoomOperations.ProofsMatchAsync(database, id, pending, cancellationToken))
        {
            new RoomSecretsFile { Current = pending }.Save(file);
            return pending;
        }

        return null;
    }

    private static void WriteInvitations(CliConsole console, string id, string profile, RoomSecrets secrets, Uri pagesUrl, bool light)
    {
        console.WriteLine("");
        console.WriteLine($"Room '{DefaultName}' (id {id}, profile '{profile}'). Pair a phone by scanning a code with its camera app:");
        console.WriteLine("WARNING: an invitation QR code is a key to the room. Anyone who scans it or reads its URL can watch or add a camera;");
        console.WriteLine($"show it only to your own devices, and run 'remotecam rooms rotate {id}' if one may have leaked.");
        foreach (var (role, title) in new[] { (Pairing.Camera, "Camera invitation (open it on the phone that will film)"), (Pairing.Viewer, "Viewer invitation (open it on the phone you watch with)") })
        {
            var url = secrets.Invitation(id, role).ToUrl(pagesUrl);
            console.WriteLine("");
            console.WriteLine($"{title}:");
            console.Out.Write(QrRendering.Terminal(url, light));
            console.WriteLine($"{char.ToUpperInvariant(role[0])}{role[1..]} invitation: {url}");
        }

        console.WriteLine("");
        console.WriteLine($"More invitations: 'remotecam rooms invite {id} --role camera|viewer --profile {profile}' (--light for a light terminal).");
    }

    /// <summary>
    /// The profile this relay's room secrets go under: a relay profile with this data directory or
    /// this URL (the current profile first); else the built-in local relay when this is it; else a
    /// new relay profile <c>serve</c> (<c>serve-2</c>, … when taken), made current if none is.
    /// </summary>
    private static string ProfileFor(RelayServer relay, string dataDirectory, ProfileStore store, CliConsole console)
    {
        if (!store.TryLoad(out var config, out var error))
        {
            throw new ProfileException(error!);
        }

        var match = config.Profiles
            .Where(p => p.Value.Kind == ProfileKinds.Relay
                && ((p.Value.DataDirectory is { } data && Path.GetFullPath(data) == dataDirectory) || SameRelay(p.Value.Url, relay.LocalUrl)))
            .OrderBy(p => p.Key == config.Current ? 0 : 1)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key)
            .FirstOrDefault();
        if (match is not null)
        {
            var profile = config.Profiles[match];
            if (!SameRelay(profile.Url, relay.LocalUrl) && Uri.TryCreate(profile.Url, UriKind.Absolute, out var old) && old.IsLoopback && relay.LocalUrl.IsLoopback)
            {
                // The same data directory served on another local port (e.g. --port 0): follow it.
                config.Profiles[match] = profile with { Url = relay.LocalUrl.ToString() };
                store.Save(config);
                console.WriteLine($"Profile '{match}' now points at {relay.LocalUrl} (this relay's data directory moved port).");
            }

            return match;
        }

        if (config.Current is null && SameRelay(Profile.LocalRelay.Url, relay.LocalUrl)
            && dataDirectory == Path.GetFullPath(ServeCommand.DefaultDataDirectory()))
        {
            return ProfileStore.BuiltInName;
        }

        var name = "serve";
        for (var n = 2; config.Profiles.ContainsKey(name); n++)
        {
            name = $"serve-{n}";
        }

        config.Profiles[name] = new Profile { Kind = ProfileKinds.Relay, Url = relay.LocalUrl.ToString(), DataDirectory = dataDirectory };
        config.Current ??= name;
        store.Save(config);
        console.WriteLine($"Saved profile '{name}' for this relay in {store.FilePath}{(config.Current == name ? "; it is now the current profile" : "")}.");
        return name;
    }

    /// <summary>Whether two relay URLs name the same server: same scheme, port and path; 127.0.0.1 and localhost alike.</summary>
    private static bool SameRelay(string? url, Uri relay)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var sameHost = string.Equals(uri.Host, relay.Host, StringComparison.OrdinalIgnoreCase) || (uri.IsLoopback && relay.IsLoopback);
        return sameHost && uri.Scheme == relay.Scheme && uri.Port == relay.Port && uri.AbsolutePath.TrimEnd('/') == relay.AbsolutePath.TrimEnd('/');
    }

    /// <summary>When the profile changed since the room was made, its secrets follow, so the rooms commands with the new profile find them.</summary>
    private static void CopySecrets(string configDirectory, string? from, string to, string id)
    {
        if (from is null || from == to)
        {
            return;
        }

        var source = RoomSecretsFile.PathFor(configDirectory, from, id);
        var target = RoomSecretsFile.PathFor(configDirectory, to, id);
        if (File.Exists(source) && !File.Exists(target))
        {
            RoomSecretsFile.Load(source).Save(target);
        }
    }

    /// <summary>The data directory's note of the default room.</summary>
    private sealed record State
    {
        public string? Room { get; init; }

        public string? Profile { get; init; }
    }

    private sealed class ProfileException(string message) : Exception(message);
}
