using System.CommandLine;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Rooms;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam rooms rotate ROOM</c>: new secrets and proofs; finishes an interrupted rotation.</summary>
internal static class RoomsRotateCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var command = new Command("rotate", "Replace a room's invitation secrets and proofs: every old invitation stops working.") { room };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            var file = context.SecretsFile(id);
            var (secrets, resumed) = await RoomOperations.RotateAsync(context.Database, id, file, cancellationToken);
            var invitations = RoomsCommand.Invitations(context.InvitationBase, id, secrets);
            return context.Result(
                new JsonObject { ["room"] = id, ["rotated"] = true, ["resumed"] = resumed, ["secretsFile"] = file, ["invitations"] = invitations },
                () =>
                {
                    if (resumed)
                    {
                        console.WriteLine($"Finished the rotation of room {id} that was interrupted (same new secrets).");
                    }

                    console.WriteLine($"Rotated the invitations of room {id}: old invitations no longer work.");
                    console.WriteLine("Paired devices must pair again: show them the new invitations (and revoke any device that should not come back).");
                    RoomsCommand.WriteInvitations(console, context, invitations);
                    console.WriteLine(RoomsCommand.KeyWarning);
                });
        }));
        return command;
    }
}
