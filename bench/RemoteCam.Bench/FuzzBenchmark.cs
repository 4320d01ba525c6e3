using RemoteCam.Fuzz;

namespace RemoteCam.Bench;

/// <summary>
/// <c>fuzz [--long] [--requests N] [--seed N]</c>: the relay test suite's fuzz run
/// (tests/Shared/Fuzz) at length, against the relay in its own process, so "the relay stays up"
/// means its process is still there. Prints the run's figures and PASS/FAIL for the goals:
/// no 5xx, every error in Firebase's shape, known answers to tokens and rules uploads, and the
/// relay still up and serving streams and writes afterwards.
/// </summary>
internal static class FuzzBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var requests = options.Requests ?? (options.Long ? 100_000 : 5_000);
        var seed = options.Seed ?? FuzzSeed.FromEnvironment();
        Console.Out.WriteLine($"RemoteCam.Bench fuzz: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {Report.LoadAverage()}, {requests:N0} requests, seed {seed}");
        await using var relay = await RelayTarget.StartAsync();
        var before = Rss(relay);
        var report = await FuzzRun.RunAsync(new FuzzOptions
        {
            BaseUrl = new Uri(relay.BaseUrl),
            Tokens = FuzzTokens.FromDataDirectory(relay.DataDirectory),
            Requests = requests,
            Seed = seed,
            RelayAlive = () => relay.IsRunning,
            Progress = Console.Out,
        });
        var after = Rss(relay);

        Console.Out.WriteLine(report.Summary(seed));
        Console.Out.WriteLine($"  relay RSS: {before / 1024.0:0.0} MiB before, {after / 1024.0:0.0} MiB after");
        Console.Out.WriteLine($"  goal: 0 answers 5xx: {(report.ServerErrors == 0 ? "PASS" : "FAIL")} ({report.ServerErrors})");
        Console.Out.WriteLine($"  goal: every answer as expected (errors as {{\"error\": \"…\"}}, tokens, rules kept): {(report.FailureCount == 0 ? "PASS" : "FAIL")} ({report.FailureCount} bad)");
        Console.Out.WriteLine($"  goal: the relay stays up and serves: {(report.Afterwards is null ? "PASS" : "FAIL: " + report.Afterwards)}");
        Console.Out.WriteLine($"load average at the end: {Report.LoadAverage()}");
        return 0;
    }

    private static long Rss(RelayTarget relay) => ProcessUtil.RssBytes(relay.MemoryProcessIds()) / 1024;
}
