namespace RemoteCam.Relay.Persistence;

/// <summary>Placeholder until the journal lands: keeps nothing.</summary>
internal sealed class JournalLog(string directory, JournalOptions options) : IDurableLog
{
    private readonly MemoryLog _inner = new();

    public string Directory { get; } = directory;

    public JournalOptions Options { get; } = options;

    public bool SnapshotDue => _inner.SnapshotDue;

    public RecoveredState Recover() => _inner.Recover();

    public void Append(ReadOnlySpan<byte> record) => _inner.Append(record);

    public void Commit() => _inner.Commit();

    public Task SnapshotAsync(Action<Stream> writeState) => _inner.SnapshotAsync(writeState);

    public void Dispose() => _inner.Dispose();
}

internal sealed record JournalOptions
{
    public long SnapshotAfterBytes { get; init; } = 64L * 1024 * 1024;
}