namespace RemoteCam.Bench;

internal sealed record MemoryResult(string Target, int Streams, int Failures, long BaselineBytes, long LoadedBytes, string? FirstError)
{
    public double BytesPerStream => Streams - Failures <= 0 ? 0 : (double)(LoadedBytes - BaselineBytes) / (Streams - Failures);
}

/// <summary>
/// Resident memory per idle stream: the server's RSS (nginx: sum over its workers) after warm-up and settling,
/// then again with N idle streams open, each on its own channel; the growth divided by N.
/// </summary>
internal static class MemoryBenchmark
{
    public static async Task<MemoryResult> RunAsync(IBenchTarget target, BenchOptions o)
    {
        using HttpClient client = Http.CreateClient();

        // Warm-up: exercise the subscribe path (JIT, pools, first-use allocations) before the baseline.
        List<string> warmChannels = [.. Enumerable.Range(0, 50).Select(i => $"warm/{i}")];
        await using (StreamSet warm = await StreamSet.OpenAsync(client, target, warmChannels, null, 16, TimeSpan.FromSeconds(30)))
        {
            await Task.Delay(300);
        }

        await Task.Delay(TimeSpan.FromSeconds(o.SettleSeconds));
        long baseline = await ProcessUtil.SettledRssAsync(target.MemoryProcessIds, TimeSpan.FromSeconds(o.SettleSeconds * 2));

        List<string> channels = [.. Enumerable.Range(0, o.IdleStreams).Select(i => $"idle/{i}")];
        Console.Error.WriteLine($"[{target.Name}] memory: baseline {baseline / 1024.0 / 1024.0:F1} MiB; opening {channels.Count} idle streams");
        await using StreamSet streams = await StreamSet.OpenAsync(client, target, channels, null, 64, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(o.SettleSeconds));
        long loaded = await ProcessUtil.SettledRssAsync(target.MemoryProcessIds, TimeSpan.FromSeconds(o.SettleSeconds * 2));
        return new MemoryResult(target.Name, channels.Count, streams.Failures, baseline, loaded, streams.FirstError);
    }
}
