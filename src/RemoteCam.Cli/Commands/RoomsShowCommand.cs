using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Rooms;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam rooms show ROOM</c>.</summary>
internal static class RoomsShowCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var device = new Argument<string?>("DEVICE")
        {
            Description = "Show only this member: its uid or name (a name two members share is refused).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("show", "Show a room: its meta, its members with role, device name, joined, the invitation each came in with and presence, and its revoked devices.") { room, device };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            if (await context.MetaAsync(id, cancellationToken) is not { } meta)
            {
                return context.UnknownRoom(id);
            }

            var members = await context.Database.GetAsync($"rooms/{id}/members", null, cancellationToken);
            var presence = await context.Database.GetAsync($"rooms/{id}/cameras", null, cancellationToken);
            var revokedNode = await context.Database.GetAsync($"rooms/{id}/revoked", null, cancellationToken);
            var proofs = await context.Database.GetAsync($"pairing/{id}", null, cancellationToken);
            var list = new JsonArray();
            foreach (var member in RoomsCommand.Members(members))
            {
                var uid = (string)member["uid"]!;

                // A membership counts only while its proof is the room's current one (rotation ends it).
                // With an invitation of its own, that invitation's proof (rotation removes them all).
                var own = RoomsCommand.StringOf(members.GetProperty(uid), "proof");
                member["paired"] = own is not null && (member["invitation"] is { } invite
                    ? proofs.ValueKind == JsonValueKind.Object && proofs.TryGetProperty("invites", out var invites)
                        && invites.ValueKind == JsonValueKind.Object && invites.TryGetProperty((string)invite!, out var one)
                        && RoomsCommand.StringOf(one, "proof") == own
                    : member["role"] is { } role && RoomsCommand.StringOf(proofs, (string)role!) == own);
                if (presence.ValueKind == JsonValueKind.Object && presence.TryGetProperty(uid, out var seen) && seen.ValueKind == JsonValueKind.Object)
                {
                    member["online"] = seen.TryGetProperty("online", out var online) && online.ValueKind == JsonValueKind.True;
                    member["lastSeen"] = RoomsCommand.TimeOf(seen, "lastSeen");
                }

                list.Add(member);
            }

            if (parse.GetValue(device) is { } wanted)
            {
                switch (DeviceLookup.Find([.. list.Select(m => m!.AsObject())], wanted))
                {
                    case DeviceMatch.Found found:
                        list = [found.Member.DeepClone()];
                        break;
                    case DeviceMatch.Ambiguous ambiguous:
                        return DeviceLookup.RefuseAmbiguous(console, id, wanted, ambiguous.Matches);
                    default:
                        return console.Fail(DeviceLookup.NotAMember(id, wanted));
                }
            }

            var revoked = new JsonArray();
            if (revokedNode.ValueKind == JsonValueKind.Object)
            {
                foreach (var uid in revokedNode.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal))
                {
                    revoked.Add(uid);
                }
            }

            var secrets = RoomSecretsFile.Load(context.SecretsFile(id));
            var rotated = RoomsCommand.TimeOf(meta, "rotated");
            var ice = meta.TryGetProperty(RoomIce.SealName, out var sealedIce) && sealedIce.ValueKind == JsonValueKind.String;
            return context.Result(
                new JsonObject
                {
                    ["id"] = id,
                    ["name"] = RoomsCommand.StringOf(meta, "name"),
                    ["created"] = RoomsCommand.TimeOf(meta, "created"),
                    ["rotated"] = rotated,
                    ["owner"] = RoomsCommand.StringOf(meta, "owner"),
                    ["iceServers"] = ice,
                    ["invitationSecretsHere"] = secrets.Current is not null,
                    ["rotationPending"] = secrets.Pending is not null,
                    ["members"] = list,
                    ["revoked"] = revoked,
                },
                () =>
                {
                    console.WriteLine($"Room {id}: '{RoomsCommand.StringOf(meta, "name")}', created {RoomsCommand.TimeOf(meta, "created") ?? "-"} by {RoomsCommand.StringOf(meta, "owner") ?? "-"}.");
                    if (rotated is not null)
                    {
                        console.WriteLine($"Invitations rotated {rotated}: invitations made before then stopped working, and devices paired before then must pair again.");
                    }

                    if (ice)
                    {
                        console.WriteLine($"ICE servers: the room has its own (sealed; 'remotecam rooms ice {id}' shows them).");
                    }

                    console.WriteLine(secrets switch
                    {
                        { Pending: not null } => $"Invitation secrets: a rotation did not finish; run 'remotecam rooms rotate {id}' to finish it.",
                        { Current: not null } => "Invitation secrets: on this machine ('remotecam rooms invite').",
                        _ => "Invitation secrets: not on this machine ('remotecam rooms rotate' makes new ones).",
                    });
                    WriteMembers(console, list);
                    if (revoked.Count > 0)
                    {
                        console.WriteLine($"Revoked devices (cannot join again): {string.Join(", ", revoked.Select(r => (string?)r))}");
                    }
                });
        }));
        return command;
    }

    private static void WriteMembers(CliConsole console, JsonArray list)
    {
        if (list.Count == 0)
        {
            console.WriteLine("No members yet.");
            return;
        }

        console.WriteLine($"{"DEVICE UID",-30} {"ROLE",-7} {"NAME",-20} {"JOINED",-20} {"INVITATION",-10} {"PRESENCE",-36} PAIRED");
        foreach (var member in list.Select(m => m!.AsObject()))
        {
            var state = member.ContainsKey("online")
                ? ((bool)member["online"]! ? "online" : $"offline, last seen {member["lastSeen"] ?? "-"}")
                : "-";
            var paired = (bool)member["paired"]! ? "yes" : "no: its invitation is no longer valid; it must pair again";
            console.WriteLine($"{member["uid"],-30} {member["role"] ?? "-",-7} {member["deviceName"] ?? "-",-20} {member["joined"] ?? "-",-20} {member["invitation"] ?? "room-wide",-10} {state,-36} {paired}");
        }
    }
}
