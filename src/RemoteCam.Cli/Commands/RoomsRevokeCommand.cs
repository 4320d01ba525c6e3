using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam rooms revoke ROOM DEVICE_UID</c>: removes the membership and marks the uid revoked, so it cannot join again.</summary>
internal static class RoomsRevokeCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var device = new Argument<string>("DEVICE_UID") { Description = "The member's uid (see 'remotecam rooms show ROOM')." };
        var command = new Command("revoke", "Remove a device from a room and keep it from joining again (its open streams end at once).") { room, device };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            var uid = parse.GetValue(device)!;
            if (uid.Length is 0 or > 128 || uid.IndexOfAny(['/', '.', '#', '$', '[', ']']) >= 0 || uid.Any(char.IsControl))
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
                var revoked = await context.Database.GetAsync($"rooms/{id}/revoked/{uid}", null, cancellationToken);
                return console.Fail(revoked.ValueKind == JsonValueKind.Null
                    ? $"device {uid} is not a member of room {id}; see 'remotecam rooms show {id}'."
                    : $"device {uid} is already revoked from room {id}.");
            }

            // One update: the membership goes and the mark that refuses re-joining appears together.
            await context.Database.UpdateAsync(
                "",
                new JsonObject { [$"rooms/{id}/members/{uid}"] = null, [$"rooms/{id}/revoked/{uid}"] = true },
                cancellationToken);
            return context.Result(
                new JsonObject { ["room"] = id, ["revoked"] = uid },
                () => console.WriteLine($"Revoked device {uid} from room {id}: it is no longer a member and cannot join again under this uid. "
                    + $"If its invitation may be copied to another device, also run 'remotecam rooms rotate {id}'."));
        }));
        return command;
    }
}
