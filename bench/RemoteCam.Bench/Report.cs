using System.Globalization;
using System.Text;

namespace RemoteCam.Bench;

/// <summary>Collects results and prints per-benchmark details and the summary table with ratios and goals.</summary>
internal sealed class Report
{
    private const double LatencyGoal = 2.0;
    private const double MemoryGoal = 1.5;
    private const double WritesGoal = 5000;
    private const double FirebaseWrites = 1000;

    private readonly Dictionary<string, LatencyResult> _latency = [];
    private readonly Dictionary<string, MemoryResult> _memory = [];
    private readonly List<WritesResult> _writes = [];
    private readonly List<string> _errors = [];

    public void Add(LatencyResult r)
    {
        _latency[r.Target] = r;
        Print($"latency  {r.Target,-8}  p50 {Ms(r.Latency.Percentile(50))} ms  p99 {Ms(r.Latency.Percentile(99))} ms  p99.9 {Ms(r.Latency.Percentile(99.9))} ms  max {Ms(r.Latency.Max)} ms  "
            + $"(p99 inbox {Ms(r.InboxLatency.Percentile(99))} ms, shared {Ms(r.SharedLatency.Percentile(99))} ms)  "
            + $"delivered {r.Delivered}/{r.Expected}  lost {r.Lost}  dup {r.Duplicates}  misrouted {r.Misrouted}  publish errors {r.PublishErrors}  "
            + $"stream failures {r.StreamFailures}  streams {r.Streams}  writes {r.Writes} at {r.AchievedRate:F0}/s"
            + (r.FirstError is null ? string.Empty : $"  first error: {r.FirstError}"));
    }

    public void Add(MemoryResult r)
    {
        _memory[r.Target] = r;
        Print($"memory   {r.Target,-5}  {r.BytesPerStream / 1024:F1} kB/stream  ({r.Streams - r.Failures} streams: RSS {Mib(r.BaselineBytes)} → {Mib(r.LoadedBytes)} MiB)"
            + (r.Failures == 0 ? string.Empty : $"  {r.Failures} streams failed: {r.FirstError}"));
    }

    public void Add(WritesResult r)
    {
        _writes.Add(r);
        Print($"writes   {r.Target,-5}  {r.Writers,2} writers  {r.PerSecond,8:F0}/s  ack p50 {Ms(r.Latency.Percentile(50))} ms  p99 {Ms(r.Latency.Percentile(99))} ms  "
            + $"({r.Writes} in {r.Seconds:F1} s, {r.Errors} errors)" + (r.FirstError is null ? string.Empty : $"  first error: {r.FirstError}"));
    }

    public void Error(string bench, string target, string message)
    {
        _errors.Add($"{bench} {target}: {message}");
        Print($"{bench,-8} {target,-5}  NOT MEASURED: {message}");
    }

    public void PrintSummary()
    {
        StringBuilder b = new();
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"{"measure",-34} {"relay",12} {"nchan",12} {"ratio",8}  goal");
        b.AppendLine(new string('-', 90));
        if (_latency.Count > 0)
        {
            LatencyResult? relay = _latency.GetValueOrDefault("relay");
            LatencyResult? nchan = _latency.GetValueOrDefault("nchan");
            Row(b, "delivery latency p50 (ms)", relay?.Latency.Percentile(50) / 1000.0, nchan?.Latency.Percentile(50) / 1000.0, null);
            Row(b, "delivery latency p99 (ms)", relay?.Latency.Percentile(99) / 1000.0, nchan?.Latency.Percentile(99) / 1000.0, $"relay <= {LatencyGoal}x nchan", LatencyGoal);
            Row(b, "delivery latency max (ms)", relay?.Latency.Max / 1000.0, nchan?.Latency.Max / 1000.0, null);
            b.AppendLine(CultureInfo.InvariantCulture, $"{"delivered / expected",-34} {Delivered(relay),12} {Delivered(nchan),12} {string.Empty,8}  0 lost {Verdict(relay is null ? null : relay.Lost == 0 && relay.PublishErrors == 0)}");
            if (_latency.GetValueOrDefault("relay-ws") is { } ws)
            {
                // The same load, listeners over the relay's WebSocket protocol (relay-ws) in the relay column.
                Row(b, "ws delivery latency p50 (ms)", ws.Latency.Percentile(50) / 1000.0, nchan?.Latency.Percentile(50) / 1000.0, null);
                Row(b, "ws delivery latency p99 (ms)", ws.Latency.Percentile(99) / 1000.0, nchan?.Latency.Percentile(99) / 1000.0, $"relay-ws <= {LatencyGoal}x nchan", LatencyGoal);
                Row(b, "ws delivery latency max (ms)", ws.Latency.Max / 1000.0, nchan?.Latency.Max / 1000.0, null);
                b.AppendLine(CultureInfo.InvariantCulture, $"{"ws delivered / expected",-34} {Delivered(ws),12} {Delivered(nchan),12} {string.Empty,8}  0 lost {Verdict(ws.Lost == 0 && ws.PublishErrors == 0)}");
                if (relay is not null)
                {
                    b.AppendLine(CultureInfo.InvariantCulture, $"{"ws p99 / sse p99",-34} {string.Empty,12} {string.Empty,12} {ws.Latency.Percentile(99) / (double)Math.Max(1, relay.Latency.Percentile(99)),7:F2}x");
                }
            }
        }

        if (_memory.Count > 0)
        {
            MemoryResult? relay = _memory.GetValueOrDefault("relay");
            MemoryResult? nchan = _memory.GetValueOrDefault("nchan");
            Row(b, "RSS per idle stream (kB)", relay?.BytesPerStream / 1024, nchan?.BytesPerStream / 1024, $"relay <= {MemoryGoal}x nchan", MemoryGoal);
        }

        foreach (WritesResult w in _writes)
        {
            string label = $"{w.Target} acked writes/s, {w.Writers} writers";
            b.AppendLine(CultureInfo.InvariantCulture, $"{label,-34} {w.PerSecond,12:F0} {string.Empty,12} {w.PerSecond / WritesGoal,7:F2}x  >= {WritesGoal:F0}/s {Verdict(w.PerSecond >= WritesGoal && w.Errors == 0)} ({w.PerSecond / FirebaseWrites:F1}x Firebase's ~{FirebaseWrites:F0}/s)");
        }

        foreach (string error in _errors)
        {
            b.AppendLine("not measured: " + error);
        }

        Console.Out.Write(b.ToString());
        Console.Out.Flush();
    }

    private static void Row(StringBuilder b, string label, double? relay, double? nchan, string? goal, double limit = 0)
    {
        double? ratio = relay is not null && nchan is not null && nchan > 0 ? relay / nchan : null;
        string goalText = goal is null ? string.Empty : $"{goal} {Verdict(ratio is null ? null : ratio <= limit)}";
        b.AppendLine(CultureInfo.InvariantCulture, $"{label,-34} {Num(relay),12} {Num(nchan),12} {(ratio is null ? "-" : ratio.Value.ToString("F2", CultureInfo.InvariantCulture) + "x"),8}  {goalText}");
    }

    private static string Delivered(LatencyResult? r) => r is null ? "-" : $"{r.Delivered}/{r.Expected}";

    private static string Verdict(bool? ok) => ok switch { true => "PASS", false => "FAIL", null => "(n/a)" };

    private static string Num(double? value) => value is null ? "-" : value.Value.ToString(value.Value >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture);

    private static string Ms(long micros) => (micros / 1000.0).ToString("F2", CultureInfo.InvariantCulture);

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>The 1, 5 and 15 minute load averages, from /proc/loadavg.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static void Print(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}
