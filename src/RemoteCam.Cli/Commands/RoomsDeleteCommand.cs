using System.CommandLine;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Rooms;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam rooms delete ROOM</c>.</summary>
internal static class RoomsDeleteCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var command = new Command("delete", "Delete a room: its data, its proofs, and the invitation secrets on this machine.") { room };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            if (await context.MetaAsync(id, cancellationToken) is null)
            {
                return context.UnknownRoom(id);
            }

            await context.Database.UpdateAsync("", new JsonObject { [$"rooms/{id}"] = null, [$"pairing/{id}"] = null }, cancellationToken);
            RoomSecretsFile.Delete(context.SecretsFile(id));
            return context.Result(new JsonObject { ["room"] = id, ["deleted"] = true }, () => console.WriteLine($"Deleted room {id}."));
        }));
        return command;
    }
}
