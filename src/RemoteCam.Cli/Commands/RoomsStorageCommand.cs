using System.CommandLine;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Clips;
using RemoteCam.Cli.Profiles;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam rooms storage ROOM [--target relay|database|bucket] [--bucket NAME]</c>: where the room's cameras
/// keep their sealed clips (docs/clips.md "Where clips are kept"); it writes <c>meta/storage</c> (and
/// <c>meta/bucket</c>), which only the owner may.
/// </summary>
internal static class RoomsStorageCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var room = RoomsCommand.RoomArgument();
        var target = new Option<string?>("--target") { Description = "database (Firebase's free plan), bucket (Cloud Storage, Blaze plan) or relay (the embedded relay)." };
        target.AcceptOnlyFromAmong(ClipEntry.Targets);
        var bucket = new Option<string?>("--bucket") { Description = "The bucket's name, for --target bucket (e.g. PROJECT.firebasestorage.app)." };
        var command = new Command("storage", "Show or choose where a room's cameras keep their clips.") { room, target, bucket };
        command.SetAction((parse, cancellationToken) => RoomsCommand.RunAsync(parse, global, console, async context =>
        {
            var id = parse.GetValue(room)!;
            var chosen = parse.GetValue(target);
            var bucketName = parse.GetValue(bucket);
            if (await context.MetaAsync(id, cancellationToken) is not { } meta)
            {
                return context.UnknownRoom(id);
            }

            if (chosen is null)
            {
                if (bucketName is not null)
                {
                    return console.Fail("--bucket goes with --target bucket.", ExitCodes.Usage);
                }

                var current = RoomsCommand.StringOf(meta, "storage") ?? "database";
                return Show(context, id, current, RoomsCommand.StringOf(meta, "bucket"), changed: false);
            }

            if (chosen != "bucket" && bucketName is not null)
            {
                return console.Fail($"--bucket goes with --target bucket, not --target {chosen}.", ExitCodes.Usage);
            }

            var isRelay = context.Backend.Profile.Kind == ProfileKinds.Relay;
            if (chosen == "relay" && !isRelay)
            {
                return console.Fail($"--target relay keeps clips on a RemoteCam relay, but profile '{context.Backend.Name}' is a Firebase project; use database or bucket.", ExitCodes.Usage);
            }

            if (chosen == "bucket")
            {
                if (bucketName is null)
                {
                    return console.Fail("--target bucket needs --bucket NAME (your project's bucket, e.g. PROJECT.firebasestorage.app).", ExitCodes.Usage);
                }

                var problem = await ClipBuckets.CheckAsync(context.Backend, bucketName, cancellationToken);
                if (problem is not null)
                {
                    return console.Fail($"bucket '{bucketName}' is not reachable: {problem}. {ClipBuckets.BlazeNote}");
                }
            }

            await context.Database.UpdateAsync($"rooms/{id}/meta", new Dictionary<string, string?> { ["storage"] = chosen, ["bucket"] = chosen == "bucket" ? bucketName : null }, cancellationToken);
            return Show(context, id, chosen, chosen == "bucket" ? bucketName : null, changed: true);
        }));
        return command;
    }

    private static int Show(RoomContext context, string id, string target, string? bucket, bool changed) =>
        context.Result(
            new JsonObject { ["room"] = id, ["target"] = target, ["bucket"] = bucket },
            () =>
            {
                var where = target switch
                {
                    "bucket" => $"the bucket {bucket}",
                    "relay" => "the relay",
                    _ => "the database (free on Firebase's Spark plan: about 3 hours of clips in 1 GB, see docs/clips.md)",
                };
                context.Console.WriteLine(changed ? $"Room {id} now keeps its clips in {where}; cameras use it for their next clips." : $"Room {id} keeps its clips in {where}.");
                if (target == "bucket")
                {
                    context.Console.WriteLine(ClipBuckets.BlazeNote);
                }
            });
}
