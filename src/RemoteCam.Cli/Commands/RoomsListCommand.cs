using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Rooms;
using RemoteCam.Firebase;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam rooms list</c>.</summary>
internal static class RoomsListCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var command = new Command("list", "List the rooms: id, name, created, and how many cameras and viewers are members.");
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var ids = await context.Database.GetAsync("rooms", new QueryOptions { Shallow = true }, cancellationToken);
            var rooms = new JsonArray();
            if (ids.ValueKind == JsonValueKind.Object)
            {
                foreach (var id in ids.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal))
                {
                    var meta = await context.Database.GetAsync($"rooms/{id}/meta", null, cancellationToken);
                    var members = await context.Database.GetAsync($"rooms/{id}/members", null, cancellationToken);
                    var roles = RoomsCommand.Members(members).Select(m => (string?)m["role"]).ToList();
                    rooms.Add(new JsonObject
                    {
                        ["id"] = id,
                        ["name"] = RoomsCommand.StringOf(meta, "name"),
                        ["created"] = RoomsCommand.TimeOf(meta, "created"),
                        ["cameras"] = roles.Count(r => r == Pairing.Camera),
                        ["viewers"] = roles.Count(r => r == Pairing.Viewer),
                    });
                }
            }

            return context.Result(new JsonObject { ["profile"] = context.Backend.Name, ["rooms"] = rooms }, () =>
            {
                if (rooms.Count == 0)
                {
                    console.WriteLine($"No rooms on profile '{context.Backend.Name}'; create one with 'remotecam rooms create NAME'.");
                    return;
                }

                console.WriteLine($"{"ID",-22} {"NAME",-20} {"CREATED",-20} {"CAMERAS",7} {"VIEWERS",7}");
                foreach (var room in rooms.Select(r => r!.AsObject()))
                {
                    console.WriteLine($"{room["id"],-22} {room["name"] ?? "-",-20} {room["created"] ?? "-",-20} {room["cameras"],7} {room["viewers"],7}");
                }
            });
        }));
        return command;
    }
}
