using System.Globalization;
using System.Text.Json;

using Microsoft.Playwright;

using RemoteCam.Relay;
using RemoteCam.Testing;

namespace RemoteCam.Bench;

/// <summary>
/// <c>motion</c>: (1) the motion detector's cost per 160×120 frame against a plain frame copy
/// (<c>getImageData</c>) in the same page; (2) the camera page's live frame rate at a viewer, and the
/// camera browser's CPU, with motion detection and recording on against off, in alternating windows
/// of the same run (the fake camera's moving pattern keeps the detector seeing motion and the
/// recorder recording: the worst case). Headless chromium, the relay in process.
/// </summary>
internal static class MotionBenchmark
{
    private const double DetectorGoalMs = 1.0;
    private const int Frames = 300;
    private const int Batch = 20;
    private const int Rounds = 3;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        string root = TtffBenchmark.RepoRoot();
        string pages = Path.Combine(root, "web", "dist");
        if (!File.Exists(Path.Combine(pages, "motion.js")))
        {
            Console.Error.WriteLine($"motion: {pages} is not built; run `npm run build` (bench/run.sh motion does).");
            return 2;
        }

        double window = options.WindowSeconds;
        Console.Out.WriteLine($"RemoteCam.Bench motion: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {Report.LoadAverage()}, windows of {window:0} s");
        string data = Directory.CreateTempSubdirectory("remotecam-motion-").FullName;
        try
        {
            RelayOptions relayOptions = new() { Port = 0, DataDirectory = data, RulesFile = Path.Combine(root, "database.rules.json"), WebRoot = pages };
            await using RelayServer relay = await RelayServer.StartAsync(relayOptions);
            using IPlaywright playwright = await Playwright.CreateAsync();
            await DetectorCostAsync(playwright, relay, root);
            await LiveFrameRateAsync(playwright, relay, window);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        Console.Out.WriteLine($"load average at the end: {Report.LoadAverage()}");
        return 0;
    }

    private static async Task DetectorCostAsync(IPlaywright playwright, RelayServer relay, string root)
    {
        await using IBrowser browser = await DebianChromium.LaunchAsync(playwright);
        IPage page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(relay.Url, "index.html").ToString());
        await page.EvaluateAsync(await File.ReadAllTextAsync(Path.Combine(root, "web", "test", "motion-page.js")));
        string script = await File.ReadAllTextAsync(Path.Combine(root, "bench", "web", "motion-cost.js"));
        JsonElement result = await page.EvaluateAsync<JsonElement>(script, new { frames = Frames, batch = Batch, rounds = Rounds });
        CostResult cost = result.Deserialize<CostResult>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        double detect50 = TtffBenchmark.Percentile(cost.Detect, 50), detect95 = TtffBenchmark.Percentile(cost.Detect, 95);
        double copy50 = TtffBenchmark.Percentile(cost.Copy, 50), copy95 = TtffBenchmark.Percentile(cost.Copy, 95);
        Console.Out.WriteLine($"chromium {browser.Version}, headless");
        Console.Out.WriteLine($"detector per 160x120 frame ({cost.Analysed} frames in batches of {Batch}, {100.0 * cost.Motion / cost.Analysed:0}% with motion):");
        Console.Out.WriteLine(Inv($"  detector (luma + analyse)   median {detect50:0.000} ms   p95 {detect95:0.000} ms   goal: median <= {DetectorGoalMs:0.0} ms, {(detect50 <= DetectorGoalMs ? "met" : "MISSED")}"));
        Console.Out.WriteLine(Inv($"  reference getImageData copy median {copy50:0.000} ms   p95 {copy95:0.000} ms"));
        Console.Out.WriteLine(Inv($"  ratio detector / copy       median {detect50 / copy50:0.00}x   p95 {detect95 / copy95:0.00}x"));
    }

    private static async Task LiveFrameRateAsync(IPlaywright playwright, RelayServer relay, double window)
    {
        (_, string cameraInvite, string viewerInvite) = await TtffBenchmark.CreateRoomAsync(relay, relay.Url);
        // Two browsers: the camera's CPU is its own process tree, found by this flag on its command line.
        string marker = "--remotecam-bench=camera-" + Guid.NewGuid().ToString("N")[..8];
        await using IBrowser cameraBrowser = await DebianChromium.LaunchAsync(playwright, [marker]);
        await using IBrowser viewerBrowser = await DebianChromium.LaunchAsync(playwright);
        IPage camera = await cameraBrowser.NewPageAsync();
        IPage viewer = await viewerBrowser.NewPageAsync();
        await camera.GotoAsync(cameraInvite);
        await camera.WaitForURLAsync("**/camera.html**");
        await camera.Locator("#status[data-state=online]").WaitForAsync(new() { Timeout = 30000 });
        await viewer.GotoAsync(viewerInvite);
        await viewer.WaitForFunctionAsync(
            "() => { const v = document.querySelector('#cameras .camera video'); return v && v.getVideoPlaybackQuality().totalVideoFrames > 30; }",
            null, new PageWaitForFunctionOptions { Timeout = 45000 });
        int? browserPid = ProcessTree.FindByArgument(marker) ?? throw new InvalidOperationException("the camera browser's process was not found");
        Console.Out.WriteLine("camera page -> viewer over the relay on loopback, fake camera 1280x720 (moving pattern), alternating windows:");
        List<Window> off = [], on = [];
        for (int i = 0; i < 4; i++)
        {
            bool detecting = i % 2 == 1;
            await camera.Locator("#detect").SetCheckedAsync(detecting);
            if (detecting)
            {
                await camera.Locator("#motion[data-state=recording]").WaitForAsync(new() { Timeout = 30000 });
            }

            await Task.Delay(3000);
            Window w = await MeasureAsync(viewer, browserPid.Value, window);
            (detecting ? on : off).Add(w);
            Console.Out.WriteLine(Inv($"  detection+recording {(detecting ? "on " : "off")}: viewer {w.Fps:0.0} frames/s, camera browser CPU {w.Cpu:0}% of one core"));
        }

        int clips = await camera.Locator("#clips li").CountAsync();
        double fpsOff = off.Average(w => w.Fps), fpsOn = on.Average(w => w.Fps), cpuOff = off.Average(w => w.Cpu), cpuOn = on.Average(w => w.Cpu);
        Console.Out.WriteLine(Inv($"  mean off: {fpsOff:0.0} frames/s, CPU {cpuOff:0}%   mean on: {fpsOn:0.0} frames/s, CPU {cpuOn:0}%"));
        Console.Out.WriteLine(Inv($"  ratio on/off: frame rate {fpsOn / fpsOff:0.00}x, camera CPU {cpuOn / cpuOff:0.00}x ({clips} clips listed on the camera page)"));
    }

    private static async Task<Window> MeasureAsync(IPage viewer, int pid, double seconds)
    {
        const string Frames = "() => document.querySelector('#cameras .camera video').getVideoPlaybackQuality().totalVideoFrames";
        long frames0 = await viewer.EvaluateAsync<long>(Frames);
        double cpu0 = ProcessTree.CpuSeconds(pid);
        DateTime t0 = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        long frames1 = await viewer.EvaluateAsync<long>(Frames);
        double cpu1 = ProcessTree.CpuSeconds(pid);
        double elapsed = (DateTime.UtcNow - t0).TotalSeconds;
        return new Window((frames1 - frames0) / elapsed, 100 * (cpu1 - cpu0) / elapsed);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed record Window(double Fps, double Cpu);

    private sealed record CostResult(List<double> Detect, List<double> Copy, int Analysed, int Motion);
}
