using System.CommandLine;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Profiles;

namespace RemoteCam.Cli.Commands;

/// <summary>Opens the backend of the profile a command was run with (<c>--profile</c>, else the current one).</summary>
internal static class CommandBackends
{
    public static bool TryOpen(ParseResult parse, GlobalOptions global, CliConsole console, out Backend? backend, out int exitCode)
    {
        backend = null;
        exitCode = ExitCodes.Ok;
        var store = global.Profiles;
        if (!store.TryResolve(parse.GetValue(global.Profile), out var name, out var profile, out var error)
            || !Backend.TryCreate(name, profile, out backend, out error))
        {
            exitCode = console.Fail(error!);
            return false;
        }

        return true;
    }
}
