namespace RemoteCam.Cli.Cli;

/// <summary>The exit-code contract every command follows.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>An expected failure the user can fix (unreachable server, refused credentials, a broken rules file…).</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong, or something unexpected happened.</summary>
    public const int Usage = 2;
}
