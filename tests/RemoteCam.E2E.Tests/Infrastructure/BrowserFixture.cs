using Microsoft.Playwright;

using RemoteCam.Testing;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// One headless Debian chromium per test class, driven by Playwright. Each "device" (a phone) is
/// a separate browser context: its own storage, its own anonymous account, its own fake camera.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync()
    {
        // Locate first: a missing chromium fails with the install hint before Playwright starts.
        DebianChromium.Locate();
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    /// <summary>A new device (browser context with one page) called <paramref name="name"/> in failure messages.</summary>
    internal Task<Device> NewDeviceAsync(string name) => Device.NewAsync(name, Browser);

    /// <summary>
    /// A second chromium whose camera plays <paramref name="y4mFile"/> in a loop instead of the
    /// test pattern: the file is a launch flag, so it cannot be set for one context of this browser.
    /// </summary>
    internal Task<IBrowser> LaunchWithCameraVideoAsync(string y4mFile) =>
        DebianChromium.LaunchAsync(
            _playwright ?? throw new InvalidOperationException("Playwright has not started."),
            ["--use-file-for-fake-video-capture=" + y4mFile]);

    /// <summary>A browser that asks before giving a page the camera (no fake permission UI): headless, nobody answers, so it refuses.</summary>
    internal Task<IBrowser> LaunchAskingForCameraAsync() =>
        DebianChromium.LaunchAsync(
            _playwright ?? throw new InvalidOperationException("Playwright has not started."),
            without: ["--use-fake-ui-for-media-stream"]);

    /// <summary>
    /// A browser that runs inside <paramref name="networkNamespace"/> of <paramref name="network"/>,
    /// treating <paramref name="origin"/> (the relay on a test network address, plain HTTP) as secure so the camera works there.
    /// Host resolution stays closed except for the origin's address (IP literals go through the resolver rules too).
    /// </summary>
    internal Task<IBrowser> LaunchInNetworkAsync(INetworkNamespaces network, string networkNamespace, Uri origin, IEnumerable<string>? extraArgs = null)
    {
        var resolverRules = DebianChromium.Flags.Single(f => f.StartsWith("--host-resolver-rules=", StringComparison.Ordinal));
        return DebianChromium.LaunchAsync(
            _playwright ?? throw new InvalidOperationException("Playwright has not started."),
            [
                "--unsafely-treat-insecure-origin-as-secure=" + origin.GetLeftPart(UriPartial.Authority),
                resolverRules.TrimEnd('"') + ", EXCLUDE " + origin.Host,
                .. extraArgs ?? [],
            ],
            without: [resolverRules],
            executable: network.ChromiumIn(networkNamespace));
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
