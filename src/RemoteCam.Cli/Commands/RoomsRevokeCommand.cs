using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Rooms;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam rooms revoke ROOM DEVICE</c> (a uid or the device's name): removes the membership and marks the uid
/// revoked, so it cannot join again.
/// </summary>
internal static class RoomsRevokeCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var device = new Argument<string>("DEVICE") { Description = "The member's uid or name (see 'remotecam rooms show ROOM'); a name two members share is refused." };
        var command = new Command("revoke", "Remove a device from a room and keep it from joining again (its open streams end at once); the invitation it joined with is cancelled too.") { room, device };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            var wanted = parse.GetValue(device)!;
            if (wanted.Trim().Length == 0)
            {
                return console.Fail("name the device by its uid or name.", ExitCodes.Usage);
            }

            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            var members = RoomsCommand.Members(await context.Database.GetAsync($"rooms/{id}/members", null, cancellationToken));
            string uid;
            string? name;
            switch (DeviceLookup.Find(members, wanted))
            {
                case DeviceMatch.Found found:
                    (uid, name) = (found.Uid, (string?)found.Member["deviceName"]);
                    break;
                case DeviceMatch.Ambiguous ambiguous:
                    return DeviceLookup.RefuseAmbiguous(console, id, wanted, ambiguous.Matches);
                default:
                    var revoked = IsUid(wanted) ? await context.Database.GetAsync($"rooms/{id}/revoked/{wanted}", null, cancellationToken) : default;
                    return console.Fail(revoked.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                        ? DeviceLookup.NotAMember(id, wanted)
                        : $"device {wanted} is already revoked from room {id}.");
            }

            // One update: the membership goes and the mark that refuses re-joining appears together;
            // an invitation of its own is cancelled with it, so nobody else joins with a copy.
            var update = new JsonObject { [$"rooms/{id}/members/{uid}"] = null, [$"rooms/{id}/revoked/{uid}"] = true };
            var invite = members.First(m => (string)m["uid"]! == uid)["invitation"] is { } i ? (string)i! : null;
            var cancel = invite is not null && Pairing.IsInvitationId(invite)
                && (await context.Database.GetAsync($"pairing/{id}/invites/{invite}/info", null, cancellationToken)) is { ValueKind: JsonValueKind.Object } info
                && !info.TryGetProperty("cancelled", out _);
            if (cancel)
            {
                update[$"pairing/{id}/invites/{invite}/info/cancelled"] = new JsonObject { [".sv"] = "timestamp" };
            }

            await context.Database.UpdateAsync("", update, cancellationToken);
            return context.Result(
                new JsonObject { ["room"] = id, ["revoked"] = uid, ["name"] = name, ["invitation"] = invite, ["invitationCancelled"] = cancel },
                () => console.WriteLine($"Revoked device {uid}{(name is null ? "" : $" ('{name}')")} from room {id}: it is no longer a member and cannot join again under this uid. "
                    + (invite is null
                        ? $"It joined with the room-wide invitation: if that may be copied to another device, also run 'remotecam rooms rotate {id}'."
                        : $"Its invitation {invite} is cancelled{(cancel ? "" : " (it already was)")}, so no other device can join with a copy of it.")));
        }));
        return command;
    }

    /// <summary>Whether <paramref name="text"/> can be a uid (a database key): names may hold any characters.</summary>
    private static bool IsUid(string text) =>
        text.Length is > 0 and <= 128 && text.IndexOfAny(['/', '.', '#', '$', '[', ']', ' ']) < 0 && !text.Any(char.IsControl);
}
