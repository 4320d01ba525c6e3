using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Profiles;
using RemoteCam.Cli.Rooms;
using RemoteCam.Firebase;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam rooms create|list|show|invite|revoke|rotate|ice|storage|delete</c>: rooms and their invitations
/// (docs/pairing.md). One file per subcommand (<c>Rooms*Command.cs</c>); what they share is here.
/// </summary>
internal static class RoomsCommand
{
    public const string KeyWarning = "An invitation (its URL or QR code) is a key to the room: show it only to devices you own.";

    public static Command Create(CliConsole console, GlobalOptions global) =>
        new("rooms", "Create rooms, invite cameras and viewers, revoke devices, rotate invitations, set STUN/TURN servers.")
        {
            RoomsCreateCommand.Create(console, global),
            RoomsListCommand.Create(console, global),
            RoomsShowCommand.Create(console, global),
            RoomsInviteCommand.Create(console, global),
            RoomsRevokeCommand.Create(console, global),
            RoomsRotateCommand.Create(console, global),
            RoomsIceCommand.Create(console, global),
            RoomsStorageCommand.Create(console, global),
            RoomsDeleteCommand.Create(console, global),
        };

    public static Argument<string> RoomArgument() => new("ROOM") { Description = "The room id (see 'remotecam rooms list')." };

    /// <summary>Both invitation URLs of a room as <c>{camera, viewer}</c>; null without a base URL for the pages.</summary>
    public static JsonObject? Invitations(Uri? baseUrl, string id, RoomSecrets secrets) =>
        baseUrl is null
            ? null
            : new JsonObject
            {
                [Pairing.Camera] = secrets.Invitation(id, Pairing.Camera).ToUrl(baseUrl),
                [Pairing.Viewer] = secrets.Invitation(id, Pairing.Viewer).ToUrl(baseUrl),
            };

    public static void WriteInvitations(CliConsole console, RoomContext context, JsonNode? invitations)
    {
        if (invitations is null)
        {
            console.WriteLine($"No invitation URLs: {NoBaseMessage(context.Backend)}");
            return;
        }

        console.WriteLine($"Camera invitation: {invitations[Pairing.Camera]}");
        console.WriteLine($"Viewer invitation: {invitations[Pairing.Viewer]}");
    }

    public static string NoBaseMessage(Backend backend) =>
        $"profile '{backend.Name}' has no hosting URL for the pages; run 'remotecam init' again with --hosting-url.";

    /// <summary>The members of a room as objects with <c>uid</c>, <c>role</c>, <c>deviceName</c>, <c>joined</c>.</summary>
    public static List<JsonObject> Members(JsonElement members)
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

    public static string? StringOf(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A server timestamp (milliseconds since the epoch) as ISO 8601 UTC; null when absent.</summary>
    public static string? TimeOf(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : null;

    /// <summary>Opens the profile's backend, runs <paramref name="body"/>, and turns expected failures into one-line errors.</summary>
    public static async Task<int> RunAsync(ParseResult parse, GlobalOptions global, CliConsole console, Func<RoomContext, Task<int>> body)
    {
        if (!CommandBackends.TryOpen(parse, global, console, out var backend, out var openExit))
        {
            return openExit;
        }

        using (backend)
        {
            var context = new RoomContext(backend!, global.Profiles.Directory, console, parse.GetValue(global.Json));
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
}

/// <summary>What a rooms subcommand works with: the profile's backend, where its secrets are, and how to answer.</summary>
internal sealed class RoomContext(Backend backend, string configDirectory, CliConsole console, bool json)
{
    public Backend Backend => backend;

    public FirebaseDatabaseClient Database => backend.Database;

    public CliConsole Console => console;

    public bool Json => json;

    /// <summary>Where the pages are: the hosting URL of a Firebase profile, the relay's URL for a relay profile.</summary>
    public Uri? InvitationBase =>
        (backend.Profile.Kind == ProfileKinds.Relay ? backend.Profile.Url : backend.Profile.HostingUrl) is { Length: > 0 } url
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? uri
            : null;

    public string SecretsFile(string id) => RoomSecretsFile.PathFor(configDirectory, backend.Name, id);

    /// <summary>The end of a successful subcommand: <paramref name="document"/> with <c>--json</c>, else <paramref name="text"/>.</summary>
    public int Result(JsonNode document, Action text) => console.Result(json, document, text);

    public async Task<JsonElement?> MetaAsync(string id, CancellationToken cancellationToken)
    {
        var meta = await Database.GetAsync($"rooms/{id}/meta", null, cancellationToken);
        return meta.ValueKind == JsonValueKind.Object ? meta : null;
    }

    public int UnknownRoom(string id) =>
        console.Fail($"no room '{id}' on profile '{backend.Name}'; see 'remotecam rooms list'.");
}
