using System.CommandLine;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Profiles;
using RemoteCam.Firebase;
using RemoteCam.Relay.Rules;

using JsonObject = System.Text.Json.Nodes.JsonObject;

namespace RemoteCam.Cli.Commands;

/// <summary><c>remotecam rules check|deploy [FILE]</c>: validate security rules locally with the relay's engine, and deploy them.</summary>
internal static class RulesCommand
{
    private const string DefaultFile = "database.rules.json";

    public static Command Create(CliConsole console, GlobalOptions global) =>
        new("rules", "Check and deploy the database security rules (database.rules.json).")
        {
            CreateCheck(console, global),
            CreateDeploy(console, global),
        };

    private static Argument<string> FileArgument() => new("FILE")
    {
        Description = "The rules file.",
        DefaultValueFactory = _ => DefaultFile,
    };

    private static Command CreateCheck(CliConsole console, GlobalOptions global)
    {
        var file = FileArgument();
        var command = new Command("check", "Check a rules file with the relay's rules engine (the same checks the server makes); nothing is sent.") { file };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var json = parse.GetValue(global.Json);
            if (!TryCheck(console, path, json, out _, out var exitCode))
            {
                return exitCode;
            }

            if (json)
            {
                console.WriteJson(new JsonObject { ["file"] = path, ["ok"] = true });
            }
            else
            {
                console.WriteLine($"{path}: OK");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateDeploy(CliConsole console, GlobalOptions global)
    {
        var file = FileArgument();
        var dryRun = new Option<bool>("--dry-run") { Description = "Have the server check the rules without putting them in force." };
        var skipCheck = new Option<bool>("--skip-check") { Description = "Send without checking locally first.", Hidden = true };
        var command = new Command("deploy", "Check a rules file, then put it in force on the profile's database (PUT /.settings/rules.json).") { file, dryRun, skipCheck };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var json = parse.GetValue(global.Json);
            string text;
            if (parse.GetValue(skipCheck))
            {
                if (!TryRead(console, path, out text!, out var readExit))
                {
                    return readExit;
                }
            }
            else if (!TryCheck(console, path, json, out text!, out var checkExit))
            {
                return checkExit;
            }

            if (!CommandBackends.TryOpen(parse, global, console, out var backend, out var openExit))
            {
                return openExit;
            }

            using (backend)
            {
                var isDryRun = parse.GetValue(dryRun);
                try
                {
                    await backend!.PutRulesAsync(text, isDryRun, cancellationToken);
                }
                catch (FirebaseException e) when (e.StatusCode == System.Net.HttpStatusCode.BadRequest)
                {
                    if (json)
                    {
                        console.WriteJson(new JsonObject { ["file"] = path, ["ok"] = false, ["serverError"] = e.ServerMessage ?? e.ResponseBody });
                    }

                    return console.Fail($"{backend!.Profile.Location} refused {path}: {e.ServerMessage ?? e.ResponseBody}");
                }
                catch (Exception e) when (e is HttpRequestException or FirebaseException or TaskCanceledException
                    or CredentialException)
                {
                    return console.Fail($"cannot deploy {path} to profile '{backend!.Name}': {Backend.Describe(e, backend.DatabaseUrl)}");
                }

                if (json)
                {
                    console.WriteJson(new JsonObject
                    {
                        ["file"] = path,
                        ["ok"] = true,
                        ["dryRun"] = isDryRun,
                        ["profile"] = backend!.Name,
                        ["database"] = backend.Profile.Location,
                    });
                }
                else
                {
                    console.WriteLine(isDryRun
                        ? $"{path}: accepted by {backend!.Profile.Location} (dry run: the rules in force are unchanged)."
                        : $"{path}: deployed to {backend.Profile.Location} (profile '{backend.Name}').");
                }

                return ExitCodes.Ok;
            }
        });
        return command;
    }

    private static bool TryRead(CliConsole console, string path, out string? text, out int exitCode)
    {
        text = null;
        exitCode = ExitCodes.Ok;
        try
        {
            text = File.ReadAllText(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            exitCode = console.Fail(e is FileNotFoundException or DirectoryNotFoundException
                ? $"{path} does not exist{(path == DefaultFile ? " in the current folder; give the rules file as an argument" : "")}."
                : $"cannot read {path}: {e.Message}");
            return false;
        }
    }

    /// <summary>Reads and loads the file; on failure reports <c>FILE:LINE:COLUMN: message (at rule path)</c>.</summary>
    private static bool TryCheck(CliConsole console, string path, bool json, out string? text, out int exitCode)
    {
        if (!TryRead(console, path, out text, out exitCode))
        {
            return false;
        }

        if (RulesChecker.Check(text!) is not { } error)
        {
            return true;
        }

        if (json)
        {
            console.WriteJson(new JsonObject
            {
                ["file"] = path,
                ["ok"] = false,
                ["error"] = new JsonObject
                {
                    ["message"] = error.Message,
                    ["rulePath"] = error.RulePath,
                    ["line"] = error.Line,
                    ["column"] = error.Column,
                },
            });
        }

        exitCode = console.Fail($"{path}:{error.Line}:{error.Column}: {error.Message} (at {error.RulePath})");
        return false;
    }
}
