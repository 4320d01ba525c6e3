using System.Collections.Concurrent;

using Microsoft.Playwright;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>One phone or browser: a browser context and its page, with the page contract's probes (docs/protocol.md).</summary>
internal sealed class Device : IAsyncDisposable
{
    /// <summary>The video of the viewer's camera tiles.</summary>
    public const string ViewerVideo = "#cameras .camera video";

    /// <summary>The camera page's own preview.</summary>
    public const string CameraPreview = "video#preview";

    /// <summary>How long pairing, joining and connecting may take.</summary>
    public static readonly TimeSpan ConnectTime = TimeSpan.FromSeconds(45);

    // The largest decoded-frame count over the matching videos; -1 when there is none.
    private const string FramesScript = """
        selector => {
          let most = -1;
          for (const video of document.querySelectorAll(selector)) {
            const frames = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
            if (frames > most) most = frames;
          }
          return most;
        }
        """;

    private readonly ConcurrentQueue<string> _log = new();

    private Device(string name, IBrowserContext context, IPage page)
    {
        Name = name;
        Context = context;
        Page = page;
        page.Console += (_, message) => Remember($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => Remember($"page error: {error}");
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame)
            {
                Remember($"navigated: {RedactedUrl(frame.Url)}");
            }
        };
    }

    public string Name { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public static async Task<Device> OpenAsync(string name, IBrowserContext context) => new(name, context, await context.NewPageAsync());

    /// <summary>
    /// A new device in <paramref name="browser"/>: its own browser context with one page. A camera
    /// page there starts with motion detection off (as if its owner had turned it off) unless
    /// <paramref name="detectMotion"/>: a new camera records motion by default, and recording the fake
    /// camera's moving picture in every test would cost each test an encoder and uploads
    /// (docs/testing.md). ClipFlowTests checks the real default.
    /// <paramref name="options"/> are the context's (e.g. a proxy, bypassing CSP).
    /// </summary>
    public static async Task<Device> NewAsync(string name, IBrowser browser, BrowserNewContextOptions? options = null, bool detectMotion = false)
    {
        var context = await browser.NewContextAsync(options);
        context.SetDefaultTimeout(30_000);
        if (!detectMotion)
        {
            await context.AddInitScriptAsync(
                "try { if (!localStorage.getItem('remotecam.camera.settings')) localStorage.setItem('remotecam.camera.settings', JSON.stringify({ detection: false })); } catch (e) { }");
        }

        return await OpenAsync(name, context);
    }

    public async Task GotoAsync(string url) => await Page.GotoAsync(url);

    /// <summary>Waits until <c>#status</c> has <c>data-state</c> = <paramref name="state"/> and returns its sentence.</summary>
    public async Task<string> WaitForStatusAsync(string state, TimeSpan? within = null) =>
        (await WaitForStatusAsync([state], within)).Text;

    /// <summary>Waits until <c>#status</c>'s <c>data-state</c> is one of <paramref name="states"/>; returns the state and sentence.</summary>
    public async Task<(string State, string Text)> WaitForStatusAsync(string[] states, TimeSpan? within = null)
    {
        // "error" and "revoked" are where a page stops: no need to wait out the deadline.
        var status = await Eventually.WaitAsync(
            StatusAsync,
            s => states.Contains(s.State) || s.State is "error" or "revoked",
            within ?? ConnectTime,
            async s => $"{Name}: #status is {s.State} ('{s.Text}'), expected {string.Join(" or ", states)}.\n{await DiagnosticsAsync()}");
        Assert.True(
            states.Contains(status.State),
            $"{Name}: #status is {status.State} ('{status.Text}'), expected {string.Join(" or ", states)}.\n{await DiagnosticsAsync()}");
        return status;
    }

    /// <summary><c>#status</c>'s <c>data-state</c> and text; ("absent", "") while the page has none.</summary>
    public async Task<(string State, string Text)> StatusAsync()
    {
        try
        {
            var status = await Page.EvaluateAsync<string[]?>(
                "() => { const s = document.querySelector('#status'); return s ? [s.getAttribute('data-state') || '', (s.textContent || '').trim()] : null; }");
            return status is null ? ("absent", "") : (status[0], status[1]);
        }
        catch (PlaywrightException e) when (IsNavigation(e))
        {
            return ("navigating", "");
        }
    }

    /// <summary>Decoded frames of the most advanced video matching <paramref name="selector"/>; -1 when there is no such video.</summary>
    public async Task<long> FramesAsync(string selector)
    {
        try
        {
            return await Page.EvaluateAsync<long>(FramesScript, selector);
        }
        catch (PlaywrightException e) when (IsNavigation(e))
        {
            return -1;
        }
    }

    /// <summary>Waits until the video decodes <paramref name="gain"/> more frames than now (live video keeps moving).</summary>
    public async Task ExpectFramesGrowAsync(string selector, int gain = 20, TimeSpan? within = null)
    {
        var start = Math.Max(0, await FramesAsync(selector));
        await Eventually.WaitAsync(
            () => FramesAsync(selector),
            frames => frames >= start + gain,
            within ?? ConnectTime,
            async frames => $"{Name}: {selector} decoded {(frames < 0 ? "nothing (no such video)" : $"{frames} frames")}, "
                + $"expected at least {start + gain}.\n{await DiagnosticsAsync()}");
    }

    /// <summary>The texts of every <c>[data-verify]</c> element that shows a code.</summary>
    public async Task<IReadOnlyList<string>> VerificationCodesAsync()
    {
        var codes = await Page.EvaluateAsync<string[]>(
            "() => Array.from(document.querySelectorAll('[data-verify]')).map(e => (e.textContent || '').trim()).filter(t => t.length > 0)");
        return codes;
    }

    /// <summary>What the page logged and where it is, for failure messages.</summary>
    public async Task<string> DiagnosticsAsync()
    {
        string body;
        try
        {
            body = await Page.EvaluateAsync<string>("() => document.body ? document.body.innerText.slice(0, 1500) : '(no body)'");
        }
        catch (PlaywrightException e)
        {
            body = $"(unreadable: {e.Message})";
        }

        return $"--- {Name} at {RedactedUrl(Page.Url)}\n--- page text:\n{body}\n--- log:\n{string.Join('\n', _log.TakeLast(40))}";
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private void Remember(string line)
    {
        _log.Enqueue(line);
        while (_log.Count > 200)
        {
            _log.TryDequeue(out _);
        }
    }

    // Invitation secrets live in fragments: keep them out of test logs.
    private static string RedactedUrl(string url) => url.Contains('#', StringComparison.Ordinal) ? url[..url.IndexOf('#', StringComparison.Ordinal)] + "#…" : url;

    private static bool IsNavigation(PlaywrightException e) =>
        e.Message.Contains("Execution context was destroyed", StringComparison.Ordinal)
        || e.Message.Contains("navigation", StringComparison.OrdinalIgnoreCase);
}
