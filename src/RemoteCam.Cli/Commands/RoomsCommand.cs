using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Profiles;
using RemoteCam.Cli.Rooms;
using RemoteCam.Firebase;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam rooms create|list|show|invite|revoke|rotate|delete</c>: rooms and their invitations (docs/pairing.md).</summary>
internal static class RoomsCommand
{
    private const string KeyWarning = "An invitation (its URL or QR code) is a key to the room: show it only to devices you own.";

    public static Command Create(CliConsole console, GlobalOptions global) =>
        new("rooms", "Create rooms, invite cameras and viewers, revoke devices, rotate invitations.")
        {
            CreateCreate(console, global),
            CreateList(console, global),
            CreateShow(console, global),
            CreateInvite(console, global),
            CreateRevoke(console, global),
            CreateRotate(console, global),
            CreateDelete(console, global),
        };

    private static Argument<string> RoomArgument() => new("ROOM") { Description = "The room id (see 'remotecam rooms list')." };

    private static Command CreateCreate(CliConsole console, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "A name for the room, e.g. \"Home\"." };
        var command = new Command("create", "Create a room: its id, its meta, and the camera and viewer invitations (secrets kept on this machine).") { name };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, async context =>
        {
            var roomName = parse.GetValue(name)!.Trim();
            if (roomName.Length is 0 or > 100)
            {
                return console.Fail("the room name must have 1 to 100 characters.", ExitCodes.Usage);
            }

            var id = Pairing.NewRoomId();
            var secrets = RoomSecrets.New();
            var file = context.SecretsFile(id);
            secrets.Save(file);
            var update = new JsonObject
            {
                [$"rooms/{id}/meta"] = new JsonObject
                {
                    ["name"] = roomName,
                    ["created"] = new JsonObject { [".sv"] = "timestamp" },
                    ["owner"] = "cli",
                },
            };
            AddProofs(update, id, secrets);
            try
            {
                await context.Database.UpdateAsync("", update, cancellationToken);
            }
            catch
            {
                RoomSecrets.Delete(file);
                throw;
            }

            var invitations = Invitations(context, id, secrets);
            if (parse.GetValue(global.Json))
            {
                console.WriteJson(new JsonObject
                {
                    ["id"] = id,
                    ["name"] = roomName,
                    ["profile"] = context.Backend.Name,
                    ["secretsFile"] = file,
                    ["invitations"] = invitations,
                });
                return ExitCodes.Ok;
            }

            console.WriteLine($"Created room '{roomName}' with id {id} (profile '{context.Backend.Name}').");
            WriteInvitations(console, context, invitations);
            console.WriteLine($"The invitation secrets are kept only in {file}.");
            console.WriteLine(KeyWarning);
            console.WriteLine($"Show a QR code with 'remotecam rooms invite {id} --role camera' (or viewer).");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateList(CliConsole console, GlobalOptions global)
    {
        var command = new Command("list", "List the rooms: id, name, created, and how many cameras and viewers are members.");
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, async context =>
        {
            var ids = await context.Database.GetAsync("rooms", new QueryOptions { Shallow = true }, cancellationToken);
            var rooms = new JsonArray();
            if (ids.ValueKind == JsonValueKind.Object)
            {
                foreach (var id in ids.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal))
                {
                    var meta = await context.Database.GetAsync($"rooms/{id}/meta", null, cancellationToken);
                    var members = await context.Database.GetAsync($"rooms/{id}/members", null, cancellationToken);
                    var roles = Members(members).Select(m => (string?)m["role"]).ToList();
                    rooms.Add(new JsonObject
                    {
                        ["id"] = id,
                        ["name"] = StringOf(meta, "name"),
                        ["created"] = TimeOf(meta, "created"),
                        ["cameras"] = roles.Count(r => r == Pairing.Camera),
                        ["viewers"] = roles.Count(r => r == Pairing.Viewer),
                    });
                }
            }

            if (parse.GetValue(global.Json))
            {
                console.WriteJson(new JsonObject { ["profile"] = context.Backend.Name, ["rooms"] = rooms });
                return ExitCodes.Ok;
            }

            if (rooms.Count == 0)
            {
                console.WriteLine($"No rooms on profile '{context.Backend.Name}'; create one with 'remotecam rooms create NAME'.");
                return ExitCodes.Ok;
            }

            console.WriteLine($"{"ID",-22} {"NAME",-20} {"CREATED",-20} {"CAMERAS",7} {"VIEWERS",7}");
            foreach (var room in rooms.Select(r => r!.AsObject()))
            {
                console.WriteLine($"{room["id"],-22} {room["name"] ?? "-",-20} {room["created"] ?? "-",-20} {room["cameras"],7} {room["viewers"],7}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateShow(CliConsole console, GlobalOptions global)
    {
        var room = RoomArgument();
        var command = new Command("show", "Show a room: its meta, and its members with role, device name, joined and presence.") { room };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            if (await context.MetaAsync(id, cancellationToken) is not { } meta)
            {
                return context.UnknownRoom(id);
            }

            var members = await context.Database.GetAsync($"rooms/{id}/members", null, cancellationToken);
            var presence = await context.Database.GetAsync($"rooms/{id}/cameras", null, cancellationToken);
            var list = new JsonArray();
            foreach (var member in Members(members))
            {
                var uid = (string)member["uid"]!;
                if (presence.ValueKind == JsonValueKind.Object && presence.TryGetProperty(uid, out var seen) && seen.ValueKind == JsonValueKind.Object)
                {
                    member["online"] = seen.TryGetProperty("online", out var online) && online.ValueKind == JsonValueKind.True;
                    member["lastSeen"] = TimeOf(seen, "lastSeen");
                }

                list.Add(member);
            }

            var hasSecrets = File.Exists(context.SecretsFile(id));
            if (parse.GetValue(global.Json))
            {
                console.WriteJson(new JsonObject
                {
                    ["id"] = id,
                    ["name"] = StringOf(meta, "name"),
                    ["created"] = TimeOf(meta, "created"),
                    ["owner"] = StringOf(meta, "owner"),
                    ["invitationSecretsHere"] = hasSecrets,
                    ["members"] = list,
                });
                return ExitCodes.Ok;
            }

            console.WriteLine($"Room {id}: '{StringOf(meta, "name")}', created {TimeOf(meta, "created") ?? "-"} by {StringOf(meta, "owner") ?? "-"}.");
            console.WriteLine(hasSecrets
                ? "Invitation secrets: on this machine ('remotecam rooms invite')."
                : "Invitation secrets: not on this machine ('remotecam rooms rotate' makes new ones).");
            if (list.Count == 0)
            {
                console.WriteLine("No members yet.");
                return ExitCodes.Ok;
            }

            console.WriteLine($"{"DEVICE UID",-30} {"ROLE",-7} {"NAME",-20} {"JOINED",-20} PRESENCE");
            foreach (var member in list.Select(m => m!.AsObject()))
            {
                var state = member.ContainsKey("online")
                    ? ((bool)member["online"]! ? "online" : $"offline, last seen {member["lastSeen"] ?? "-"}")
                    : "-";
                console.WriteLine($"{member["uid"],-30} {member["role"] ?? "-",-7} {member["deviceName"] ?? "-",-20} {member["joined"] ?? "-",-20} {state}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateInvite(CliConsole console, GlobalOptions global)
    {
        var room = RoomArgument();
        var role = new Option<string>("--role")
        {
            Description = "Who the invitation is for: camera or viewer.",
            Required = true,
        };
        role.AcceptOnlyFromAmong(Pairing.Camera, Pairing.Viewer);
        var png = new Option<string?>("--png") { Description = "Also write the QR code as a PNG image to FILE." };
        var svg = new Option<string?>("--svg") { Description = "Also write the QR code as an SVG image to FILE." };
        var command = new Command("invite", "Print a room's camera or viewer invitation: its URL and a QR code to scan with the phone.") { room, role, png, svg };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            var who = parse.GetValue(role)!;
            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            if (RoomSecrets.Load(context.SecretsFile(id)) is not { } secrets)
            {
                return console.Fail($"this machine has no invitation secrets for room {id} (profile '{context.Backend.Name}'); "
                    + $"run 'remotecam rooms rotate {id}' to make new ones (devices already paired must then pair again).");
            }

            if (context.InvitationBase is not { } baseUrl)
            {
                return console.Fail(NoBaseMessage(context.Backend));
            }

            var url = new Invitation(id, who, secrets.For(who)).ToUrl(baseUrl);
            var written = new JsonArray();
            foreach (var (path, write) in new (string?, Action<string>)[]
            {
                (parse.GetValue(png), p => File.WriteAllBytes(p, QrRendering.Png(url))),
                (parse.GetValue(svg), p => File.WriteAllText(p, QrRendering.Svg(url))),
            })
            {
                if (path is null)
                {
                    continue;
                }

                try
                {
                    write(path);
                    written.Add(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return console.Fail($"cannot write {path}: {e.Message}");
                }
            }

            if (parse.GetValue(global.Json))
            {
                console.WriteJson(new JsonObject { ["room"] = id, ["role"] = who, ["url"] = url, ["files"] = written });
                return ExitCodes.Ok;
            }

            console.WriteLine($"{Capitalized(who)} invitation for room {id}:");
            console.WriteLine(url);
            console.WriteLine("");
            console.Out.Write(QrRendering.Terminal(url));
            console.WriteLine("");
            foreach (var path in written)
            {
                console.WriteLine($"QR code written to {path}.");
            }

            console.WriteLine(KeyWarning);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateRevoke(CliConsole console, GlobalOptions global)
    {
        var room = RoomArgument();
        var device = new Argument<string>("DEVICE_UID") { Description = "The member's uid (see 'remotecam rooms show ROOM')." };
        var command = new Command("revoke", "Remove a device from a room (it can join again only with a current invitation; rotate to stop that).") { room, device };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            var uid = parse.GetValue(device)!;
            if (uid.Length == 0 || uid.IndexOfAny(['/', '.', '#', '$', '[', ']']) >= 0)
            {
                return console.Fail($"'{uid}' is not a device uid.", ExitCodes.Usage);
            }

            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            var member = await context.Database.GetAsync($"rooms/{id}/members/{uid}", null, cancellationToken);
            if (member.ValueKind == JsonValueKind.Null)
            {
                return console.Fail($"device {uid} is not a member of room {id}; see 'remotecam rooms show {id}'.");
            }

            await context.Database.DeleteAsync($"rooms/{id}/members/{uid}", cancellationToken);
            if (parse.GetValue(global.Json))
            {
                console.WriteJson(new JsonObject { ["room"] = id, ["revoked"] = uid });
            }
            else
            {
                console.WriteLine($"Revoked device {uid} from room {id}. To keep it from joining again with its invitation, run 'remotecam rooms rotate {id}'.");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateRotate(CliConsole console, GlobalOptions global)
    {
        var room = RoomArgument();
        var command = new Command("rotate", "Replace a room's invitation secrets and proofs: every old invitation stops working.") { room };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            var file = context.SecretsFile(id);
            var secrets = RoomSecrets.New();

            // Proofs first: if the write fails, the old secrets still match the database.
            var update = new JsonObject();
            AddProofs(update, id, secrets);
            await context.Database.UpdateAsync("", update, cancellationToken);
            secrets.Save(file);
            var invitations = Invitations(context, id, secrets);
            if (parse.GetValue(global.Json))
            {
                console.WriteJson(new JsonObject { ["room"] = id, ["rotated"] = true, ["secretsFile"] = file, ["invitations"] = invitations });
                return ExitCodes.Ok;
            }

            console.WriteLine($"Rotated the invitations of room {id}: old invitations no longer work.");
            console.WriteLine("Paired devices must pair again: show them the new invitations (and revoke any device that should not come back).");
            WriteInvitations(console, context, invitations);
            console.WriteLine(KeyWarning);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateDelete(CliConsole console, GlobalOptions global)
    {
        var room = RoomArgument();
        var command = new Command("delete", "Delete a room: its data, its proofs, and the invitation secrets on this machine.") { room };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            await context.Database.UpdateAsync("", new JsonObject { [$"rooms/{id}"] = null, [$"pairing/{id}"] = null }, cancellationToken);
            RoomSecrets.Delete(context.SecretsFile(id));
            if (parse.GetValue(global.Json))
            {
                console.WriteJson(new JsonObject { ["room"] = id, ["deleted"] = true });
            }
            else
            {
                console.WriteLine($"Deleted room {id}.");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void AddProofs(JsonObject update, string id, RoomSecrets secrets)
    {
        foreach (var role in Pairing.Roles)
        {
            update[$"pairing/{id}/{role}"] = Pairing.Proof(secrets.SecretBytes(role), id, role);
        }
    }

    private static JsonNode? Invitations(RoomContext context, string id, RoomSecrets secrets) =>
        context.InvitationBase is { } baseUrl
            ? new JsonObject
            {
                [Pairing.Camera] = new Invitation(id, Pairing.Camera, secrets.Camera).ToUrl(baseUrl),
                [Pairing.Viewer] = new Invitation(id, Pairing.Viewer, secrets.Viewer).ToUrl(baseUrl),
            }
            : null;

    private static void WriteInvitations(CliConsole console, RoomContext context, JsonNode? invitations)
    {
        if (invitations is null)
        {
            console.WriteLine($"No invitation URLs: {NoBaseMessage(context.Backend)}");
            return;
        }

        console.WriteLine($"Camera invitation: {invitations[Pairing.Camera]}");
        console.WriteLine($"Viewer invitation: {invitations[Pairing.Viewer]}");
    }

    private static string NoBaseMessage(Backend backend) =>
        $"profile '{backend.Name}' has no hosting URL for the pages; run 'remotecam init' again with --hosting-url.";

    private static string Capitalized(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    /// <summary>The members of a room as objects with <c>uid</c>, <c>role</c>, <c>deviceName</c>, <c>joined</c>.</summary>
    private static List<JsonObject> Members(JsonElement members)
    {
        var list = new List<JsonObject>();
        if (members.ValueKind != JsonValueKind.Object)
        {
            return list;
        }

        foreach (var member in members.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            list.Add(new JsonObject
            {
                ["uid"] = member.Name,
                ["role"] = StringOf(member.Value, "role"),
                ["deviceName"] = StringOf(member.Value, "deviceName") ?? StringOf(member.Value, "name"),
                ["joined"] = TimeOf(member.Value, "joined"),
            });
        }

        return list;
    }

    private static string? StringOf(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A server timestamp (milliseconds since the epoch) as ISO 8601 UTC; null when absent.</summary>
    private static string? TimeOf(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : null;

    /// <summary>Opens the profile's backend, runs <paramref name="body"/>, and turns expected failures into one-line errors.</summary>
    private static async Task<int> RunAsync(ParseResult parse, GlobalOptions global, CliConsole console, Func<RoomContext, Task<int>> body)
    {
        if (!CommandBackends.TryOpen(parse, global, console, out var backend, out var openExit))
        {
            return openExit;
        }

        using (backend)
        {
            var context = new RoomContext(backend!, global.Profiles.Directory, console);
            if (parse.CommandResult.Command.Arguments.FirstOrDefault(a => a.Name == "ROOM") is Argument<string> argument
                && parse.GetValue(argument) is { } room && !Pairing.IsRoomId(room))
            {
                return context.UnknownRoom(room);
            }

            try
            {
                return await body(context);
            }
            catch (Exception e) when (e is HttpRequestException or FirebaseException or TaskCanceledException or CredentialException)
            {
                return console.Fail($"profile '{backend!.Name}': {Backend.Describe(e, backend.DatabaseUrl)}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException)
            {
                return console.Fail($"invitation secrets: {e.Message}");
            }
        }
    }

    private sealed class RoomContext(Backend backend, string configDirectory, CliConsole console)
    {
        public Backend Backend => backend;

        public FirebaseDatabaseClient Database => backend.Database;

        /// <summary>Where the pages are: the hosting URL of a Firebase profile, the relay's URL for a relay profile.</summary>
        public Uri? InvitationBase =>
            (backend.Profile.Kind == ProfileKinds.Relay ? backend.Profile.Url : backend.Profile.HostingUrl) is { Length: > 0 } url
            && Uri.TryCreate(url, UriKind.Absolute, out var uri)
                ? uri
                : null;

        public string SecretsFile(string id) => RoomSecrets.FilePath(configDirectory, backend.Name, id);

        public async Task<JsonElement?> MetaAsync(string id, CancellationToken cancellationToken)
        {
            var meta = await Database.GetAsync($"rooms/{id}/meta", null, cancellationToken);
            return meta.ValueKind == JsonValueKind.Object ? meta : null;
        }

        public int UnknownRoom(string id) =>
            console.Fail($"no room '{id}' on profile '{backend.Name}'; see 'remotecam rooms list'.");
    }
}
