using System.Diagnostics;
using System.Globalization;

namespace RemoteCam.Bench;

/// <summary>
/// <c>soak [--long]</c>: the relay, in its own process, under the latency benchmark's load (2,000 inbox streams,
/// 1,000 writes/s to random inboxes, each a 1 KB message like a sealed signaling message) for a series of windows
/// (10 × 60 s with <c>--long</c>, 4 × 12 s without), a
/// deliberately slow consumer (<see cref="SlowReader"/>) present in every other window. Judged: no errors and
/// nothing lost on the 2,000 streams; the slow consumer cut off by the relay's per-stream bound each time; the
/// relay's RSS (sampled at the end of every window) flat; the others' p99 delivery latency in the windows with the
/// slow consumer against the windows without it, in the same run. Exit code 1 when a goal fails (memory and latency
/// count in the long mode only: under a minute they are too noisy to fail CI on).
/// </summary>
internal static class SoakBenchmark
{
    /// <summary>The relay's bound per stream (RelayOptions.MaxQueuedEventsPerStream, docs/relay.md "Limits").</summary>
    private const int QueueBound = 4096;
    private const double LatencyGoal = 1.25;
    private const double LatencySlackMs = 1.0;
    private const long MemorySlackBytes = 16L * 1024 * 1024;
    private const int PaddingBytes = 1000;

    /// <summary>At the end of a slow window the slow consumer reads fast for this long, so a stream the relay cut off shows its end.</summary>
    private static readonly TimeSpan DrainAtEnd = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(BenchOptions o)
    {
        double windowSeconds = o.Long ? 60 : 12;
        int windows = o.Long ? 10 : 4;
        double warmupSeconds = o.Long ? o.WarmupSeconds : 3;
        int inboxes = o.Inboxes;
        Console.Out.WriteLine($"RemoteCam.Bench soak{(o.Long ? " --long" : "")}: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {Report.LoadAverage()}, "
            + $"{inboxes:N0} streams, {o.Rate:N0} writes/s of {PaddingBytes + 30:N0} bytes, {windows} windows of {windowSeconds:0} s, the slow consumer in windows 2, 4, …");

        await using RelayTarget relay = await RelayTarget.StartAsync();
        long warmupWrites = (long)(o.Rate * warmupSeconds);
        long writesPerWindow = (long)(o.Rate * windowSeconds);
        long totalWrites = warmupWrites + (windows * writesPerWindow);
        int WindowOf(long k) => k < warmupWrites ? -1 : (int)((k - warmupWrites) / writesPerWindow);
        bool Slow(int window) => window % 2 == 1;

        int[] channelOf = new int[totalWrites];
        Random random = new(42);
        for (long k = 0; k < totalWrites; k++)
        {
            channelOf[k] = random.Next(inboxes);
        }

        int[] delivered = new int[totalWrites];
        long misrouted = 0;
        Histogram without = new();
        Histogram with = new();
        Histogram[] perWindow = [.. Enumerable.Range(0, windows).Select(_ => new Histogram())];
        void OnProbe(int stream, long sequence, long sent)
        {
            long latency = Clock.NowMicros - sent;
            if (sequence < 0 || sequence >= totalWrites)
            {
                return;
            }

            if (channelOf[sequence] != stream)
            {
                Interlocked.Increment(ref misrouted);
                return;
            }

            Interlocked.Increment(ref delivered[sequence]);
            int window = WindowOf(sequence);
            if (window >= 0)
            {
                perWindow[window].Record(latency);
                (Slow(window) ? with : without).Record(latency);
            }
        }

        using HttpClient subscribeClient = Http.CreateClient();
        using HttpClient publishClient = Http.CreateClient();
        Console.Error.WriteLine($"[soak] opening {inboxes} streams");
        await using StreamSet streams = await StreamSet.OpenAsync(subscribeClient, relay, [.. Enumerable.Range(0, inboxes).Select(i => $"inbox/{i}")], OnProbe, parallel: 64, TimeSpan.FromSeconds(60));
        int openFailures = streams.Failures;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long rssOpen = await ProcessUtil.SettledRssAsync(relay.MemoryProcessIds, TimeSpan.FromSeconds(5));

        long issued = 0;
        long publishErrors = 0;
        async Task PublishAsync(long k)
        {
            Interlocked.Increment(ref issued);
            try
            {
                using HttpRequestMessage request = relay.CreatePublish($"inbox/{channelOf[k]}", Payload.Encode(k, Clock.NowMicros, PaddingBytes));
                using HttpResponseMessage response = await publishClient.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref publishErrors);
                }
            }
            catch (Exception)
            {
                Interlocked.Increment(ref publishErrors);
            }
        }

        // The windows follow the pacer's schedule: window w covers writes warmup + w × rate × seconds onwards.
        SlowReader slow = new();
        List<(int Window, long Rss)> rss = [];
        Stopwatch clock = Stopwatch.StartNew();
        Task controller = Task.Run(async () =>
        {
            for (int w = 0; w < windows; w++)
            {
                TimeSpan start = TimeSpan.FromSeconds(warmupSeconds + (w * windowSeconds));
                TimeSpan end = start + TimeSpan.FromSeconds(windowSeconds);
                await DelayUntil(clock, start);
                if (Slow(w))
                {
                    using CancellationTokenSource stop = new(end - clock.Elapsed);
                    await slow.RunAsync(relay, () => Interlocked.Read(ref issued), () => clock.Elapsed < end - DrainAtEnd, stop.Token);
                }

                await DelayUntil(clock, end);
                long now = ProcessUtil.RssBytes(relay.MemoryProcessIds());
                rss.Add((w, now));
                Console.Error.WriteLine($"[soak] {clock.Elapsed.TotalMinutes:0.0} min: window {w + 1} ({(Slow(w) ? "slow consumer" : "no slow consumer")}) ended, relay RSS {Mib(now)} MiB, "
                    + $"p99 {Ms(perWindow[w].Percentile(99))} ms, slow consumer cut off {slow.Connections.Count(c => c.CutByRelay)} times so far");
            }
        });
        (List<Task> sends, double _) = await Pacer.RunAsync(o.Rate, totalWrites, warmupWrites, PublishAsync);
        await Task.WhenAll(sends);
        await controller;

        long Expected() => totalWrites - warmupWrites;
        long TotalDelivered() => Enumerable.Range((int)warmupWrites, (int)Expected()).Sum(k => (long)Math.Min(Volatile.Read(ref delivered[k]), 1));
        DateTime drainDeadline = DateTime.UtcNow.AddSeconds(o.DrainSeconds);
        while (TotalDelivered() < Expected() && DateTime.UtcNow < drainDeadline)
        {
            await Task.Delay(100);
        }

        long lost = Expected() - TotalDelivered();
        long duplicates = Enumerable.Range((int)warmupWrites, (int)Expected()).Sum(k => Math.Max(0, delivered[k] - 1));
        int streamFailures = streams.Failures;
        IReadOnlyList<SlowConnection> connections = slow.Connections;
        List<SlowConnection> cut = [.. connections.Where(c => c.CutByRelay)];

        Console.Out.WriteLine();
        Console.Out.WriteLine("| window | slow consumer | p50 | p99 | p99.9 | max | relay RSS at its end |");
        Console.Out.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach ((int w, long bytes) in rss)
        {
            Histogram h = perWindow[w];
            Console.Out.WriteLine($"| {w + 1} | {(Slow(w) ? "yes" : "no")} | {Ms(h.Percentile(50))} ms | {Ms(h.Percentile(99))} ms | {Ms(h.Percentile(99.9))} ms | {Ms(h.Max)} ms | {Mib(bytes)} MiB |");
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine($"relay RSS: {Mib(rssOpen)} MiB with the streams open, {string.Join(" → ", rss.Select(r => Mib(r.Rss)))} MiB at the end of each window");
        Console.Out.WriteLine($"the others' delivery latency: without the slow consumer p50 {Ms(without.Percentile(50))} ms p99 {Ms(without.Percentile(99))} ms ({without.Count:N0} deliveries); "
            + $"with it p50 {Ms(with.Percentile(50))} ms p99 {Ms(with.Percentile(99))} ms ({with.Count:N0})");
        Console.Out.WriteLine($"writes {Expected():N0} measured, delivered {TotalDelivered():N0}, lost {lost}, duplicates {duplicates}, misrouted {Interlocked.Read(ref misrouted)}, "
            + $"publish errors {Interlocked.Read(ref publishErrors)}, stream failures {streamFailures} ({openFailures} at open){(streams.FirstError is null ? "" : ": " + streams.FirstError)}");
        Console.Out.WriteLine($"slow consumer: {connections.Count} connections, {cut.Count} cut off by the relay"
            + (cut.Count == 0 ? "" : $" after a median {Median(cut.Select(c => c.Seconds)):0.0} s, having read a median {Median(cut.Select(c => (double)c.Events)):N0} events "
                + $"({Median(cut.Select(c => (double)c.Bytes)) / 1024:0} KiB); events it never read at the cut-off: median {Median(cut.Select(c => (double)c.Backlog)):N0}, "
                + $"max {cut.Max(c => c.Backlog):N0} (the relay's queue bound is {QueueBound:N0} events, plus what the sockets hold)"));

        bool noErrors = lost == 0 && duplicates == 0 && Interlocked.Read(ref misrouted) == 0 && Interlocked.Read(ref publishErrors) == 0 && streamFailures == 0;
        int slowWindows = Enumerable.Range(0, windows).Count(Slow);
        bool cutOff = cut.Count >= slowWindows && cut.All(c => c.Backlog >= QueueBound);
        // The first window warms the relay up (tree, GC budgets): flatness is judged from the end of the second.
        long first = rss.Count > 1 ? rss[1].Rss : rssOpen;
        long last = rss.Count > 0 ? rss[^1].Rss : rssOpen;
        long allowed = Math.Max(MemorySlackBytes, first / 10);
        bool flat = last - first <= allowed;
        double p99With = with.Percentile(99) / 1000.0;
        double p99Without = without.Percentile(99) / 1000.0;
        bool unaffected = p99With <= Math.Max(p99Without * LatencyGoal, p99Without + LatencySlackMs);
        Console.Out.WriteLine($"goal: no errors, nothing lost on the {inboxes:N0} streams: {Verdict(noErrors)}");
        Console.Out.WriteLine($"goal: the slow consumer is cut off by the relay in each of its {slowWindows} windows, each time with at least the queue bound ({QueueBound:N0} events) unread: {Verdict(cutOff)} ({cut.Count} cut-offs)");
        Console.Out.WriteLine($"goal: relay RSS flat, end of the last window ≤ end of the second + max(16 MiB, 10 %): {Judged(o, flat)} ({Mib(first)} → {Mib(last)} MiB, {(last - first) / 1048576.0:+0.0;-0.0} MiB){Informational(o)}");
        Console.Out.WriteLine($"goal: the others' p99 with the slow consumer ≤ max(1.25×, +1 ms) of without: {Judged(o, unaffected)} ({p99With:0.00} vs {p99Without:0.00} ms, {p99With / Math.Max(p99Without, 0.001):0.00}×){Informational(o)}");
        Console.Out.WriteLine($"load average at the end: {Report.LoadAverage()}");
        return noErrors && cutOff && ((flat && unaffected) || !o.Long) ? 0 : 1;
    }

    private static async Task DelayUntil(Stopwatch clock, TimeSpan at)
    {
        TimeSpan wait = at - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        List<double> sorted = [.. values.Order()];
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private static string Verdict(bool ok) => ok ? "PASS" : "FAIL";

    /// <summary>Memory and tails need minutes to mean something: the short mode (CI) prints them without judging.</summary>
    private static string Informational(BenchOptions o) => o.Long ? "" : " (judged with --long only)";

    private static string Judged(BenchOptions o, bool ok) => o.Long ? Verdict(ok) : "not judged";

    private static string Ms(long micros) => (micros / 1000.0).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
