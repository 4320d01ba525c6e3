using System.Globalization;

namespace RemoteCam.Relay.Persistence;

/// <summary>
/// A durable log on local disk: an append-only journal split into numbered segments
/// (<c>journal-N.log</c>, see <see cref="RecordFormat"/>) plus snapshots (<c>snapshot-N.snap</c>,
/// see <see cref="SnapshotFile"/>) that replace every segment numbered below N.
/// The data directory is owned by one process at a time through an exclusive lock on <c>LOCK</c>.
/// All members except the snapshot's background work run on the database's single writer loop.
/// </summary>
internal sealed class JournalLog : IDurableLog
{
    private const string LockFileName = "LOCK";
    private const int InitialBufferSize = 64 * 1024;
    private const int MaxRetainedBufferSize = 4 * 1024 * 1024;

    private readonly string _directory;
    private readonly JournalOptions _options;
    private readonly FileStream _lock;
    private readonly List<string> _recoveryNotes = [];

    private byte[] _buffer = new byte[InitialBufferSize];
    private int _buffered;
    private JournalSegment? _segment;
    private long _bytesSinceSnapshot;
    private long _currentSnapshot; // 0: none
    private Task? _snapshotTask;
    private volatile bool _snapshotRunning;
    private Exception? _failure;
    private bool _disposed;

    public JournalLog(string directory, JournalOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SnapshotAfterBytes);

        _directory = Path.GetFullPath(directory);
        _options = options;
        CreateOwnerOnlyDirectory(_directory);
        _lock = AcquireLock(_directory);
    }

    /// <summary>The data directory (full path).</summary>
    public string DataDirectory => _directory;

    /// <summary>What recovery had to work around (a damaged snapshot it skipped, a tail it cut), for the log.</summary>
    public IReadOnlyList<string> RecoveryNotes => _recoveryNotes;

    public bool SnapshotDue => _segment is not null && !_snapshotRunning && _failure is null && _bytesSinceSnapshot >= _options.SnapshotAfterBytes;

    /// <summary>
    /// Loads the newest intact snapshot and replays the segments after it.
    /// <para>
    /// A torn or corrupt record in the newest segment is the expected result of a crash during a
    /// commit that was never acknowledged, so that tail is cut off and reported in
    /// <see cref="RecoveredState.DroppedBytes"/>. Damage anywhere else (in a segment followed by
    /// another one, or a missing segment) means acknowledged writes would be lost or replayed out
    /// of order, so recovery throws an <see cref="IOException"/> naming the file instead of
    /// starting with silently older data; an operator can then restore or move the files aside.
    /// </para>
    /// </summary>
    public RecoveredState Recover()
    {
        ThrowIfDisposed();
        if (_segment is not null)
        {
            throw new InvalidOperationException("Recover has already been called.");
        }

        DeleteLeftoverTempFiles();
        var segments = ListFiles(RecordFormat.TryParseSegmentFileName);
        var snapshots = ListFiles(SnapshotFile.TryParseFileName);

        var (snapshot, baseNumber) = ChooseSnapshot(snapshots, segments);
        var chain = segments.Where(n => n >= baseNumber).ToList();

        var records = new List<byte[]>();
        long dropped = 0;
        long journalBytes = 0;
        long validLengthOfLast = 0;
        for (var i = 0; i < chain.Count; i++)
        {
            var number = chain[i];
            var path = SegmentPath(number);
            var contents = JournalSegment.Read(path, number);
            var isLast = i == chain.Count - 1;
            if (contents.Problem is not null && (!isLast || !(contents.HeaderTorn || contents.ValidLength > 0)))
            {
                // Not the newest segment, or its header is intact but wrong (not a torn write).
                throw new IOException(
                    $"Journal segment '{path}' is damaged ({contents.Problem})"
                    + (isLast ? "." : $" and {chain.Count - 1 - i} newer segment(s) follow it, so acknowledged writes would be lost.")
                    + " Refusing to start; restore the data directory from a backup or move the damaged files aside.");
            }

            records.AddRange(contents.Records);
            journalBytes += contents.ValidLength;
            if (isLast)
            {
                validLengthOfLast = contents.ValidLength;
                dropped = contents.FileLength - contents.ValidLength;
                if (contents.Problem is not null)
                {
                    _recoveryNotes.Add(string.Create(CultureInfo.InvariantCulture, $"Dropped {dropped} byte(s) of unacknowledged journal tail in '{path}': {contents.Problem}."));
                }
            }
        }

        _segment = chain.Count == 0
            ? JournalSegment.Create(_directory, Math.Max(baseNumber, 1))
            : JournalSegment.OpenExisting(_directory, chain[^1], validLengthOfLast);
        if (dropped > 0)
        {
            DirectorySync.Flush(_directory);
        }

        _currentSnapshot = snapshot is null ? 0 : baseNumber;
        _bytesSinceSnapshot = journalBytes;
        return new RecoveredState(snapshot, records, dropped);
    }

    public void Append(ReadOnlySpan<byte> record)
    {
        ThrowIfUnusable();
        if (record.Length > RecordFormat.MaxRecordSize)
        {
            throw new ArgumentException($"A journal record may hold at most {RecordFormat.MaxRecordSize} bytes.", nameof(record));
        }

        var needed = (long)_buffered + RecordFormat.RecordHeaderSize + record.Length;
        if (needed > _buffer.Length)
        {
            if (needed > Array.MaxLength)
            {
                throw new InvalidOperationException("Too many bytes appended without a commit.");
            }

            Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _buffer.Length)));
        }

        RecordFormat.WriteRecordHeader(_buffer.AsSpan(_buffered), record);
        record.CopyTo(_buffer.AsSpan(_buffered + RecordFormat.RecordHeaderSize));
        _buffered = (int)needed;
    }

    public void Commit()
    {
        ThrowIfUnusable();
        if (_buffered == 0)
        {
            return;
        }

        try
        {
            _segment!.WriteAndSync(_buffer.AsSpan(0, _buffered));
        }
        catch (Exception ex)
        {
            // After a failed write or fsync the file may hold part of the batch, and the page cache
            // may have dropped dirty pages: writing more after it could put acknowledged records
            // behind garbage, which recovery would cut off. So the log refuses all further work.
            _failure = ex;
            throw new IOException($"Journal commit to '{_segment!.Path}' failed; the log is closed to further writes.", ex);
        }

        _bytesSinceSnapshot += _buffered;
        _buffered = 0;
        if (_buffer.Length > MaxRetainedBufferSize)
        {
            _buffer = new byte[InitialBufferSize];
        }
    }

    public Task SnapshotAsync(Action<Stream> writeState)
    {
        ArgumentNullException.ThrowIfNull(writeState);
        ThrowIfUnusable();
        if (_snapshotRunning)
        {
            throw new InvalidOperationException("A snapshot is already running.");
        }

        if (_buffered != 0)
        {
            // The snapshot must match the journal position exactly: buffered records belong to a
            // batch that the state handed to writeState may or may not contain.
            throw new InvalidOperationException("Commit before taking a snapshot.");
        }

        // Every record so far is committed to the current segment; the next ones go to a new
        // segment, which is where replay after this snapshot starts.
        var next = JournalSegment.Create(_directory, _segment!.Number + 1);
        _segment.Dispose();
        _segment = next;
        _bytesSinceSnapshot = 0;
        _snapshotRunning = true;

        var number = next.Number;
        var previous = _currentSnapshot;
        _snapshotTask = Task.Run(() =>
        {
            try
            {
                SnapshotFile.Write(_directory, number, writeState);
                _currentSnapshot = number;
                DeleteCoveredFiles(number, previous);
            }
            finally
            {
                _snapshotRunning = false;
            }
        });
        return _snapshotTask;
    }

    /// <summary>Closes the files and releases the directory lock; a running snapshot is waited for first.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _snapshotTask?.Wait();
        }
        catch (AggregateException)
        {
            // Its failure is reported to whoever awaits the snapshot task.
        }

        _segment?.Dispose();
        _lock.Dispose();
    }

    private (byte[]? Snapshot, long BaseNumber) ChooseSnapshot(List<long> snapshots, List<long> segments)
    {
        // Newest first; a snapshot is usable when it is intact and the segments from its number on
        // are all there. Without any usable snapshot, replay from segment 1 if it still exists.
        var problems = new List<string>();
        for (var i = snapshots.Count - 1; i >= 0; i--)
        {
            var number = snapshots[i];
            var path = Path.Combine(_directory, SnapshotFile.FileName(number));
            byte[] state;
            try
            {
                state = SnapshotFile.Read(path, number);
            }
            catch (InvalidDataException ex)
            {
                problems.Add($"'{path}': {ex.Message}");
                continue;
            }

            if (MissingSegment(segments, number) is { } missing)
            {
                problems.Add($"'{path}' is intact but journal segment {missing} after it is missing");
                continue;
            }

            if (problems.Count > 0)
            {
                _recoveryNotes.Add($"Skipped damaged snapshot(s), recovered from '{path}' and the journal after it: {string.Join("; ", problems)}.");
            }

            return (state, number);
        }

        var fromStart = MissingSegment(segments, 1);
        if (fromStart is null && (snapshots.Count == 0 || segments.Count > 0))
        {
            if (problems.Count > 0)
            {
                _recoveryNotes.Add($"Skipped damaged snapshot(s), replayed the whole journal instead: {string.Join("; ", problems)}.");
            }

            return (null, 1);
        }

        if (problems.Count == 0)
        {
            problems.Add($"there is no snapshot, and journal segment {fromStart} (the first one) is missing");
        }

        throw new IOException(
            $"Data directory '{_directory}' cannot be recovered without losing data: {string.Join("; ", problems)}."
            + " Restore it from a backup or move it aside to start empty.");
    }

    /// <summary>The first segment number missing from the run that must start at <paramref name="from"/>, or null.</summary>
    private static long? MissingSegment(List<long> segments, long from)
    {
        var expected = from;
        foreach (var number in segments.Where(n => n >= from))
        {
            if (number != expected)
            {
                return expected;
            }

            expected++;
        }

        return null;
    }

    /// <summary>Deletes what snapshot <paramref name="number"/> makes redundant (keeping one older generation if configured).</summary>
    private void DeleteCoveredFiles(long number, long previous)
    {
        var keepFrom = _options.KeepPreviousSnapshot && previous > 0 ? previous : number;
        foreach (var segment in ListFiles(RecordFormat.TryParseSegmentFileName).Where(n => n < keepFrom))
        {
            SnapshotFile.TryDelete(SegmentPath(segment));
        }

        foreach (var snapshot in ListFiles(SnapshotFile.TryParseFileName).Where(n => n < keepFrom))
        {
            SnapshotFile.TryDelete(Path.Combine(_directory, SnapshotFile.FileName(snapshot)));
        }
    }

    private void DeleteLeftoverTempFiles()
    {
        // Snapshots that were being written when the process stopped; never renamed, never used.
        foreach (var path in Directory.EnumerateFiles(_directory, "*" + SnapshotFile.TempSuffix))
        {
            SnapshotFile.TryDelete(path);
        }
    }

    private delegate bool FileNameParser(string fileName, out long number);

    private List<long> ListFiles(FileNameParser parse)
    {
        var numbers = new List<long>();
        foreach (var path in Directory.EnumerateFiles(_directory))
        {
            if (parse(Path.GetFileName(path), out var number))
            {
                numbers.Add(number);
            }
        }

        numbers.Sort();
        return numbers;
    }

    private string SegmentPath(long number) => Path.Combine(_directory, RecordFormat.SegmentFileName(number));

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void ThrowIfUnusable()
    {
        ThrowIfDisposed();
        if (_segment is null)
        {
            throw new InvalidOperationException("Call Recover before writing to the journal.");
        }

        if (_failure is not null)
        {
            throw new IOException("The journal failed earlier and accepts no more writes; restart to recover.", _failure);
        }
    }

    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        // The journal holds every value clients ever wrote: nobody else should read it.
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(directory, ownerOnly);
        if (File.GetUnixFileMode(directory) != ownerOnly)
        {
            File.SetUnixFileMode(directory, ownerOnly);
        }
    }

    private static FileStream AcquireLock(string directory)
    {
        var path = Path.Combine(directory, LockFileName);
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None, // an exclusive flock on Unix, a sharing-mode lock on Windows
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, options);
        }
        catch (IOException ex)
        {
            throw new IOException($"The data directory '{directory}' is in use by another relay process (cannot lock '{path}').", ex);
        }

        try
        {
            // The owner's process id, for whoever wonders who holds the lock.
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return stream;
    }
}
