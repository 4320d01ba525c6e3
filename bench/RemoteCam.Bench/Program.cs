using RemoteCam.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 64;
}

switch (options.Command)
{
    case "help":
        Console.Out.WriteLine(BenchOptions.Usage);
        return 0;
    case "host-relay":
        return await RelayHost.RunAsync(options);
    case "ttff" when options.Scan:
        return await ScanBenchmark.RunAsync(options);
    case "ttff":
        return await TtffBenchmark.RunAsync(options);
    case "motion":
        return await MotionBenchmark.RunAsync(options);
    case "rules":
        RulesBenchmark.Run();
        return 0;
    case "fuzz":
        return await FuzzBenchmark.RunAsync(options);
    case "soak":
        return await SoakBenchmark.RunAsync(options);
    case "presence":
        return await PresenceBenchmark.RunAsync(options);
    case "clips":
        return ClipsBenchmark.Run();
    case "storage":
        return await StorageBenchmark.RunAsync();
    case "all" or "latency" or "memory" or "writes":
        break;
    default:
        Console.Error.WriteLine($"unknown command {options.Command}");
        Console.Error.WriteLine(BenchOptions.Usage);
        return 64;
}

string[] benches = options.Command == "all" ? ["memory", "latency", "writes"] : [options.Command];
Report report = new();
Console.Out.WriteLine($"RemoteCam.Bench {options.Command}: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {Report.LoadAverage()}, nginx worker_processes {options.NginxWorkers}");
foreach (string bench in benches)
{
    foreach (string targetName in options.TargetsFor(bench))
    {
        try
        {
            // A fresh server per benchmark and target, so that no run inherits another's channels or garbage.
            await using IBenchTarget target = targetName switch
            {
                "relay" => await RelayTarget.StartAsync(),
                "relay-ws" when bench == "latency" => await RelayTarget.StartAsync(overWebSocket: true),
                "nchan" => await NchanTarget.StartAsync(options),
                _ => throw new ArgumentException($"unknown target {targetName} (relay, nchan; relay-ws for latency)"),
            };
            switch (bench)
            {
                case "memory":
                    report.Add(await MemoryBenchmark.RunAsync(target, options));
                    break;
                case "latency":
                    report.Add(await LatencyBenchmark.RunAsync(target, options));
                    break;
                default:
                    foreach (WritesResult result in await WritesBenchmark.RunAsync(target, options))
                    {
                        report.Add(result);
                    }

                    break;
            }
        }
        catch (Exception e) when (e is BenchPrerequisiteException or InvalidOperationException or HttpRequestException or IOException or ArgumentException)
        {
            report.Error(bench, targetName, e.Message);
        }
    }
}

report.PrintSummary();
Console.Out.WriteLine($"load average at the end: {Report.LoadAverage()} (other work on the machine widens the tails of both servers)");
return 0;
