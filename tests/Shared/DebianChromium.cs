using Microsoft.Playwright;

namespace RemoteCam.Testing;

/// <summary>
/// Debian's chromium, found at run time: never a browser downloaded by Playwright. One file for
/// the end-to-end tests and the bench (linked into both projects).
/// </summary>
internal static class DebianChromium
{
    /// <summary>The environment variable that names the chromium executable.</summary>
    public const string Variable = "REMOTECAM_CHROMIUM";

    /// <summary>
    /// Fake camera and microphone without a permission prompt, loopback peer connections, real
    /// (not mDNS) host candidates, and no network use beyond the loopback relay.
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

    /// <summary>The executable: <c>$REMOTECAM_CHROMIUM</c>, else <c>chromium</c> on <c>PATH</c>; a clear failure when neither exists.</summary>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{Variable} is set to '{configured}', which does not exist.");
        }

        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, "chromium");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "Chromium is needed: install Debian's package ('apt-get install chromium') "
            + $"or set {Variable} to a chromium executable. See docs/testing.md.");
    }

    /// <summary>
    /// Launches it headless with <see cref="Flags"/> and then <paramref name="extraArgs"/> (flags
    /// that hold for one launch only, e.g. <c>--use-file-for-fake-video-capture=FILE</c>).
    /// </summary>
    /// <param name="without">Standard flags to leave out for this launch (e.g. <c>--use-fake-ui-for-media-stream</c>, to let the browser refuse the camera).</param>
    /// <param name="executable">What to run instead of <see cref="Locate"/>'s chromium: a wrapper that runs it somewhere else (a network namespace).</param>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, IEnumerable<string>? extraArgs = null, IEnumerable<string>? without = null, string? executable = null) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable ?? Locate(),
            Headless = true,
            Args = [.. Flags.Except(without ?? []), .. extraArgs ?? []],
        });
}
