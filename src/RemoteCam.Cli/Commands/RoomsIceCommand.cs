using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Rooms;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam rooms ice ROOM [--url URL]... [--username U --credential C] [--relay-only] | --clear</c>:
/// the room's own STUN/TURN servers, sealed so the database never sees the TURN credential (docs/protocol.md).
/// </summary>
internal static class RoomsIceCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var url = new Option<string[]>("--url")
        {
            Description = "A STUN or TURN server of the room, e.g. turn:turn.example.net:3478 (repeat for several).",
            AllowMultipleArgumentsPerToken = false,
        };
        var username = new Option<string?>("--username") { Description = "The TURN server's username." };
        var credential = new Option<string?>("--credential") { Description = "The TURN server's password (credential)." };
        var relayOnly = new Option<bool>("--relay-only")
        {
            Description = "Connect only through the TURN server: viewers never learn the camera's addresses (and vice versa).",
        };
        var clear = new Option<bool>("--clear") { Description = "Remove the room's ICE servers." };
        var command = new Command(
            "ice",
            "Show or set a room's STUN/TURN servers, for calls between networks that cannot reach each other directly.")
        { room, url, username, credential, relayOnly, clear };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            var urls = parse.GetValue(url) ?? [];
            var removing = parse.GetValue(clear);
            var setting = urls.Length > 0 || parse.GetValue(username) is not null || parse.GetValue(credential) is not null || parse.GetValue(relayOnly);
            if (removing && setting)
            {
                return console.Fail("--clear removes the room's ICE servers; it takes no --url, --username, --credential or --relay-only.", ExitCodes.Usage);
            }

            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            var path = $"rooms/{id}/meta/{RoomIce.SealName}";
            if (removing)
            {
                await context.Database.DeleteAsync(path, cancellationToken);
                return context.Result(
                    new JsonObject { ["room"] = id, ["iceServers"] = new JsonArray(), ["relayOnly"] = false },
                    () => console.WriteLine($"Room {id} has no ICE servers of its own any more (pages pick this up within a minute)."));
            }

            var stored = RoomSecretsFile.Load(context.SecretsFile(id));
            if (stored.Pending is not null)
            {
                return console.Fail($"a rotation of room {id} did not finish; run 'remotecam rooms rotate {id}' to finish it first.");
            }

            if (stored.Current is not { } secrets)
            {
                return console.Fail($"this machine has no secrets for room {id} (profile '{context.Backend.Name}'), "
                    + "so it cannot seal or read the room's ICE servers.");
            }

            var viewerSecret = secrets.SecretBytes(Pairing.Viewer);
            if (!setting)
            {
                var current = await context.Database.GetAsync(path, null, cancellationToken);
                RoomIce? ice = null;
                if (current.ValueKind == JsonValueKind.String)
                {
                    ice = RoomSeal.Open(viewerSecret, id, RoomIce.SealName, current.GetString()!) is { } json ? RoomIce.Parse(json) : null;
                    if (ice is null)
                    {
                        return console.Fail($"room {id}'s ICE servers do not open with this machine's secrets; set them again with --url.");
                    }
                }

                return Show(context, console, id, ice);
            }

            var config = RoomIce.From(urls, parse.GetValue(username), parse.GetValue(credential), parse.GetValue(relayOnly), out var error);
            if (config is null)
            {
                return console.Fail(error, ExitCodes.Usage);
            }

            await context.Database.SetAsync(path, RoomSeal.Seal(viewerSecret, id, RoomIce.SealName, config.ToJson()), cancellationToken);
            return Show(context, console, id, config, changed: true);
        }));
        return command;
    }

    private static int Show(RoomContext context, CliConsole console, string id, RoomIce? ice, bool changed = false)
    {
        var servers = new JsonArray();
        foreach (var server in ice?.Servers ?? [])
        {
            servers.Add(new JsonObject
            {
                ["urls"] = new JsonArray([.. server.Urls.Select(u => JsonValue.Create(u))]),
                ["username"] = server.Username,
                ["credentialSet"] = server.Credential is not null,
            });
        }

        return context.Result(
            new JsonObject { ["room"] = id, ["iceServers"] = servers, ["relayOnly"] = ice?.RelayOnly ?? false },
            () =>
            {
                if (ice is null)
                {
                    console.WriteLine($"Room {id} has no ICE servers of its own: calls use the backend's and direct paths.");
                    return;
                }

                var text = new StringBuilder(changed ? $"Room {id} now uses these ICE servers (sealed; pages pick them up within a minute):" : $"Room {id} uses these ICE servers:");
                foreach (var server in ice.Servers)
                {
                    text.Append("\n  ").Append(string.Join(", ", server.Urls));
                    if (server.Username is not null)
                    {
                        text.Append($" (username {server.Username}, credential set)");
                    }
                }

                text.Append(ice.RelayOnly ? "\nRelay only: calls go through the TURN server, never directly." : "\nCalls go directly where they can, else through TURN.");
                console.WriteLine(text.ToString());
            });
    }
}
