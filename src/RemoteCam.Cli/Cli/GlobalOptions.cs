using System.CommandLine;

using RemoteCam.Cli.Profiles;

namespace RemoteCam.Cli.Cli;

/// <summary>
/// Options every command accepts (one instance per run, added to the root command as recursive
/// options), and the environment the run sees, so tests can point the config folder elsewhere.
/// </summary>
internal sealed class GlobalOptions(Func<string, string?> environment)
{
    /// <summary>The profile store of this run (<c>REMOTECAM_CONFIG_DIR</c>, XDG, or <c>~/.config/remotecam</c>).</summary>
    public ProfileStore Profiles => ProfileStore.For(environment);

    /// <summary>An environment variable as this run sees it.</summary>
    public string? Environment(string name) => environment(name);

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
