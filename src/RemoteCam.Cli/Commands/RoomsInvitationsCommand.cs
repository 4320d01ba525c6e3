using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Rooms;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam rooms invitations ROOM</c> lists a room's invitations with their state;
/// <c>remotecam rooms invitations revoke ROOM ID</c> cancels one without rotating the room.
/// </summary>
internal static class RoomsInvitationsCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var command = new Command(
            "invitations",
            "List a room's invitations (made by 'rooms invite' or a camera's \"Invite a viewer\") with their state: unused, used by which device, expired or cancelled.")
        {
            room,
            Revoke(console, global),
        };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            var list = await ListAsync(context, id, cancellationToken);
            return context.Result(new JsonObject { ["room"] = id, ["invitations"] = new JsonArray([.. list]) }, () =>
            {
                if (list.Count == 0)
                {
                    console.WriteLine($"No invitations of their own in room {id} yet ('remotecam rooms invite {id} --role viewer' makes one).");
                    return;
                }

                console.WriteLine($"{"ID",-10} {"ROLE",-7} {"NAME",-20} {"BY",-8} {"EXPIRES",-21} STATE");
                foreach (var invite in list)
                {
                    console.WriteLine($"{invite["id"],-10} {invite["role"] ?? "-",-7} {invite["name"] ?? "-",-20} {By(invite),-8} {invite["expires"] ?? "-",-21} {State(invite)}");
                }
            });
        }));
        return command;
    }

    private static Command Revoke(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var invite = new Argument<string>("ID") { Description = "The invitation's id (see 'remotecam rooms invitations ROOM')." };
        var command = new Command(
            "revoke",
            "Cancel an invitation: no device can join with it any more; the room is not rotated, and devices that already joined stay members ('rooms revoke' removes one).")
        {
            room,
            invite,
        };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            var inviteId = parse.GetValue(invite)!;
            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            var info = Pairing.IsInvitationId(inviteId)
                ? await context.Database.GetAsync($"pairing/{id}/invites/{inviteId}/info", null, cancellationToken)
                : default;
            if (info.ValueKind != JsonValueKind.Object)
            {
                return console.Fail($"room {id} has no invitation '{inviteId}'; see 'remotecam rooms invitations {id}'.");
            }

            var already = RoomsCommand.TimeOf(info, "cancelled");
            if (already is null)
            {
                await RoomInvitations.CancelAsync(context.Database, id, inviteId, cancellationToken);
            }

            return context.Result(
                new JsonObject { ["room"] = id, ["cancelled"] = inviteId, ["already"] = already is not null },
                () => console.WriteLine(already is not null
                    ? $"Invitation {inviteId} of room {id} was already cancelled ({already})."
                    : $"Cancelled invitation {inviteId} of room {id}: no device can join with it any more. "
                        + $"Devices that joined with it stay members; 'remotecam rooms revoke {id} DEVICE' removes one."));
        }));
        return command;
    }

    /// <summary>The room's invitations, described (<see cref="RoomInvitations.Describe"/>).</summary>
    public static async Task<List<JsonObject>> ListAsync(RoomContext context, string id, CancellationToken cancellationToken)
    {
        var invites = await context.Database.GetAsync($"pairing/{id}/invites", null, cancellationToken);
        var members = await context.Database.GetAsync($"rooms/{id}/members", null, cancellationToken);
        return RoomInvitations.Describe(invites, members, DateTimeOffset.UtcNow);
    }

    private static string By(JsonObject invite) => (string?)invite["by"] == "cli" ? "owner" : invite["by"] is null ? "-" : "camera";

    private static string State(JsonObject invite)
    {
        var used = invite["usedBy"]!.AsArray()
            .Select(u => u!["deviceName"] is { } name ? $"'{name}'" : $"{u["uid"]} (no longer a member)")
            .ToList();
        var by = used.Count == 0 ? "" : " by " + string.Join(", ", used);
        return (string)invite["state"]! switch
        {
            "unused" => $"unused (0 of {invite["uses"]} uses)",
            "partly used" => $"{used.Count} of {invite["uses"]} uses{by}",
            "used" => $"used{by}",
            "expired" => $"expired{(used.Count == 0 ? ", never used" : $" after {used.Count} of {invite["uses"]} uses{by}")}",
            _ => $"cancelled {invite["cancelled"]}{(used.Count == 0 ? "" : $" (used{by})")}",
        };
    }
}
