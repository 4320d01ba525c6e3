using System.Text.Json;

using RemoteCam.Cli.Cost;

namespace RemoteCam.Cli.Tests;

/// <summary>The cost model against cases computed by hand (docs/cost.md "The model").</summary>
public sealed class CostModelTests
{
    private const int Precision = 6;

    [Fact]
    public void One_camera_and_its_presence_only()
    {
        var month = CostModel.Estimate(Home(cameras: 1, viewers: 1), new UnitFigures(1_000_000, 0, 0, 500));

        // 1 MB a day × 30 days = 0.03 GB; nothing stored; camera + viewer = 2 connections.
        Assert.Equal(0.03, month.DatabaseDownloadedGB, Precision);
        Assert.Equal(0, month.DatabaseStoredGB, Precision);
        Assert.Equal(2, month.PeakConnections);
        Assert.True(month.FitsSpark);
        Assert.Equal(0, month.BlazeDollarsPerMonth, Precision);
    }

    [Fact]
    public void Four_cameras_two_viewers_an_hour_of_watching_and_forty_clips_in_the_database()
    {
        var home = Home(cameras: 4, viewers: 2, viewingMinutes: 60, calls: 12, clips: 40, clipSeconds: 20, keepDays: 7, watched: 10);
        var month = CostModel.Estimate(home, new UnitFigures(4_000_000, 60_000, 2_000, 600));

        // A clip: 600 kbit/s = 75,000 B/s × 20 s = 1,500,000 B; as base64 × 4/3 = 2,000,000 B, plus 29 B per 256 KiB chunk
        // (× 1 + 29/262,144) = 2,000,221.25 B. Kept: 40 × 7 = 280 clips = 560,061,950 B.
        Assert.Equal(0.56006195, month.DatabaseStoredGB, Precision);

        // Per day: presence 4 × 4,000,000 + calls 12 × 60,000 + watching 60 × 2,000 + 10 clips × 2,000,221.25
        // = 36,842,212.5 B; × 30 = 1,105,266,375 B.
        Assert.Equal(1.105266375, month.DatabaseDownloadedGB, Precision);
        Assert.Equal(6, month.PeakConnections);
        Assert.True(month.FitsSpark);
        Assert.Equal(0, month.BucketStoredGB, Precision);
    }

    [Fact]
    public void Clips_in_a_bucket_need_blaze_and_are_counted_against_the_buckets_quota()
    {
        var home = Home(cameras: 2, viewers: 1, clips: 100, clipSeconds: 30, keepDays: 30, watched: 50, target: ClipTarget.Bucket);
        var month = CostModel.Estimate(home, new UnitFigures(0, 0, 0, 800));

        // 800 kbit/s × 30 s = 3,000,000 B a clip, in ⌈3,000,000 / 262,144⌉ = 12 chunks (objects).
        Assert.Equal(9.0, month.BucketStoredGB, Precision); // 100 × 30 × 3 MB
        Assert.Equal(0.15, month.BucketDownloadedGBPerDay, Precision); // 50 × 3 MB
        Assert.Equal(1200, month.BucketUploadsPerDay);
        Assert.Equal(600, month.BucketDownloadsPerDay);
        Assert.Equal(0, month.DatabaseStoredGB, Precision);
        Assert.False(month.FitsSpark);
        Assert.False(month.BucketWithinFreeQuota); // 9 GB stored > 5 GB
    }

    [Fact]
    public void Blaze_bills_the_database_beyond_its_no_cost_quota()
    {
        // 3 GB stored: (3 − 1) × $5 = $10; 25 GB downloaded: (25 − 10) × $1 = $15.
        var month = new MonthlyUse(25, 3, 6, 0, 0, 0, 0);
        Assert.Equal(25, month.BlazeDollarsPerMonth, Precision);
        Assert.False(month.FitsSpark);
    }

    [Fact]
    public void More_than_a_hundred_devices_at_once_do_not_fit_the_free_plan()
    {
        var month = CostModel.Estimate(Home(cameras: 90, viewers: 11), new UnitFigures(0, 0, 0, 500));
        Assert.Equal(101, month.PeakConnections);
        Assert.False(month.FitsSpark);
        Assert.Equal(0, month.BlazeDollarsPerMonth, Precision);
    }

    [Fact]
    public void A_measured_hour_is_scaled_to_a_month()
    {
        // 1,000,000 B in 3,600 s → × 24 × 30 = 720,000,000 B.
        var month = CostModel.FromMeasurement(1_000_000, 3600, 3);
        Assert.Equal(0.72, month.DatabaseDownloadedGB, Precision);
        Assert.Equal(3, month.PeakConnections);
        Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.FromMeasurement(1, 0, 1));
    }

    [Fact]
    public async Task The_cost_command_prints_the_month_and_the_plan_that_fits()
    {
        await using var cli = await CliHarness.StartAsync(withRelay: false);
        var text = await cli.RunAsync("cost", "--cameras", "4", "--viewers", "2", "--viewing-minutes", "60", "--clips-per-day", "40");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("simultaneous connections", text.Out, StringComparison.Ordinal);
        Assert.Contains(Pricing.AsOf, text.Out, StringComparison.Ordinal);
        Assert.Contains("Plan: ", text.Out, StringComparison.Ordinal);

        var json = await cli.RunAsync("cost", "--cameras", "4", "--viewers", "2", "--viewing-minutes", "60", "--clips-per-day", "40", "--json");
        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        var root = document.RootElement;
        var expected = CostModel.Estimate(Home(cameras: 4, viewers: 2, viewingMinutes: 60, calls: 12, clips: 40, clipSeconds: 20, keepDays: 7, watched: 10), UnitFigures.Measured);
        Assert.Equal(Math.Round(expected.DatabaseDownloadedGB, 4), root.GetProperty("databaseDownloadedGBPerMonth").GetDouble(), Precision);
        Assert.Equal(6, root.GetProperty("peakConnections").GetInt32());
        Assert.Equal(expected.FitsSpark ? "spark" : "blaze", root.GetProperty("plan").GetString());

        var bad = await cli.RunAsync("cost", "--cameras", "-1");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--cameras must be 0 or more", bad.Err, StringComparison.Ordinal);
    }

    private static HomeUse Home(
        int cameras, int viewers, double viewingMinutes = 0, int calls = 0, int clips = 0, double clipSeconds = 20, int keepDays = 7, int watched = 0, ClipTarget target = ClipTarget.Database) =>
        new(cameras, viewers, viewingMinutes, clips, clipSeconds, keepDays, watched, calls, target);
}
