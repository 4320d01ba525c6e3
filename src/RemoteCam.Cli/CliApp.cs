using System.CommandLine;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Commands;

namespace RemoteCam.Cli;

/// <summary>Composes the commands; <c>Main</c> only calls this, and tests call it with their own writers.</summary>
internal static class CliApp
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary>As above, with the environment variables the run sees (tests give their own config folder).</summary>
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken = default)
    {
        var console = new CliConsole(output, error);
        var global = new GlobalOptions(environment);
        var root = new RootCommand("RemoteCam: turn old phones into home security cameras.")
        {
            global.Json,
            global.Profile,
            ServeCommand.Create(console, global),
            InitCommand.Create(console, global),
            ProfilesCommand.Create(console, global),
            RulesCommand.Create(console, global),
            RoomsCommand.Create(console, global),
            ClipsCommand.Create(console, global),
            DoctorCommand.Create(console, global),
            StatsCommand.Create(console, global),
            CostCommand.Create(console, global),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var parseError in parse.Errors)
            {
                console.Fail(parseError.Message, ExitCodes.Usage);
            }

            await error.WriteLineAsync($"Run '{CommandPath(parse.CommandResult.Command)} --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(
                new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false },
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return console.Fail("cancelled.");
        }
        catch (Exception e)
        {
            // A bug, not a failure the user can fix: say what happened; the stack trace only on request.
            console.Fail($"unexpected error: {e.GetType().Name}: {e.Message}", ExitCodes.Usage);
            if (environment("REMOTECAM_DEBUG") is { Length: > 0 })
            {
                await error.WriteLineAsync(e.ToString());
            }

            return ExitCodes.Usage;
        }
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command c; symbol = c.Parents.FirstOrDefault())
        {
            names.Add(c is RootCommand ? "remotecam" : c.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
