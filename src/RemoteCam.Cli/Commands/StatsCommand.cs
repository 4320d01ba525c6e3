using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Profiles;
using RemoteCam.Firebase;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam stats [--reset]</c>: the relay's usage statistics (<c>GET /.settings/stats.json</c>,
/// docs/relay.md "Usage statistics") as a table: per path prefix the writes, reads and listens,
/// bytes received and sent; the wire totals and connections above it.
/// </summary>
internal static class StatsCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var reset = new Option<bool>("--reset") { Description = "Start a new measurement: set the counters to 0 (and print the empty table)." };
        var command = new Command("stats", "Show what the relay's clients used since it started (or since --reset): bytes and writes per path, like Firebase's profiler.") { reset };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!CommandBackends.TryOpen(parse, global, console, out var backend, out var openExit))
            {
                return openExit;
            }

            using (backend)
            {
                if (backend!.Profile.Kind != ProfileKinds.Relay)
                {
                    return console.Fail($"profile '{backend.Name}' is a Firebase database: usage statistics are the relay's; on Firebase use the console's Usage tab or 'firebase database:profile'.");
                }

                string text;
                try
                {
                    text = await backend.GetStatsAsync(parse.GetValue(reset), cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or FirebaseException or TaskCanceledException or CredentialException)
                {
                    return console.Fail($"cannot read the usage statistics of profile '{backend.Name}': {Backend.Describe(e, backend.DatabaseUrl)}");
                }

                var stats = JsonNode.Parse(text)!.AsObject();
                if (parse.GetValue(global.Json))
                {
                    console.WriteJson(stats);
                }
                else
                {
                    foreach (var line in Table(stats))
                    {
                        console.WriteLine(line);
                    }
                }

                return ExitCodes.Ok;
            }
        });
        return command;
    }

    /// <summary>The statistics as lines of text: a summary, then one row per path prefix, busiest first.</summary>
    internal static IEnumerable<string> Table(JsonObject stats)
    {
        var wire = stats["wire"]!.AsObject();
        var seconds = stats["seconds"]!.GetValue<double>();
        yield return string.Create(CultureInfo.InvariantCulture, $"Since {stats["since"]} ({Duration(seconds)}): {Bytes(wire["bytesIn"]!.GetValue<long>())} received, {Bytes(wire["bytesOut"]!.GetValue<long>())} sent on the wire (headers and TLS included)");
        yield return string.Create(CultureInfo.InvariantCulture, $"Connections: {wire["connections"]} opened, {wire["openConnections"]} open now, {wire["peakConnections"]} at most at once");
        var rows = stats["paths"]!.AsArray().Select(p => p!.AsObject())
            .OrderByDescending(p => p["bytesOut"]!.GetValue<long>() + p["bytesIn"]!.GetValue<long>())
            .ToList();
        if (rows.Count == 0)
        {
            yield return "No database requests yet.";
            yield break;
        }

        var databases = rows.Select(r => r["database"]!.GetValue<string>()).Distinct().Count();
        var width = Math.Max(4, rows.Max(r => Label(r, databases > 1).Length));
        yield return string.Create(CultureInfo.InvariantCulture, $"{"PATH".PadRight(width)}  {"WRITES",8}  {"READS",8}  {"RECEIVED",10}  {"SENT",10}  {"SENT/H",10}");
        foreach (var row in rows)
        {
            var sent = row["bytesOut"]!.GetValue<long>();
            var perHour = seconds > 0 ? Bytes((long)(sent / seconds * 3600)) : "-";
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"{Label(row, databases > 1).PadRight(width)}  {row["writes"],8}  {row["reads"],8}  {Bytes(row["bytesIn"]!.GetValue<long>()),10}  {Bytes(sent),10}  {perHour,10}");
        }
    }

    private static string Label(JsonObject row, bool withDatabase) =>
        withDatabase ? $"{row["database"]}:{row["path"]}" : row["path"]!.GetValue<string>();

    internal static string Bytes(long bytes) => bytes switch
    {
        < 10_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 10_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} kB"),
        < 10_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.00} GB"),
    };

    private static string Duration(double seconds) => seconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.0} h"),
    };
}
