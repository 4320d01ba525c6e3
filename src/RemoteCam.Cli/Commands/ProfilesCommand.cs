using System.CommandLine;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Profiles;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam profiles</c>: the configured backends, the current one marked (secrets never shown).</summary>
internal static class ProfilesCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var command = new Command("profiles", "List the backend profiles and where they are stored; the current one is marked with *.");
        command.SetAction(parse => List(console, global, parse.GetValue(global.Json)));
        return command;
    }

    public static int List(CliConsole console, GlobalOptions global, bool json)
    {
        var store = global.Profiles;
        if (!store.TryLoad(out var config, out var error))
        {
            return console.Fail(error!);
        }

        var names = config.Profiles.Keys.Order(StringComparer.Ordinal).ToList();
        if (json)
        {
            var profiles = new JsonArray();
            foreach (var name in names)
            {
                var profile = config.Profiles[name];
                profiles.Add(new JsonObject
                {
                    ["name"] = name,
                    ["kind"] = profile.Kind,
                    ["location"] = profile.Location,
                    ["current"] = name == config.Current,
                });
            }

            console.WriteJson(new JsonObject
            {
                ["configFile"] = store.FilePath,
                ["current"] = config.Current ?? ProfileStore.BuiltInName,
                ["profiles"] = profiles,
            });
            return ExitCodes.Ok;
        }

        if (names.Count == 0)
        {
            console.WriteLine($"No profiles yet: commands use the local relay at {Profile.LocalRelay.Url}. Create one with 'remotecam init'.");
        }

        foreach (var name in names)
        {
            var profile = config.Profiles[name];
            console.WriteLine($"{(name == config.Current ? "*" : " ")} {name,-16} {profile.Kind,-9} {profile.Location}");
        }

        console.WriteLine($"Stored in {store.FilePath}");
        return ExitCodes.Ok;
    }
}
