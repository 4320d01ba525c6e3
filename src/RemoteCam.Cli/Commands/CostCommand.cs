using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

using RemoteCam.Cli.Cli;
using RemoteCam.Cli.Cost;

namespace RemoteCam.Cli.Commands;

/// <summary>
/// <c>remotecam cost</c>: what a home uses per month on Firebase, and which plan fits (docs/cost.md):
/// from the home's daily use and the measured bytes per unit, or from a measured period
/// (<c>--measured stats.json</c>, what <c>remotecam stats --json</c> printed).
/// </summary>
internal static class CostCommand
{
    public static Command Create(CliConsole console, GlobalOptions global)
    {
        var cameras = new Option<int>("--cameras") { Description = "Cameras, online all day.", DefaultValueFactory = _ => 1 };
        var viewers = new Option<int>("--viewers") { Description = "Viewers that may watch at the same time.", DefaultValueFactory = _ => 1 };
        var viewing = new Option<double>("--viewing-minutes") { Description = "Minutes of live watching per day, all viewers and cameras together.", DefaultValueFactory = _ => 30 };
        var calls = new Option<int?>("--calls-per-day") { Description = "Calls set up per day (default: one per 5 minutes of watching, at least one per viewer)." };
        var clips = new Option<int>("--clips-per-day") { Description = "Clips recorded per day, all cameras together.", DefaultValueFactory = _ => 0 };
        var clipSeconds = new Option<double>("--clip-seconds") { Description = "Length of a clip.", DefaultValueFactory = _ => 20 };
        var keep = new Option<int>("--keep-days") { Description = "Days clips are kept (the camera's retention setting).", DefaultValueFactory = _ => 7 };
        var watched = new Option<int?>("--clips-watched-per-day") { Description = "Clips played per day (default: a quarter of those recorded)." };
        var target = new Option<string>("--clips-in") { Description = "Where clips are kept: database or bucket.", DefaultValueFactory = _ => "database" };
        target.AcceptOnlyFromAmong("database", "bucket");
        var measured = new Option<string?>("--measured") { Description = "A measured period instead of the model: the file 'remotecam stats --json' wrote." };
        var command = new Command("cost", $"Estimate what a home uses per month on Firebase and which plan fits (prices of {Pricing.AsOf}, bytes measured on {UnitFigures.MeasuredOn}; docs/cost.md).")
        {
            cameras, viewers, viewing, calls, clips, clipSeconds, keep, watched, target, measured,
        };
        command.Validators.Add(result =>
        {
            foreach (var option in new Option[] { cameras, viewers, viewing, calls, clips, clipSeconds, keep, watched })
            {
                var value = result.GetResult(option)?.GetValueOrDefault<object?>();
                if (value is int i && i < 0 || value is double d && (d < 0 || double.IsNaN(d) || double.IsInfinity(d)))
                {
                    result.AddError($"{option.Name} must be 0 or more.");
                }
            }
        });
        command.SetAction(parse =>
        {
            var json = parse.GetValue(global.Json);
            MonthlyUse month;
            JsonObject input;
            if (parse.GetValue(measured) is { } file)
            {
                if (!TryReadMeasurement(file, out var bytesOut, out var seconds, out var peak, out var error))
                {
                    return console.Fail($"{file}: {error}");
                }

                month = CostModel.FromMeasurement(bytesOut, seconds, peak);
                input = new JsonObject { ["measured"] = file, ["bytesOut"] = bytesOut, ["seconds"] = seconds, ["peakConnections"] = peak };
            }
            else
            {
                var viewingMinutes = parse.GetValue(viewing);
                var home = new HomeUse(
                    parse.GetValue(cameras),
                    parse.GetValue(viewers),
                    viewingMinutes,
                    parse.GetValue(clips),
                    parse.GetValue(clipSeconds),
                    parse.GetValue(keep),
                    parse.GetValue(watched) ?? (parse.GetValue(clips) / 4),
                    parse.GetValue(calls) ?? Math.Max(parse.GetValue(viewers), (int)Math.Ceiling(viewingMinutes / 5)),
                    parse.GetValue(target) == "bucket" ? ClipTarget.Bucket : ClipTarget.Database);
                month = CostModel.Estimate(home, UnitFigures.Measured);
                input = new JsonObject
                {
                    ["cameras"] = home.Cameras,
                    ["viewers"] = home.Viewers,
                    ["viewingMinutesPerDay"] = home.ViewingMinutesPerDay,
                    ["callsPerDay"] = home.CallsPerDay,
                    ["clipsPerDay"] = home.ClipsPerDay,
                    ["clipSeconds"] = home.ClipSeconds,
                    ["keepDays"] = home.KeepDays,
                    ["clipsWatchedPerDay"] = home.ClipsWatchedPerDay,
                    ["clipsIn"] = home.Clips == ClipTarget.Bucket ? "bucket" : "database",
                };
            }

            var plan = month.FitsSpark ? "spark" : "blaze";
            return console.Result(
                json,
                new JsonObject
                {
                    ["input"] = input,
                    ["pricesOf"] = Pricing.AsOf,
                    ["measuredOn"] = UnitFigures.MeasuredOn,
                    ["databaseDownloadedGBPerMonth"] = Math.Round(month.DatabaseDownloadedGB, 4),
                    ["databaseStoredGB"] = Math.Round(month.DatabaseStoredGB, 4),
                    ["peakConnections"] = month.PeakConnections,
                    ["bucketStoredGB"] = Math.Round(month.BucketStoredGB, 4),
                    ["bucketDownloadedGBPerDay"] = Math.Round(month.BucketDownloadedGBPerDay, 4),
                    ["bucketUploadsPerDay"] = month.BucketUploadsPerDay,
                    ["bucketDownloadsPerDay"] = month.BucketDownloadsPerDay,
                    ["fitsSpark"] = month.FitsSpark,
                    ["blazeDollarsPerMonth"] = Math.Round(month.BlazeDollarsPerMonth, 2),
                    ["plan"] = plan,
                },
                () =>
                {
                    foreach (var line in Lines(month))
                    {
                        console.WriteLine(line);
                    }
                });
        });
        return command;
    }

    internal static IEnumerable<string> Lines(MonthlyUse month)
    {
        static string Row(string what, string used, string quota, bool within) =>
            string.Create(CultureInfo.InvariantCulture, $"  {what,-34} {used,12}  {quota,-22} {(within ? "ok" : "OVER")}");
        yield return string.Create(CultureInfo.InvariantCulture, $"Per month ({Pricing.DaysPerMonth:0} days), Firebase prices of {Pricing.AsOf}, bytes measured on {UnitFigures.MeasuredOn}:");
        yield return "Realtime Database (free Spark quota):";
        yield return Row("simultaneous connections", month.PeakConnections.ToString(CultureInfo.InvariantCulture), $"of {Pricing.SparkConnections}", month.PeakConnections <= Pricing.SparkConnections);
        yield return Row("stored", Gb(month.DatabaseStoredGB), $"of {Pricing.SparkStoredGB:0} GB", month.DatabaseStoredGB <= Pricing.SparkStoredGB);
        yield return Row("downloaded", Gb(month.DatabaseDownloadedGB), $"of {Pricing.SparkDownloadedGBPerMonth:0} GB/month", month.DatabaseDownloadedGB <= Pricing.SparkDownloadedGBPerMonth);
        if (month.BucketStoredGB > 0 || month.BucketUploadsPerDay > 0)
        {
            yield return "Cloud Storage bucket (Blaze only; no-cost quota):";
            yield return Row("stored", Gb(month.BucketStoredGB), $"of {Pricing.BucketFreeStoredGB:0} GB", month.BucketStoredGB <= Pricing.BucketFreeStoredGB);
            yield return Row("downloaded per day", Gb(month.BucketDownloadedGBPerDay), $"of {Pricing.BucketFreeDownloadedGBPerDay:0} GB/day", month.BucketDownloadedGBPerDay <= Pricing.BucketFreeDownloadedGBPerDay);
            yield return Row("uploads per day", month.BucketUploadsPerDay.ToString(CultureInfo.InvariantCulture), $"of {Pricing.BucketFreeUploadsPerDay:N0}", month.BucketUploadsPerDay <= Pricing.BucketFreeUploadsPerDay);
            yield return Row("downloads per day", month.BucketDownloadsPerDay.ToString(CultureInfo.InvariantCulture), $"of {Pricing.BucketFreeDownloadsPerDay:N0}", month.BucketDownloadsPerDay <= Pricing.BucketFreeDownloadsPerDay);
        }

        if (month.FitsSpark)
        {
            yield return "Plan: the free Spark plan fits ($0).";
        }
        else
        {
            var why = month.BucketStoredGB > 0 ? "clips in a Cloud Storage bucket need Blaze" : "over the free quota";
            var bucket = month.BucketStoredGB <= 0 ? ""
                : month.BucketWithinFreeQuota ? ", the bucket within its no-cost quota" : ", plus the bucket beyond its no-cost quota";
            var dollars = month.BlazeDollarsPerMonth.ToString("0.00", CultureInfo.InvariantCulture);
            yield return $"Plan: Blaze ({why}): about ${dollars} a month for the database{bucket}.";
        }
    }

    private static string Gb(double gb) => gb < 0.01
        ? string.Create(CultureInfo.InvariantCulture, $"{gb * 1000:0.00} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{gb:0.00} GB");

    private static bool TryReadMeasurement(string file, out long bytesOut, out double seconds, out int peak, out string error)
    {
        bytesOut = 0;
        seconds = 0;
        peak = 0;
        error = "";
        try
        {
            var stats = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var wire = stats["wire"]!.AsObject();
            bytesOut = wire["bytesOut"]!.GetValue<long>();
            peak = wire["peakConnections"]!.GetValue<int>();
            seconds = stats["seconds"]!.GetValue<double>();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            error = "not the output of 'remotecam stats --json' (" + e.Message + ")";
            return false;
        }

        if (seconds <= 0)
        {
            error = "the measured period is 0 s long: measure for a while after 'remotecam stats --reset'.";
            return false;
        }

        return true;
    }
}
