namespace RemoteCam.Bench;

internal sealed record LatencyResult(
    string Target,
    int Streams,
    Histogram Latency,
    Histogram InboxLatency,
    Histogram SharedLatency,
    long Writes,
    long Expected,
    long Delivered,
    long Lost,
    long Duplicates,
    long Misrouted,
    long PublishErrors,
    int StreamFailures,
    double AchievedRate,
    string? FirstError);

/// <summary>
/// Write → stream delivery latency in the product's shape: one stream per inbox channel plus a group of streams on
/// one shared channel; writes paced at a fixed total rate, a fraction to the shared channel, the rest to random
/// inboxes. Latency is measured from just before the write is sent to the parse of the event on the stream.
/// </summary>
internal static class LatencyBenchmark
{
    private const int SharedChannel = -1;

    public static async Task<LatencyResult> RunAsync(IBenchTarget target, BenchOptions o)
    {
        int inboxes = o.Inboxes;
        List<string> channels = [];
        for (int i = 0; i < inboxes; i++)
        {
            channels.Add($"inbox/{i}");
        }

        for (int i = 0; i < o.SharedStreams; i++)
        {
            channels.Add("shared");
        }

        long warmupWrites = (long)(o.Rate * o.WarmupSeconds);
        long totalWrites = warmupWrites + (long)(o.Rate * o.DurationSeconds);
        int[] channelOf = new int[totalWrites];
        int sharedEvery = o.SharedFraction > 0 ? (int)Math.Round(1 / o.SharedFraction) : int.MaxValue;
        Random random = new(42);
        for (long k = 0; k < totalWrites; k++)
        {
            channelOf[k] = k % sharedEvery == sharedEvery / 2 ? SharedChannel : random.Next(inboxes);
        }

        int[] delivered = new int[totalWrites];
        long misrouted = 0;
        Histogram histogram = new();
        Histogram inboxHistogram = new();
        Histogram sharedHistogram = new();
        void OnProbe(int stream, long sequence, long sent)
        {
            long latency = Clock.NowMicros - sent;
            if (sequence < 0 || sequence >= totalWrites)
            {
                return;
            }

            int expectedChannel = stream < inboxes ? stream : SharedChannel;
            if (channelOf[sequence] != expectedChannel)
            {
                Interlocked.Increment(ref misrouted);
                return;
            }

            Interlocked.Increment(ref delivered[sequence]);
            if (sequence >= warmupWrites)
            {
                histogram.Record(latency);
                (expectedChannel == SharedChannel ? sharedHistogram : inboxHistogram).Record(latency);
            }
        }

        using HttpClient subscribeClient = Http.CreateClient();
        using HttpClient publishClient = Http.CreateClient();
        Console.Error.WriteLine($"[{target.Name}] latency: opening {channels.Count} streams ({inboxes} inboxes + {o.SharedStreams} on the shared channel)");
        await using IStreamSet streams = target is RelayTarget { OverWebSocket: true } realtime
            ? await WsStreamSet.OpenAsync(realtime, channels, OnProbe, parallel: 64, TimeSpan.FromSeconds(60))
            : await StreamSet.OpenAsync(subscribeClient, target, channels, OnProbe, parallel: 64, TimeSpan.FromSeconds(60));
        if (streams.Failures > 0)
        {
            Console.Error.WriteLine($"[{target.Name}] {streams.Failures} streams failed to open: {streams.FirstError}");
        }

        // Start the measured run with an empty gen0, so the load generator's budget (see run.sh) is not already spent.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        await Task.Delay(500);
        int gcBefore = GC.CollectionCount(0);
        TimeSpan pauseBefore = GC.GetTotalPauseDuration();
        Console.Error.WriteLine($"[{target.Name}] latency: {o.Rate}/s for {o.WarmupSeconds}s warm-up + {o.DurationSeconds}s measured");

        long publishErrors = 0;
        async Task PublishAsync(long k)
        {
            try
            {
                string channel = channelOf[k] == SharedChannel ? "shared" : $"inbox/{channelOf[k]}";
                using HttpRequestMessage request = target.CreatePublish(channel, Payload.Encode(k, Clock.NowMicros));
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

        (List<Task> sends, double measuredSeconds) = await Pacer.RunAsync(o.Rate, totalWrites, warmupWrites, PublishAsync);
        await Task.WhenAll(sends);

        long Expected(long k) => channelOf[k] == SharedChannel ? o.SharedStreams : 1;
        long TotalDelivered() => Enumerable.Range((int)warmupWrites, (int)(totalWrites - warmupWrites)).Sum(k => (long)Math.Min(Volatile.Read(ref delivered[k]), Expected(k)));
        long expected = Enumerable.Range((int)warmupWrites, (int)(totalWrites - warmupWrites)).Sum(k => Expected(k));
        DateTime drainDeadline = DateTime.UtcNow.AddSeconds(o.DrainSeconds);
        while (TotalDelivered() < expected && DateTime.UtcNow < drainDeadline)
        {
            await Task.Delay(100);
        }

        long deliveredTotal = TotalDelivered();
        Console.Error.WriteLine($"[{target.Name}] load generator: {GC.CollectionCount(0) - gcBefore} GCs, {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:F0} ms paused");

        long duplicates = Enumerable.Range((int)warmupWrites, (int)(totalWrites - warmupWrites)).Sum(k => Math.Max(0, delivered[k] - Expected(k)));
        return new LatencyResult(
            target.Name,
            channels.Count,
            histogram,
            inboxHistogram,
            sharedHistogram,
            totalWrites - warmupWrites,
            expected,
            deliveredTotal,
            expected - deliveredTotal,
            duplicates,
            Interlocked.Read(ref misrouted),
            Interlocked.Read(ref publishErrors),
            streams.Failures,
            (totalWrites - warmupWrites) / Math.Max(measuredSeconds, 1e-9),
            streams.FirstError);
    }
}
