using System.Diagnostics;
using System.Text.Json;

using Microsoft.Playwright;

using RemoteCam.Relay;
using RemoteCam.Testing;

namespace RemoteCam.E2E.Tests.Sdk;

/// <summary>
/// The official web SDK in Chromium against the relay (docs/relay.md, "Long-polling"): a browser
/// whose earlier WebSocket attempt failed starts with long-polling, which the relay does not serve,
/// and stays offline; with <c>forceWebSockets()</c> it connects at once, writes and arms an
/// onDisconnect that runs when the tab closes.
/// </summary>
public sealed class SdkInBrowserTests : IAsyncLifetime
{
    private readonly string _web = Directory.CreateTempSubdirectory("remotecam-sdk-page-").FullName;
    private RelayServer? _relay;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        DebianChromium.Locate();
        await BundleAsync();
        _relay = await RelayServer.StartAsync(new RelayOptions { Port = 0, WebRoot = _web });
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    [Fact]
    public async Task After_a_failed_WebSocket_the_SDK_long_polls_and_stays_offline_unless_told_to_force_WebSockets()
    {
        var stuck = await RunAsync("lp", force: false, waitMs: 6000);
        Assert.False(stuck.GetProperty("connected").GetBoolean(), "the relay serves no long-poll, so this browser never connects");

        var forced = await RunAsync("ws", force: true, waitMs: 10000, closeAfter: true);
        Assert.True(forced.GetProperty("connected").GetBoolean());
        Assert.Equal("chromium", forced.GetProperty("value").GetProperty("from").GetString());
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", "owner");
        var presence = "";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && (presence = await http.GetStringAsync(new Uri(_relay!.Url, "browser/presence.json?ns=ws"))) != "\"offline\"")
        {
            await Task.Delay(100);
        }

        Assert.Equal("\"offline\"", presence); // the tab closed: its onDisconnect ran
    }

    /// <summary>A fresh context whose storage says the last WebSocket failed (what the SDK itself records), then the page's run.</summary>
    private async Task<JsonElement> RunAsync(string ns, bool force, int waitMs, bool closeAfter = false)
    {
        var context = await _browser!.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(_relay!.Url, "index.html").ToString());
            await page.EvaluateAsync("() => localStorage.setItem('firebase:previous_websocket_failure', 'true')");
            var result = await page.EvaluateAsync<JsonElement>("args => window.sdkRun(args)", new { ns, force, waitMs });
            return result.Clone();
        }
        finally
        {
            if (closeAfter)
            {
                await context.CloseAsync();
            }
            else
            {
                await context.DisposeAsync();
            }
        }
    }

    /// <summary>esbuild (the repo's npm package) bundles sdk-page.mjs with the repo's firebase into the relay's web root.</summary>
    private async Task BundleAsync()
    {
        var root = RepoRoot();
        var esbuild = Path.Combine(root, "node_modules", "esbuild", "bin", "esbuild");
        Assert.True(File.Exists(esbuild), $"esbuild is not installed: run `npm ci` at {root}.");
        var start = new ProcessStartInfo(esbuild) { WorkingDirectory = root, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { Path.Combine(root, "tests", "RemoteCam.E2E.Tests", "Sdk", "sdk-page.mjs"), "--bundle", "--format=iife", "--target=es2017", "--outfile=" + Path.Combine(_web, "sdk.js") })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NODE_PATH"] = Path.Combine(root, "node_modules");
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "esbuild failed: " + error);
        await File.WriteAllTextAsync(Path.Combine(_web, "index.html"), "<!doctype html><title>sdk</title><script src=\"sdk.js\"></script>");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RemoteCam.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No RemoteCam.sln above " + AppContext.BaseDirectory);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        Directory.Delete(_web, recursive: true);
    }
}
