using System.CommandLine;

namespace RemoteCam.Cli.Cli;

/// <summary>Options every command accepts; one instance per run, added to the root command as recursive options.</summary>
internal sealed class GlobalOptions
{
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write the result as one JSON document on stdout, for scripts.",
        Recursive = true,
    };

    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "The backend profile to use (default: the one set by the last 'remotecam init', else the local relay).",
        Recursive = true,
    };
}
