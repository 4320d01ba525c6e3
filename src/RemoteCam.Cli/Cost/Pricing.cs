namespace RemoteCam.Cli.Cost;

/// <summary>
/// Firebase's quotas and prices the cost model compares with, as collected on
/// <see cref="AsOf"/> from Firebase's documentation (docs/cost.md "Prices" lists the sources and
/// which figures are unconfirmed). Decimal gigabytes (10^9 bytes), as Google bills.
/// </summary>
internal static class Pricing
{
    /// <summary>When these figures were collected.</summary>
    public const string AsOf = "2026-12-06";

    /// <summary>Realtime Database, Spark (no cost): simultaneous connections per database.</summary>
    public const int SparkConnections = 100;

    /// <summary>Realtime Database, Spark (no cost; also the no-cost part of Blaze): GB stored.</summary>
    public const double SparkStoredGB = 1;

    /// <summary>Realtime Database, Spark (no cost; also the no-cost part of Blaze): GB downloaded per month.</summary>
    public const double SparkDownloadedGBPerMonth = 10;

    /// <summary>Realtime Database, Blaze: simultaneous connections per database.</summary>
    public const int BlazeConnections = 200_000;

    /// <summary>Realtime Database, Blaze: US$ per GB-month stored beyond the no-cost GB.</summary>
    public const double BlazeStoredPerGBMonth = 5;

    /// <summary>Realtime Database, Blaze: US$ per GB downloaded beyond the no-cost 10 GB (a third-party figure; unconfirmed).</summary>
    public const double BlazeDownloadedPerGB = 1;

    /// <summary>Cloud Storage bucket (Blaze only since 2024-10-30): no-cost GB stored (legacy appspot figure; unconfirmed for new buckets).</summary>
    public const double BucketFreeStoredGB = 5;

    /// <summary>Cloud Storage bucket: no-cost GB downloaded per day (legacy appspot figure; unconfirmed for new buckets).</summary>
    public const double BucketFreeDownloadedGBPerDay = 1;

    /// <summary>Cloud Storage bucket: no-cost uploads per day (legacy appspot figure).</summary>
    public const int BucketFreeUploadsPerDay = 20_000;

    /// <summary>Cloud Storage bucket: no-cost downloads per day (legacy appspot figure).</summary>
    public const int BucketFreeDownloadsPerDay = 50_000;

    /// <summary>Days in the month the model bills.</summary>
    public const double DaysPerMonth = 30;
}
