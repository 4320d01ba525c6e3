using System.Globalization;
using System.Text;

using Microsoft.Playwright;

using RemoteCam.Relay;
using RemoteCam.Testing;

namespace RemoteCam.Bench;

/// <summary>
/// <c>ttff --scan 1</c>: from opening a viewer invitation on a new device (join.html) to the first decoded frame on
/// viewer.html, with the pages on the WebSocket and on the REST fallback, each page (camera and viewer) reaching the
/// relay through a small delaying TCP proxy (<see cref="NetworkProxy"/>): on loopback (0 ms) and with
/// <c>--rtt</c> ms of round trip (as phones on Wi-Fi see Firebase). The REST contender's proxy refuses WebSocket
/// upgrades, as a proxy that blocks them does, so the pages fall back by themselves. The difference between the two
/// round trips, divided by the round trip, is how many sequential round trips the path has.
/// </summary>
internal static class ScanBenchmark
{
    private const double GoalMs = 900;
    private const double GoalRoundTrips = 7;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        string root = TtffBenchmark.RepoRoot();
        string pages = Path.Combine(root, "web", "dist");
        string hook = Path.Combine(root, "bench", "web", "dist", "hook.js");
        if (!File.Exists(Path.Combine(pages, "viewer.js")) || !File.Exists(hook))
        {
            Console.Error.WriteLine("ttff --scan: the pages are not built; run bench/run.sh ttff --scan 1.");
            return 2;
        }

        int runs = Math.Min(options.Calls, 10);
        double rtt = options.RttMs;
        Console.Out.WriteLine($"RemoteCam.Bench ttff --scan: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {Report.LoadAverage()}, "
            + $"{runs} new viewers per contender and round trip (+1 warm-up), round trips 0 and {rtt} ms");
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await DebianChromium.LaunchAsync(playwright);
        Console.Out.WriteLine($"chromium {browser.Version}, headless");

        Dictionary<(string, double), List<double>> results = [];
        foreach (double r in new[] { 0, rtt })
        {
            foreach (string transport in new[] { "websocket", "rest" })
            {
                List<double> ms = await MeasureAsync(browser, pages, hook, root, transport, r, runs);
                results[(transport, r)] = ms;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"scan → first frame  {transport,-9} rtt {r,3} ms  median {TtffBenchmark.Percentile(ms, 50),7:F0} ms  p90 {TtffBenchmark.Percentile(ms, 90),7:F0} ms  min {ms.Min(),6:F0}  max {ms.Max(),6:F0}  ({ms.Count} viewers)"));
            }
        }

        StringBuilder b = new();
        CultureInfo c = CultureInfo.InvariantCulture;
        b.AppendLine();
        b.AppendLine(c, $"{"scan → first frame (median)",-30} {"0 ms",9} {rtt + " ms",9}   sequential round trips ((t[rtt] - t[0]) / rtt)");
        b.AppendLine(new string('-', 90));
        Dictionary<string, double> trips = [];
        foreach (string transport in new[] { "websocket", "rest" })
        {
            double t0 = TtffBenchmark.Percentile(results[(transport, 0)], 50), t1 = TtffBenchmark.Percentile(results[(transport, rtt)], 50);
            trips[transport] = rtt > 0 ? (t1 - t0) / rtt : double.NaN;
            b.AppendLine(c, $"{transport,-30} {t0,6:F0} ms {t1,6:F0} ms   {trips[transport],5:F1}");
        }

        b.AppendLine();
        double ws = TtffBenchmark.Percentile(results[("websocket", rtt)], 50), rest = TtffBenchmark.Percentile(results[("rest", rtt)], 50);
        double ws0 = TtffBenchmark.Percentile(results[("websocket", 0)], 50), rest0 = TtffBenchmark.Percentile(results[("rest", 0)], 50);
        b.AppendLine(c, $"{"WebSocket / REST (median)",-30} {ws0 / rest0,8:F2}x at 0 ms, {ws / rest:F2}x at {rtt} ms");
        b.AppendLine(c, $"{"WebSocket at " + rtt + " ms",-30} {ws,8:F0} ms   goal <= {GoalMs} ms at 40 ms: {(rtt != 40 ? "n/a (run with --rtt 40)" : ws <= GoalMs ? "PASS" : "FAIL")}");
        string verdict = rtt > 0 ? trips["websocket"] <= GoalRoundTrips + 2.5 ? "PASS" : "FAIL" : "n/a";
        b.AppendLine(c, $"{"round trips to the first frame",-30} {trips["websocket"],8:F1}   (the offer and the answer included; goal <= {GoalRoundTrips} before the offer, so <= {GoalRoundTrips + 2} here): {verdict}");
        Console.Out.Write(b.ToString());
        Console.Out.WriteLine($"load average at the end: {Report.LoadAverage()}");
        return 0;
    }

    /// <summary>One camera online through its proxy; then <paramref name="runs"/> + 1 new viewers open the invitation, one at a time.</summary>
    private static async Task<List<double>> MeasureAsync(IBrowser browser, string pages, string hook, string root, string transport, double rtt, int runs)
    {
        string data = Directory.CreateTempSubdirectory("remotecam-scan-").FullName;
        try
        {
            RelayOptions relayOptions = new() { Port = 0, DataDirectory = data, RulesFile = Path.Combine(root, "database.rules.json"), WebRoot = pages };
            await using RelayServer relay = await RelayServer.StartAsync(relayOptions);
            await using NetworkProxy proxy = new(relay.Url, TimeSpan.FromMilliseconds(rtt), refuseWebSockets: transport == "rest");
            (_, string cameraInvite, string viewerInvite) = await TtffBenchmark.CreateRoomAsync(relay, proxy.Url);

            await using IBrowserContext cameraContext = await browser.NewContextAsync();
            IPage camera = await cameraContext.NewPageAsync();
            await camera.GotoAsync(cameraInvite);
            await camera.WaitForURLAsync("**/camera.html**", new() { Timeout = 30000 });
            await camera.Locator("#status[data-state=online]").WaitForAsync(new() { Timeout = 30000 });

            List<double> ms = [];
            for (int i = 0; i <= runs; i++)
            {
                await using IBrowserContext viewerContext = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });
                await viewerContext.AddInitScriptAsync(scriptPath: hook);
                IPage viewer = await viewerContext.NewPageAsync();
                double start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await viewer.GotoAsync(viewerInvite, new() { WaitUntil = WaitUntilState.Commit });
                await viewer.WaitForURLAsync("**/viewer.html**", new() { Timeout = 30000, WaitUntil = WaitUntilState.Commit });
                await viewer.WaitForFunctionAsync("() => window.__benchFirstFrame !== undefined", null, new PageWaitForFunctionOptions { Timeout = 30000, PollingInterval = 10 });
                double frame = await viewer.EvaluateAsync<double>("() => performance.timeOrigin + window.__benchFirstFrame");
                if (i > 0)
                {
                    ms.Add(frame - start);
                }

                await viewerContext.CloseAsync();
                // The camera notices the call ended before the next viewer scans.
                await Task.Delay(1000);
            }

            return ms;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
