namespace RemoteCam.Bench;

internal sealed record WritesResult(string Target, int Writers, long Writes, long Errors, double Seconds, Histogram Latency, string? FirstError)
{
    public double PerSecond => Writes / Seconds;
}

/// <summary>
/// Acknowledged writes per second: W writers, each PUTting to its own new paths in a loop and awaiting every
/// response before the next write, for a fixed time per writer count.
/// </summary>
internal static class WritesBenchmark
{
    public static async Task<List<WritesResult>> RunAsync(IBenchTarget target, BenchOptions o)
    {
        using HttpClient client = Http.CreateClient();
        Console.Error.WriteLine($"[{target.Name}] writes: warm-up");
        _ = await RunLevelAsync(client, target, 16, TimeSpan.FromSeconds(1), "warm");
        List<WritesResult> results = [];
        foreach (int writers in o.Writers)
        {
            WritesResult result = await RunLevelAsync(client, target, writers, TimeSpan.FromSeconds(o.WriteSeconds), $"c{writers}");
            Console.Error.WriteLine($"[{target.Name}] writes: {writers} writers → {result.PerSecond:F0}/s");
            results.Add(result);
        }

        return results;
    }

    private static async Task<WritesResult> RunLevelAsync(HttpClient client, IBenchTarget target, int writers, TimeSpan duration, string round)
    {
        Histogram histogram = new();
        long writes = 0;
        long errors = 0;
        string? firstError = null;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        long stopAt = start + (long)(duration.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);

        async Task WriterAsync(int writer)
        {
            await Task.Yield();
            for (long k = 0; System.Diagnostics.Stopwatch.GetTimestamp() < stopAt; k++)
            {
                long sent = Clock.NowMicros;
                try
                {
                    using HttpRequestMessage request = target.CreatePublish($"writes/{round}/w{writer}/{k}", Payload.Encode(k, sent));
                    using HttpResponseMessage response = await client.SendAsync(request);
                    if (response.IsSuccessStatusCode)
                    {
                        histogram.Record(Clock.NowMicros - sent);
                        Interlocked.Increment(ref writes);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, $"HTTP {(int)response.StatusCode}", null);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, writers).Select(WriterAsync));
        double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new WritesResult(target.Name, writers, writes, errors, seconds, histogram, firstError);
    }
}
