namespace RemoteCam.Cli.Cost;

/// <summary>Where a home keeps its clips (docs/clips.md): in the database, or in a Cloud Storage bucket.</summary>
internal enum ClipTarget
{
    Database,
    Bucket,
}

/// <summary>A home's use per day.</summary>
/// <param name="ClipsWatchedPerDay">Clips a viewer plays (each downloaded once).</param>
internal sealed record HomeUse(
    int Cameras,
    int Viewers,
    double ViewingMinutesPerDay,
    int ClipsPerDay,
    double ClipSeconds,
    int KeepDays,
    int ClipsWatchedPerDay,
    int CallsPerDay,
    ClipTarget Clips);

/// <summary>A month of a home's use, and what it costs on each plan.</summary>
/// <param name="PeakConnections">Devices connected at once at most: every camera, and every viewer while watching.</param>
internal sealed record MonthlyUse(
    double DatabaseDownloadedGB,
    double DatabaseStoredGB,
    int PeakConnections,
    double BucketStoredGB,
    double BucketDownloadedGBPerDay,
    int BucketUploadsPerDay,
    int BucketDownloadsPerDay)
{
    /// <summary>Everything within the Realtime Database's no-cost quotas and no bucket needed: the free plan fits.</summary>
    public bool FitsSpark =>
        PeakConnections <= Pricing.SparkConnections
        && DatabaseStoredGB <= Pricing.SparkStoredGB
        && DatabaseDownloadedGB <= Pricing.SparkDownloadedGBPerMonth
        && BucketStoredGB == 0;

    /// <summary>US$ per month on Blaze: the Realtime Database beyond its no-cost quotas (the bucket's use beyond its no-cost quotas is listed, not priced).</summary>
    public double BlazeDollarsPerMonth =>
        (Math.Max(0, DatabaseStoredGB - Pricing.SparkStoredGB) * Pricing.BlazeStoredPerGBMonth)
        + (Math.Max(0, DatabaseDownloadedGB - Pricing.SparkDownloadedGBPerMonth) * Pricing.BlazeDownloadedPerGB);

    /// <summary>The bucket's use stays within its no-cost quotas.</summary>
    public bool BucketWithinFreeQuota =>
        BucketStoredGB <= Pricing.BucketFreeStoredGB
        && BucketDownloadedGBPerDay <= Pricing.BucketFreeDownloadedGBPerDay
        && BucketUploadsPerDay <= Pricing.BucketFreeUploadsPerDay
        && BucketDownloadsPerDay <= Pricing.BucketFreeDownloadsPerDay;
}

/// <summary>
/// The cost model (docs/cost.md): a home's daily use times the measured bytes per unit, over a
/// month of <see cref="Pricing.DaysPerMonth"/> days, against Firebase's quotas and prices.
/// </summary>
internal static class CostModel
{
    private const double GB = 1e9;

    public static MonthlyUse Estimate(HomeUse home, UnitFigures unit)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(unit);
        var clipMinutes = home.ClipSeconds / 60;
        var chunksPerClip = (int)Math.Ceiling(clipMinutes * unit.ClipBytesPerMinute / 262_144);
        var signallingPerDay = (home.Cameras * unit.PresencePerCameraDay)
            + (home.CallsPerDay * unit.PerCall)
            + (home.ViewingMinutesPerDay * unit.PerViewingMinute);
        var downloadedPerDay = signallingPerDay;
        double storedDatabase = 0, storedBucket = 0, bucketDownloadedPerDay = 0;
        var keptClips = (double)home.ClipsPerDay * home.KeepDays;
        if (home.Clips == ClipTarget.Database)
        {
            var clip = clipMinutes * unit.ClipBytesPerMinuteInDatabase;
            storedDatabase = keptClips * clip;
            downloadedPerDay += home.ClipsWatchedPerDay * clip;
        }
        else
        {
            var clip = clipMinutes * unit.ClipBytesPerMinute;
            storedBucket = keptClips * clip;
            bucketDownloadedPerDay = home.ClipsWatchedPerDay * clip;
        }

        return new MonthlyUse(
            DatabaseDownloadedGB: downloadedPerDay * Pricing.DaysPerMonth / GB,
            DatabaseStoredGB: storedDatabase / GB,
            PeakConnections: home.Cameras + home.Viewers,
            BucketStoredGB: storedBucket / GB,
            BucketDownloadedGBPerDay: bucketDownloadedPerDay / GB,
            BucketUploadsPerDay: home.Clips == ClipTarget.Bucket ? home.ClipsPerDay * chunksPerClip : 0,
            BucketDownloadsPerDay: home.Clips == ClipTarget.Bucket ? home.ClipsWatchedPerDay * chunksPerClip : 0);
    }

    /// <summary>
    /// A measured period (a relay's usage statistics) made into a month: bytes the relay sent
    /// (on the wire, all included) scaled from <paramref name="seconds"/> to a month.
    /// </summary>
    public static MonthlyUse FromMeasurement(long bytesOut, double seconds, int peakConnections)
    {
        if (seconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), "the measured period must be longer than 0 s");
        }

        var perMonth = bytesOut / seconds * 86_400 * Pricing.DaysPerMonth;
        return new MonthlyUse(perMonth / GB, 0, peakConnections, 0, 0, 0, 0);
    }
}
