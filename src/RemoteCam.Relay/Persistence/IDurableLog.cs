namespace RemoteCam.Relay.Persistence;

/// <summary>
/// The durability seam between a database's single writer loop and the disk. The writer loop
/// appends one record per applied write, then calls <see cref="Commit"/> once per batch (group
/// commit: every write in the batch shares one fsync) before it acknowledges any of them.
/// Records are opaque bytes to the log (the database writes JSON).
/// </summary>
internal interface IDurableLog : IDisposable
{
    /// <summary>
    /// Reads what is on disk: the newest valid snapshot (or null) and, in order, every record
    /// committed after it. A torn or corrupted tail is dropped (and truncated away) so appends
    /// continue after the last good record. Called once, before any append.
    /// </summary>
    RecoveredState Recover();

    /// <summary>Buffers a record; it is not durable until <see cref="Commit"/> returns.</summary>
    void Append(ReadOnlySpan<byte> record);

    /// <summary>Writes every buffered record and fsyncs. Throws <see cref="IOException"/> on failure.</summary>
    void Commit();

    /// <summary>True when enough has been journaled since the last snapshot that a new one should be taken.</summary>
    bool SnapshotDue { get; }

    /// <summary>
    /// Starts a snapshot of the state as of the last commit: the journal switches to a new
    /// segment at once (cheap, on the writer loop) and the returned task writes the snapshot with
    /// <paramref name="writeState"/> in the background, fsyncs it, makes it current atomically and
    /// deletes the segments it covers. At most one snapshot runs at a time: while one runs,
    /// <see cref="SnapshotDue"/> is false.
    /// </summary>
    Task SnapshotAsync(Action<Stream> writeState);
}

/// <summary>The state found on disk at start-up.</summary>
/// <param name="Snapshot">The snapshot's bytes as written by the writeState callback, or null.</param>
/// <param name="Records">The records committed after the snapshot, oldest first.</param>
/// <param name="DroppedBytes">How many bytes of torn or corrupted journal tail were dropped.</param>
internal sealed record RecoveredState(byte[]? Snapshot, IReadOnlyList<byte[]> Records, long DroppedBytes);

/// <summary>A log that keeps nothing: for in-memory databases (no data directory).</summary>
internal sealed class MemoryLog : IDurableLog
{
    public bool SnapshotDue => false;

    public RecoveredState Recover() => new(null, [], 0);

    public void Append(ReadOnlySpan<byte> record)
    {
    }

    public void Commit()
    {
    }

    public Task SnapshotAsync(Action<Stream> writeState) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
