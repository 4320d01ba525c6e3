namespace RemoteCam.Bench;

/// <summary>
/// Thread-safe log-linear histogram of non-negative values (microseconds). Values below 1,024 are exact;
/// above, each power of two is split into 512 sub-buckets (relative error below 0.2 %). Max is exact.
/// </summary>
internal sealed class Histogram
{
    private const int SubBucketBits = 9;
    private const int SubBuckets = 1 << SubBucketBits;
    private readonly long[] _counts = new long[64 * SubBuckets];
    private long _count;
    private long _max;
    private long _sum;

    public long Count => Interlocked.Read(ref _count);

    public long Max => Interlocked.Read(ref _max);

    public double Mean => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        long current = Interlocked.Read(ref _max);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref _max, value, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }
    }

    /// <summary>Value at the given percentile (0..100), reported as the upper bound of its bucket, capped at Max.</summary>
    public long Percentile(double percentile)
    {
        long total = Count;
        if (total == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperBoundOf(i), Max);
            }
        }

        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < SubBuckets * 2)
        {
            return (int)value;
        }

        int log2 = 63 - (int)long.LeadingZeroCount(value);
        int shift = log2 - SubBucketBits;
        long sub = (value >> shift) - SubBuckets;
        return ((shift + 1) * SubBuckets) + (int)sub;
    }

    private static long UpperBoundOf(int index)
    {
        if (index < SubBuckets * 2)
        {
            return index;
        }

        int shift = (index / SubBuckets) - 1;
        long sub = index % SubBuckets;
        return ((SubBuckets + sub + 1) << shift) - 1;
    }
}
