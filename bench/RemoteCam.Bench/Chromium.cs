using Microsoft.Playwright;

namespace RemoteCam.Bench;

/// <summary>Debian's chromium (never one downloaded by Playwright), headless, with the project's flags.</summary>
internal static class Chromium
{
    public const string Variable = "REMOTECAM_CHROMIUM";

    /// <summary>
    /// The project's flags (fake camera without a prompt, loopback peer connections, real host candidates, no
    /// network beyond loopback). RemoteCam's pages come from the relay itself (same origin, no CORS preflights).
    /// </summary>
    public static readonly IReadOnlyList<string> Flags =
    [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--allow-loopback-in-peer-connection",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--disable-features=WebRtcHideLocalIpsWithMdns",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ];

    /// <summary><c>$REMOTECAM_CHROMIUM</c>, else <c>chromium</c> on <c>PATH</c>.</summary>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new BenchPrerequisiteException($"{Variable} is set to '{configured}', which does not exist.");
        }

        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, "chromium");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new BenchPrerequisiteException($"chromium not found: install Debian's package (apt-get install chromium) or set {Variable}.");
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Locate(), Headless = true, Args = Flags });
}
