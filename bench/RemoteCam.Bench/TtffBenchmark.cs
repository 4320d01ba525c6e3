using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Microsoft.Playwright;

using RemoteCam.Relay;
using RemoteCam.Relay.Persistence;
using RemoteCam.Testing;

namespace RemoteCam.Bench;

/// <summary>One call, in ms after "watch": answer applied on the viewer, connection "connected", first decoded frame.</summary>
internal sealed record TtffSample(double Answer, double Connected, double Frame);

/// <summary>One contender's calls.</summary>
internal sealed record TtffSeries(string Name, IReadOnlyList<TtffSample> Samples, string Note)
{
    /// <summary>Per call: when each step of <see cref="TtffBenchmark.Steps"/> first happened, in ms after watch.</summary>
    public List<Dictionary<string, double>> StepTimes { get; } = [];

    public IReadOnlyList<double> Ms { get; } = [.. Samples.Select(s => s.Frame)];
}

/// <summary>The relay's journal records under <c>/rooms/{room}/calls</c>, grouped per call.</summary>
internal sealed record CallTraffic(IReadOnlyList<CallWrites> Calls);

/// <summary>One call's writes: how many, their values' JSON bytes, their journal record bytes, and what they were.</summary>
internal sealed record CallWrites(string CallId, int Writes, int ValueBytes, int RecordBytes, string Kinds);

/// <summary>
/// <c>ttff</c>: time from "watch" to the first decoded frame on the viewer, for RemoteCam through the relay, for
/// PeerJS with its own server and for a floor (the same two pages exchanging SDP directly through Playwright).
/// All three are timed by the same page hook (bench/web/hook.ts): first frame = requestVideoFrameCallback's
/// presentationTime after the viewer's video gets its stream; watch = a performance mark in the viewer page.
/// </summary>
internal static class TtffBenchmark
{
    private const int CameraJsGoalBytes = 40 * 1024;
    private const int WritesGoal = 8;
    private const int BytesGoal = 12 * 1024;
    private static readonly TimeSpan s_pause = TimeSpan.FromMilliseconds(300);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        string root = RepoRoot();
        string pages = Path.Combine(root, "web", "dist");
        string benchPages = Path.Combine(root, "bench", "web", "dist");
        foreach ((string dir, string how) in new[] { (pages, "npm run build"), (benchPages, "node bench/web/build.mjs") })
        {
            if (!File.Exists(Path.Combine(dir, dir == pages ? "camera.js" : "hook.js")))
            {
                Console.Error.WriteLine($"ttff: {dir} is not built; run `{how}` (bench/run.sh ttff does).");
                return 2;
            }
        }

        int calls = options.Calls;
        Console.Out.WriteLine($"RemoteCam.Bench ttff: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {Report.LoadAverage()}, {calls} calls per contender (+1 warm-up)");
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await DebianChromium.LaunchAsync(playwright);
        Console.Out.WriteLine($"chromium {browser.Version}, headless");
        await using StaticSite site = await StaticSite.StartAsync(benchPages);
        string hook = Path.Combine(benchPages, "hook.js");

        Dictionary<string, TtffSeries> series = [];
        List<string> errors = [];
        CallTraffic? traffic = null;
        foreach (string contender in options.TargetsFor("ttff"))
        {
            try
            {
                switch (contender)
                {
                    case "floor":
                        series[contender] = await FloorAsync(browser, site, hook, calls, options.Trace);
                        break;
                    case "peerjs":
                        series[contender] = await PeerJsAsync(browser, site, hook, root, calls, options.Trace);
                        break;
                    case "remotecam":
                        (series[contender], traffic) = await RemoteCamAsync(browser, pages, hook, root, calls, options.Trace);
                        break;
                    default:
                        throw new ArgumentException($"unknown ttff contender {contender} (floor, peerjs, remotecam)");
                }

                Print(series[contender]);
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException or InvalidOperationException or HttpRequestException or IOException or BenchPrerequisiteException)
            {
                errors.Add($"{contender}: {e.Message.Split('\n')[0]}");
                Console.Out.WriteLine($"ttff {contender}: NOT MEASURED: {e.Message.Split('\n')[0]}");
            }
        }

        long cameraGz = GzipSize(Path.Combine(pages, "camera.js"));
        PrintSummary(series, traffic, cameraGz, errors);
        Console.Out.WriteLine($"load average at the end: {Report.LoadAverage()}");
        return 0;
    }

    // ---- floor -------------------------------------------------------------------------------------------------

    private static async Task<TtffSeries> FloorAsync(IBrowser browser, StaticSite site, string hook, int calls, bool trace)
    {
        await using IBrowserContext cameraContext = await NewContextAsync(browser, hook, trace);
        await using IBrowserContext viewerContext = await NewContextAsync(browser, hook, trace);
        IPage camera = await cameraContext.NewPageAsync();
        IPage viewer = await viewerContext.NewPageAsync();
        // The bench is the signaling: offer → camera → answer back, candidates both ways, through EvaluateAsync.
        await viewer.ExposeFunctionAsync("benchSignal", async (string json) =>
        {
            JsonNode signal = JsonNode.Parse(json)!;
            if (signal["offer"] is { } offer)
            {
                return await camera.EvaluateAsync<string>("o => window.floor.answer(o)", offer.GetValue<string>());
            }

            await camera.EvaluateAsync("c => window.floor.candidate(c)", signal["cand"]!.ToJsonString());
            return "";
        });
        await camera.ExposeFunctionAsync("benchSignal", async (string json) =>
        {
            await viewer.EvaluateAsync("c => window.floor.candidate(c)", JsonNode.Parse(json)!["cand"]!.ToJsonString());
            return "";
        });
        await camera.GotoAsync(new Uri(site.Url, "bench/floor.html#camera").ToString());
        await viewer.GotoAsync(new Uri(site.Url, "bench/floor.html#viewer").ToString());
        await camera.EvaluateAsync("() => window.floor.ready()");
        await viewer.EvaluateAsync("() => window.floor.ready()");

        List<TtffSample> times = [];
        List<Dictionary<string, double>> steps = [];
        for (int i = 0; i <= calls; i++)
        {
            await viewer.EvaluateAsync("() => window.floor.call()");
            TtffSample ms = await ReadTtffAsync(viewer, "bench:watch");
            if (i > 0)
            {
                times.Add(ms);
                steps.Add(await StepTimesAsync(viewer, camera, "bench:watch"));
            }

            if (trace && i == calls)
            {
                await TraceAsync("floor", viewer, camera, "bench:watch");
            }

            await viewer.EvaluateAsync("() => window.floor.hangUp()");
            await camera.EvaluateAsync("() => window.floor.hangUp()");
            await Task.Delay(s_pause);
        }

        return WithSteps(new TtffSeries("floor", times, "two pages, SDP and candidates carried by the bench (no server)"), steps);
    }

    // ---- PeerJS ------------------------------------------------------------------------------------------------

    private static async Task<TtffSeries> PeerJsAsync(IBrowser browser, StaticSite site, string hook, string root, int calls, bool trace)
    {
        string server = Path.Combine(root, "node_modules", "peer", "dist", "bin", "peerjs.js");
        if (!File.Exists(server))
        {
            throw new BenchPrerequisiteException("node_modules/peer is missing: run `npm ci` (bench/run.sh ttff does).");
        }

        int port = ProcessUtil.FreePort();
        ProcessStartInfo start = new("node", [server, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--path", "/"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using Process node = Process.Start(start) ?? throw new BenchPrerequisiteException("could not start node");
        try
        {
            string? line;
            while ((line = await node.StandardOutput.ReadLineAsync()) is not null && !line.Contains("Started PeerServer", StringComparison.Ordinal))
            {
            }

            if (line is null)
            {
                throw new BenchPrerequisiteException("the PeerJS server did not start: " + await node.StandardError.ReadToEndAsync());
            }

            _ = node.StandardOutput.ReadToEndAsync();
            _ = node.StandardError.ReadToEndAsync();

            await using IBrowserContext cameraContext = await NewContextAsync(browser, hook, trace);
            await using IBrowserContext viewerContext = await NewContextAsync(browser, hook, trace);
            IPage camera = await cameraContext.NewPageAsync();
            IPage viewer = await viewerContext.NewPageAsync();
            string cameraId = "cam" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
            await camera.GotoAsync(new Uri(site.Url, $"bench/peerjs.html#camera={cameraId}&port={port}").ToString());
            await camera.EvaluateAsync("() => window.pj.ready()");
            await viewer.GotoAsync(new Uri(site.Url, $"bench/peerjs.html#viewer={cameraId}&port={port}").ToString());
            await viewer.EvaluateAsync("() => window.pj.ready()");

            List<TtffSample> times = [];
            List<Dictionary<string, double>> steps = [];
            for (int i = 0; i <= calls; i++)
            {
                await viewer.EvaluateAsync("() => window.pj.call()");
                TtffSample ms = await ReadTtffAsync(viewer, "bench:watch");
                if (i > 0)
                {
                    times.Add(ms);
                    steps.Add(await StepTimesAsync(viewer, camera, "bench:watch"));
                }

                if (trace && i == calls)
                {
                    await TraceAsync("peerjs", viewer, camera, "bench:watch");
                }

                await viewer.EvaluateAsync("() => window.pj.hangUp()");
                await Task.Delay(s_pause);
            }

            return WithSteps(new TtffSeries("peerjs", times, "peerjs 1.5.5 client, peer 1.0.2 server (node, WebSocket), its defaults but iceServers []"), steps);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill();
                await node.WaitForExitAsync();
            }
        }
    }

    // ---- RemoteCam ---------------------------------------------------------------------------------------------

    private static async Task<(TtffSeries, CallTraffic)> RemoteCamAsync(IBrowser browser, string pages, string hook, string root, int calls, bool trace)
    {
        string data = Directory.CreateTempSubdirectory("remotecam-ttff-").FullName;
        string roomId;
        List<TtffSample> times = [];
        List<Dictionary<string, double>> steps = [];
        int retries = 0;
        try
        {
            // The relay serves the pages itself (same origin, as users get them; its init.json has "iceServers": []).
            RelayOptions relayOptions = new() { Port = 0, DataDirectory = data, RulesFile = Path.Combine(root, "database.rules.json"), WebRoot = pages };
            await using (RelayServer relay = await RelayServer.StartAsync(relayOptions))
            {
                (roomId, string cameraInvite, string viewerInvite) = await CreateRoomAsync(relay, relay.Url);

                await using IBrowserContext cameraContext = await NewContextAsync(browser, hook, trace);
                await using IBrowserContext viewerContext = await NewContextAsync(browser, hook, trace);
                IPage camera = await cameraContext.NewPageAsync();
                IPage viewer = await viewerContext.NewPageAsync();
                await camera.GotoAsync(cameraInvite);
                await camera.WaitForURLAsync("**/camera.html**");
                await camera.Locator("#status[data-state=online]").WaitForAsync(new() { Timeout = 30000 });
                await viewer.GotoAsync(viewerInvite);
                await viewer.WaitForURLAsync("**/viewer.html**");
                for (int i = 0; i <= calls; i++)
                {
                    int marks = 0;
                    if (i > 0)
                    {
                        // A new call in the loaded page: the viewer hangs up (its one bench hook, docs/bench.md) and calls
                        // again 1 s later, as after any call that ended; its ViewerCall.start() sets the next watch mark.
                        marks = await viewer.EvaluateAsync<int>(
                            "() => { window.__benchFirstFrame = window.__benchAnswer = window.__benchConnected = undefined;"
                            + " const n = performance.getEntriesByName('remotecam:watch').length;"
                            + " window.dispatchEvent(new Event('remotecam:hangup')); return n; }");
                    }

                    await viewer.WaitForFunctionAsync(
                        "n => performance.getEntriesByName('remotecam:watch').length > n", marks,
                        new PageWaitForFunctionOptions { Timeout = 30000, PollingInterval = 20 });
                    TtffSample ms = await ReadTtffAsync(viewer, "remotecam:watch");
                    if (trace && i == calls)
                    {
                        await TraceAsync("remotecam", viewer, camera, "remotecam:watch");
                    }

                    retries += await viewer.EvaluateAsync<int>("n => performance.getEntriesByName('remotecam:watch').length - n - 1", marks);
                    if (i > 0)
                    {
                        times.Add(ms);
                        steps.Add(await StepTimesAsync(viewer, camera, "remotecam:watch"));
                    }

                    await Task.Delay(s_pause);
                }

                await viewerContext.CloseAsync();
                await Task.Delay(500);
            }

            // The relay is stopped: its journal is complete and closed.
            CallTraffic traffic = ReadCallTraffic(Path.Combine(data, "remotecam"), roomId);
            string note = "relay in process (journal on, database.rules.json), the relay's own pages (camera, viewer), calls in the loaded viewer page"
                + (retries > 0 ? $"; {retries} calls needed a retry" : "");
            return (WithSteps(new TtffSeries("remotecam", times, note), steps), traffic);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>As <c>remotecam rooms create</c> does: one admin PATCH of the meta and both proofs (docs/pairing.md).</summary>
    internal static async Task<(string Room, string CameraInvite, string ViewerInvite)> CreateRoomAsync(RelayServer relay, Uri pagesBase)
    {
        string room = B64u(RandomNumberGenerator.GetBytes(15));
        byte[] cameraSecret = RandomNumberGenerator.GetBytes(32);
        byte[] viewerSecret = RandomNumberGenerator.GetBytes(32);
        JsonObject update = new()
        {
            [$"rooms/{room}/meta"] = new JsonObject { ["name"] = "ttff", ["created"] = new JsonObject { [".sv"] = "timestamp" }, ["owner"] = "cli" },
            [$"pairing/{room}/camera"] = Proof(cameraSecret, room, "camera"),
            [$"pairing/{room}/viewer"] = Proof(viewerSecret, room, "viewer"),
        };
        using HttpClient http = Http.CreateClient();
        using HttpRequestMessage request = new(HttpMethod.Patch, new Uri(relay.Url, ".json"))
        {
            Content = new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", relay.AdminKey);
        using HttpResponseMessage response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"creating the room failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        string join = new Uri(pagesBase, "join.html").ToString();
        return (room,
            $"{join}#v=1&room={room}&role=camera&s={B64u(cameraSecret)}&vs={B64u(viewerSecret)}",
            $"{join}#v=1&room={room}&role=viewer&s={B64u(viewerSecret)}");
    }

    private static string Proof(byte[] secret, string room, string role) =>
        B64u(SHA256.HashData([.. secret, .. Encoding.UTF8.GetBytes($"remotecam-pairing-v1|{room}|{role}")]));

    private static string B64u(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// Every journal record under <c>/rooms/{room}/calls/{camera}/{callId}</c>, grouped by call. A record is one
    /// accepted write (PUT, PATCH or DELETE); its value bytes are the JSON the write stored (server values
    /// resolved), its record bytes the whole journal payload (path included).
    /// </summary>
    private static CallTraffic ReadCallTraffic(string databaseDirectory, string room)
    {
        string prefix = $"/rooms/{room}/calls/";
        Dictionary<string, (int Writes, int Value, int Record, List<string> Kinds)> calls = [];
        foreach (string file in Directory.GetFiles(databaseDirectory, "journal-*.log").Order(StringComparer.Ordinal))
        {
            if (!RecordFormat.TryParseSegmentFileName(Path.GetFileName(file), out long number))
            {
                continue;
            }

            SegmentContents contents = JournalSegment.Read(file, number);
            foreach (byte[] record in contents.Records)
            {
                using JsonDocument doc = JsonDocument.Parse(record);
                string path = doc.RootElement.GetProperty("p").GetString()!;
                if (!path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                string[] parts = path[prefix.Length..].Split('/');
                string callId = parts.Length > 1 ? parts[1] : "(inbox " + parts[0] + ")";
                bool update = doc.RootElement.TryGetProperty("u", out JsonElement u);
                JsonElement value = update ? u : doc.RootElement.GetProperty("v");
                string slot = parts.Length > 2 ? string.Join('/', parts[2..]) : "";
                string kind = update
                    ? "PATCH " + string.Join('+', u.EnumerateObject().Select(p => p.Name))
                    : value.ValueKind == JsonValueKind.Null ? "DELETE " + (slot.Length == 0 ? "call" : slot) : "PUT " + slot;
                (int w, int v, int r, List<string> k) = calls.GetValueOrDefault(callId, (0, 0, 0, []));
                k.Add(kind);
                calls[callId] = (w + 1, v + Encoding.UTF8.GetByteCount(value.GetRawText()), r + record.Length, k);
            }
        }

        return new CallTraffic([.. calls.Select(c => new CallWrites(c.Key, c.Value.Writes, c.Value.Value, c.Value.Record, string.Join(", ", c.Value.Kinds)))]);
    }

    // ---- shared ------------------------------------------------------------------------------------------------

    /// <summary>
    /// The steps of a call whose medians are printed per contender (the first such event after watch): where the
    /// time goes, robustly (the trace shows one call only). "sent" is the viewer's first fetch (RemoteCam's offer
    /// write); "offer in" the camera's first stream event carrying data (RemoteCam only).
    /// </summary>
    internal static readonly string[] Steps =
    [
        "viewer: local offer", "viewer: local candidate", "viewer: fetch", "camera: stream patch", "camera: applying remote offer",
        "camera: remote offer", "camera: creating answer", "camera: created answer", "camera: local answer", "camera: fetch", "camera: local candidate", "camera: ice checking", "viewer: stream put",
        "viewer: applying remote answer", "viewer: remote answer", "viewer: ice checking", "viewer: connection connected", "camera: connection connected",
        "viewer: first frame",
    ];

    private static TtffSeries WithSteps(TtffSeries series, List<Dictionary<string, double>> steps)
    {
        series.StepTimes.AddRange(steps);
        return series;
    }

    /// <summary>The first occurrence after watch of each of <see cref="Steps"/> in this call (both pages).</summary>
    private static async Task<Dictionary<string, double>> StepTimesAsync(IPage viewer, IPage camera, string mark)
    {
        List<(double T, string Line)> lines = await EventsAsync(viewer, camera, mark);
        Dictionary<string, double> first = [];
        foreach ((double t, string line) in lines.Where(l => l.T >= 0).OrderBy(l => l.T))
        {
            // "viewer: stream put" counts only once the call is under way (its first put is the empty call).
            foreach (string step in Steps)
            {
                if (line.StartsWith(step, StringComparison.Ordinal) && !first.ContainsKey(step)
                    && !(step == "viewer: stream put" && !first.ContainsKey("camera: local answer")))
                {
                    first[step] = t;
                }
            }
        }

        return first;
    }

    /// <summary>--trace: the last call's events on both pages and their fetches (resource timing), in ms after watch.</summary>
    private static async Task TraceAsync(string name, IPage viewer, IPage camera, string mark)
    {
        List<(double T, string Line)> lines = await EventsAsync(viewer, camera, mark);
        Console.Out.WriteLine($"trace {name} (last call, ms after watch):");
        foreach ((double t, string line) in lines.Where(l => l.T >= -5).OrderBy(l => l.T))
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t,8:F1}  {line}"));
        }
    }

    /// <summary>Both pages' hook events and fetches (resource timing), in ms after the viewer's last watch mark.</summary>
    private static async Task<List<(double T, string Line)>> EventsAsync(IPage viewer, IPage camera, string mark)
    {
        double watch = await viewer.EvaluateAsync<double>(
            "m => { const e = performance.getEntriesByName(m); return performance.timeOrigin + e[e.length - 1].startTime; }", mark);
        List<(double T, string Line)> lines = [];
        foreach ((string who, IPage page) in new[] { ("viewer", viewer), ("camera", camera) })
        {
            foreach (JsonNode? e in JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__benchEvents || [])"))!.AsArray())
            {
                lines.Add((e![1]!.GetValue<double>() - watch, $"{who}: {e[0]!.GetValue<string>()}"));
            }

            const string Fetches = "() => JSON.stringify(performance.getEntriesByType('resource').filter(r => r.initiatorType === 'fetch')"
                + ".map(r => [r.name.replace(/\\?.*/, '').slice(-48), performance.timeOrigin + r.startTime, r.duration]))";
            foreach (JsonNode? r in JsonNode.Parse(await page.EvaluateAsync<string>(Fetches))!.AsArray())
            {
                double t = r![1]!.GetValue<double>() - watch;
                lines.Add((t, string.Create(CultureInfo.InvariantCulture, $"{who}: fetch …{r[0]!.GetValue<string>()} (answered after {r[2]!.GetValue<double>():F1} ms, at {t + r[2]!.GetValue<double>():F1})")));
            }
        }

        return lines;
    }

    private static async Task<IBrowserContext> NewContextAsync(IBrowser browser, string hook, bool trace)
    {
        IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });
        if (trace)
        {
            await context.AddInitScriptAsync("window.__benchTrace = true;");
        }

        await context.AddInitScriptAsync(scriptPath: hook);
        return context;
    }

    /// <summary>Waits for the first decoded frame after the last watch mark; returns the times after the mark (ms).</summary>
    private static async Task<TtffSample> ReadTtffAsync(IPage viewer, string mark)
    {
        await viewer.WaitForFunctionAsync(
            "m => window.__benchFirstFrame !== undefined && performance.getEntriesByName(m).length > 0",
            mark,
            new PageWaitForFunctionOptions { Timeout = 30000, PollingInterval = 20 });
        string json = await viewer.EvaluateAsync<string>(
            "m => { const e = performance.getEntriesByName(m); return JSON.stringify({ w: e[e.length - 1].startTime, f: window.__benchFirstFrame, a: window.__benchAnswer ?? -1, c: window.__benchConnected ?? -1 }); }",
            mark);
        JsonNode times = JsonNode.Parse(json)!;
        double watch = times["w"]!.GetValue<double>();
        double After(string key) => times[key]!.GetValue<double>() - watch;
        double ms = After("f");
        return ms >= 0
            ? new TtffSample(After("a"), After("c"), ms)
            : throw new InvalidOperationException($"first frame before the watch mark ({ms:F1} ms)");
    }

    private static long GzipSize(string file)
    {
        using MemoryStream output = new();
        using (GZipStream gz = new(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gz.Write(File.ReadAllBytes(file));
        }

        return output.Length;
    }

    internal static string RepoRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "RemoteCam.sln")))
                {
                    return d.FullName;
                }
            }
        }

        throw new BenchPrerequisiteException("run from the repository (RemoteCam.sln not found above the current directory)");
    }

    // ---- report ------------------------------------------------------------------------------------------------

    internal static double Percentile(IReadOnlyList<double> values, double p)
    {
        double[] sorted = [.. values.Order()];
        if (p == 50)
        {
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }

        int rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static void Print(TtffSeries s) =>
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ttff {s.Name,-9}  median {Percentile(s.Ms, 50),6:F1} ms  p90 {Percentile(s.Ms, 90),6:F1} ms  min {s.Ms.Min(),6:F1}  max {s.Ms.Max(),6:F1}  "
            + $"(medians after watch: answer applied {Percentile([.. s.Samples.Select(x => x.Answer)], 50):F1} ms, connected {Percentile([.. s.Samples.Select(x => x.Connected)], 50):F1} ms)  "
            + $"({s.Ms.Count} calls: {s.Note})"));

    private static void PrintSummary(Dictionary<string, TtffSeries> series, CallTraffic? traffic, long cameraGz, List<string> errors)
    {
        StringBuilder b = new();
        CultureInfo c = CultureInfo.InvariantCulture;
        b.AppendLine();
        b.AppendLine(c, $"{"watch → first decoded frame",-30} {"median",9} {"p90",9} {"calls",6}   median after watch: answer applied / connected");
        b.AppendLine(new string('-', 90));
        foreach (string name in new[] { "floor", "peerjs", "remotecam" })
        {
            if (series.TryGetValue(name, out TtffSeries? s) && s.Ms.Count > 0)
            {
                b.AppendLine(c, $"{name,-30} {Percentile(s.Ms, 50),6:F1} ms {Percentile(s.Ms, 90),6:F1} ms {s.Ms.Count,6}   {Percentile([.. s.Samples.Select(x => x.Answer)], 50),6:F1} ms / {Percentile([.. s.Samples.Select(x => x.Connected)], 50),6:F1} ms");
            }
        }

        b.AppendLine();
        b.AppendLine("where the time goes (median ms after watch of each step's first occurrence; - = not seen)");
        string[] names = [.. new[] { "floor", "peerjs", "remotecam" }.Where(n => series.ContainsKey(n))];
        b.AppendLine(string.Create(c, $"{"step",-32}") + string.Concat(names.Select(n => string.Create(c, $"{n,11}"))));
        foreach (string step in Steps)
        {
            b.Append(string.Create(c, $"{step,-32}"));
            foreach (string n in names)
            {
                List<double> at = [.. series[n].StepTimes.Where(d => d.ContainsKey(step)).Select(d => d[step])];
                b.Append(at.Count * 2 >= series[n].StepTimes.Count && at.Count > 0 ? string.Create(c, $"{Percentile(at, 50),11:F1}") : $"{"-",11}");
            }

            b.AppendLine();
        }

        b.AppendLine();
        double? Median(string name) => series.TryGetValue(name, out TtffSeries? s) && s.Ms.Count > 0 ? Percentile(s.Ms, 50) : null;
        double? floor = Median("floor"), peer = Median("peerjs"), rc = Median("remotecam");
        if (rc is not null && floor is not null)
        {
            b.AppendLine(c, $"{"RemoteCam / floor (median)",-30} {rc / floor,8:F2}x");
        }

        if (peer is not null && floor is not null)
        {
            b.AppendLine(c, $"{"PeerJS / floor (median)",-30} {peer / floor,8:F2}x");
        }

        if (rc is not null && peer is not null)
        {
            b.AppendLine(c, $"{"RemoteCam / PeerJS (median)",-30} {rc / peer,8:F2}x   goal <= 1.00x (RemoteCam at or under PeerJS): {(rc <= peer ? "PASS" : "FAIL")}");
        }

        if (traffic is not null && traffic.Calls.Count > 0)
        {
            IReadOnlyList<CallWrites> calls = traffic.Calls;
            double writes = Percentile([.. calls.Select(x => (double)x.Writes)], 50);
            double bytes = Percentile([.. calls.Select(x => (double)x.ValueBytes)], 50);
            int maxWrites = calls.Max(x => x.Writes);
            int maxBytes = calls.Max(x => x.ValueBytes);
            b.AppendLine(c, $"{"relay writes per call",-30} median {writes:F0}, max {maxWrites} ({calls.Count} calls)   goal <= {WritesGoal}: {(maxWrites <= WritesGoal ? "PASS" : "FAIL")}");
            b.AppendLine(c, $"{"relay bytes per call",-30} median {bytes / 1024:F1} KB, max {maxBytes / 1024.0:F1} KB (values; journal records median {Percentile([.. calls.Select(x => (double)x.RecordBytes)], 50) / 1024:F1} KB)   goal <= 12 KB: {(maxBytes <= BytesGoal ? "PASS" : "FAIL")}");
            CallWrites typical = calls.OrderBy(x => x.Writes).ElementAt(calls.Count / 2);
            b.AppendLine(c, $"{"  a typical call's writes",-30} {typical.Kinds}");
        }

        b.AppendLine(c, $"{"camera page JS (camera.js)",-30} {cameraGz / 1024.0:F1} KB gzipped   goal <= 40 KB: {(cameraGz <= CameraJsGoalBytes ? "PASS" : "FAIL")}");
        foreach (string e in errors)
        {
            b.AppendLine("not measured: " + e);
        }

        Console.Out.Write(b.ToString());
        Console.Out.Flush();
    }
}
