namespace RemoteCam.Relay.Persistence;

/// <summary>Tuning for <see cref="JournalLog"/>.</summary>
/// <param name="SnapshotAfterBytes">Journal bytes committed since the last snapshot after which <see cref="JournalLog.SnapshotDue"/> turns true.</param>
/// <param name="KeepPreviousSnapshot">
/// Keep the previous snapshot and the segments after it when a new snapshot becomes current, so a
/// snapshot damaged on disk can be replaced by the older one plus replay. Costs roughly one more
/// snapshot and <paramref name="SnapshotAfterBytes"/> of journal on disk.
/// </param>
internal sealed record JournalOptions(long SnapshotAfterBytes = JournalOptions.DefaultSnapshotAfterBytes, bool KeepPreviousSnapshot = false)
{
    public const long DefaultSnapshotAfterBytes = 64L * 1024 * 1024;

    public static JournalOptions Default { get; } = new();
}
