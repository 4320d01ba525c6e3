using System.CommandLine;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Rooms;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam rooms create NAME</c>.</summary>
internal static class RoomsCreateCommand
{
    public const int MaxNameLength = 100;

    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "A name for the room, e.g. \"Home\"." };
        var command = new Command("create", "Create a room: its id, its meta, and the camera and viewer invitations (secrets kept on this machine).") { name };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var roomName = parse.GetValue(name)!.Trim();
            if (roomName.Length is 0 or > MaxNameLength)
            {
                return console.Fail($"the room name must have 1 to {MaxNameLength} characters.", ExitCodes.Usage);
            }

            var (id, secrets) = await RoomOperations.CreateAsync(context.Database, roomName, context.SecretsFile, cancellationToken);
            var file = context.SecretsFile(id);
            var invitations = RoomsCommand.Invitations(context.InvitationBase, id, secrets);
            return context.Result(
                new JsonObject
                {
                    ["id"] = id,
                    ["name"] = roomName,
                    ["profile"] = context.Backend.Name,
                    ["secretsFile"] = file,
                    ["invitations"] = invitations,
                },
                () =>
                {
                    console.WriteLine($"Created room '{roomName}' with id {id} (profile '{context.Backend.Name}').");
                    RoomsCommand.WriteInvitations(console, context, invitations);
                    console.WriteLine($"The invitation secrets are kept only in {file}.");
                    console.WriteLine(RoomsCommand.KeyWarning);
                    console.WriteLine($"Show a QR code with 'remotecam rooms invite {id} --role camera' (or viewer).");
                });
        }));
        return command;
    }
}
