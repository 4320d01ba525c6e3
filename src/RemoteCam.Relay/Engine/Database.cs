using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;
using RemoteCam.Relay.Persistence;
using RemoteCam.Relay.Streaming;

namespace RemoteCam.Relay.Engine;

/// <summary>
/// One database (namespace). All writes go through a single writer loop: a batch of writes is
/// applied in order to an immutable tree, journaled and published to readers and streams, then
/// fsynced once (group commit) before any write of it is acknowledged. Readers take the published root without
/// locks; streams are registered under the same lock that publishes, so a stream's first event
/// and the events after it never miss or repeat a write.
/// </summary>
internal sealed class Database : IDisposable
{
    private const int MaxBatch = 512;

    private readonly IDurableLog _log;
    private readonly Func<IAccessPolicy> _policy;
    private readonly TimeProvider _time;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _publishGate = new();
    private readonly ListenerTree _listeners = new();
    private readonly PushIds _pushIds = new();
    private readonly Thread _writer;
    private readonly Thread _committer;
    private readonly Channel<CommitJob> _commits = Channel.CreateBounded<CommitJob>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
    private Node? _root;
    private Node? _checkedRoot;
    private bool _closing;
    private int _checkedRulesVersion;
    private Task _snapshot = Task.CompletedTask;

    public Database(string name, IDurableLog log, Func<IAccessPolicy> policy, TimeProvider time)
    {
        Name = name;
        _log = log;
        _policy = policy;
        _time = time;
        Recovered = Recover();
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = $"relay writer {name}" };
        _committer = new Thread(CommitLoop) { IsBackground = true, Name = $"relay committer {name}" };
        _committer.Start();
        _writer.Start();
    }

    public string Name { get; }

    /// <summary>What start-up found on disk (for the log line).</summary>
    public RecoveredState Recovered { get; }

    /// <summary>The last durable, published state.</summary>
    public Node? Root => Volatile.Read(ref _root);

    public int StreamCount
    {
        get
        {
            lock (_publishGate)
            {
                return _listeners.Count;
            }
        }
    }

    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public bool CanRead(Identity who, DataPath path, Node? root, QuerySpec? query = null) =>
        who.IsAdmin || _policy().CanRead(who, path, root, NowMs, query);

    public Task<WriteOutcome> WriteAsync(WriteCommand command)
    {
        var pending = new PendingWrite(command);
        if (!_queue.Writer.TryWrite(pending))
        {
            return Task.FromResult(new WriteOutcome(WriteStatus.Unavailable, Error: "The database is shutting down."));
        }

        return pending.Completion.Task;
    }

    /// <summary>Registers a stream and queues its first <c>put</c>; false if the identity may not read there.</summary>
    public bool Subscribe(EventStream stream)
    {
        lock (_publishGate)
        {
            var root = _root;
            if (!CanRead(stream.Who, stream.Path, root))
            {
                return false;
            }

            stream.TryEnqueue(SseFrames.Put(DataPath.Root, Tree.Get(root, stream.Path), stream.Export));
            if (_closing)
            {
                // Shutting down: answer with the snapshot and end, so stopping never waits on it.
                stream.Close("shutdown");
                return true;
            }

            _listeners.Add(stream);
            return true;
        }
    }

    public void Unsubscribe(EventStream stream)
    {
        lock (_publishGate)
        {
            _listeners.Remove(stream);
        }
    }

    /// <summary>
    /// Periodic work on open streams: a stream whose token has expired gets <c>auth_revoked</c>
    /// and is closed; with <paramref name="keepAlive"/>, the others get a <c>keep-alive</c>.
    /// </summary>
    public void Tick(long nowSeconds, bool keepAlive)
    {
        lock (_publishGate)
        {
            _listeners.ForEach(s =>
            {
                if (s.Who.ExpiresAtSeconds > 0 && s.Who.ExpiresAtSeconds <= nowSeconds)
                {
                    s.Close("auth_revoked", SseFrames.AuthRevoked);
                }
                else if (keepAlive)
                {
                    s.TryEnqueue(SseFrames.KeepAlive);
                }
            });
        }
    }

    /// <summary>
    /// Checks open streams again after rules or data changed (rules may read any data, so any
    /// change counts): a listener that lost read access gets <c>cancel</c> and is closed.
    /// Called about once a second, doing nothing when neither changed since the last check.
    /// </summary>
    public void RecheckStreams(int rulesVersion)
    {
        lock (_publishGate)
        {
            var root = _root;
            if (ReferenceEquals(root, _checkedRoot) && rulesVersion == _checkedRulesVersion)
            {
                return;
            }

            _checkedRoot = root;
            _checkedRulesVersion = rulesVersion;
            _listeners.ForEach(s =>
            {
                if (!CanRead(s.Who, s.Path, root))
                {
                    s.Close("cancel", SseFrames.PermissionDenied);
                }
            });
        }
    }

    /// <summary>Ends every open stream (at shutdown).</summary>
    public void CloseStreams()
    {
        lock (_publishGate)
        {
            _closing = true;
            _listeners.ForEach(s => s.Close("shutdown"));
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Join();
        _committer.Join();
        CloseStreams();

        try
        {
            _snapshot.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // A failed snapshot leaves the journal in force; nothing is lost.
        }

        _log.Dispose();
    }

    private RecoveredState Recover()
    {
        var state = _log.Recover();
        Node? root = null;
        if (state.Snapshot is { } snapshot && !JsonTree.TryParse(snapshot, 0, out root, out var error))
        {
            throw new InvalidDataException($"Database '{Name}': the snapshot cannot be read: {error}");
        }

        foreach (var record in state.Records)
        {
            root = JournalRecords.Replay(root, record);
        }

        _root = root;
        return state;
    }

    /// <summary>
    /// The writer thread: applies batches in order, journals them into records and publishes
    /// them at once, then hands them to the committer. It never waits for the disk, so a write
    /// arriving during an fsync is applied and delivered without waiting for it.
    /// </summary>
    private void WriterLoop()
    {
        var reader = _queue.Reader;
        var record = new ArrayBufferWriter<byte>(4096);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            var batch = new List<PendingWrite>();
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            var job = new CommitJob(batch);
            var applied = new List<Applied>();
            var root = _root;
            var now = NowMs;
            foreach (var pending in batch)
            {
                var (outcome, newRoot, change) = Apply(pending.Command, root, now);
                pending.Outcome = outcome;
                if (change is null)
                {
                    continue;
                }

                record.ResetWrittenCount();
                JournalRecords.Write(record, change);
                job.Records.Add(record.WrittenSpan.ToArray());
                applied.Add(new Applied(change, root, newRoot));
                root = newRoot;
            }

            if (applied.Count > 0)
            {
                // Readers and streams see the batch at once; writers hear back only after its
                // commit. The journal is sequential, so any write acknowledged later (including
                // one made by a client that saw this batch) is durable together with it.
                Publish(root, applied);
            }

            job.Root = root;
            // Bounded: when the disk falls behind, the writer waits here rather than growing memory.
            _commits.Writer.WriteAsync(job).AsTask().GetAwaiter().GetResult();
        }

        _commits.Writer.TryComplete();
    }

    /// <summary>
    /// The committer thread: journals every batch waiting, fsyncs once for all of them (group
    /// commit), then acknowledges their writes. All calls to the log happen on this thread.
    /// </summary>
    private void CommitLoop()
    {
        var reader = _commits.Reader;
        var jobs = new List<CommitJob>();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            jobs.Clear();
            while (reader.TryRead(out var job))
            {
                jobs.Add(job);
            }

            try
            {
                foreach (var job in jobs)
                {
                    foreach (var bytes in job.Records)
                    {
                        _log.Append(bytes);
                    }
                }

                _log.Commit();
                MaybeSnapshot(jobs[^1].Root);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                // Nothing of these batches is acknowledged. A log that failed refuses further
                // writes, so the database answers 503 until the disk is fixed and it restarts.
                foreach (var pending in jobs.SelectMany(j => j.Batch))
                {
                    pending.Outcome = new WriteOutcome(WriteStatus.Unavailable, Error: "The write could not be made durable: " + e.Message);
                }
            }

            foreach (var job in jobs)
            {
                Complete(job.Batch);
            }
        }
    }

    private static void Complete(List<PendingWrite> batch)
    {
        foreach (var pending in batch)
        {
            pending.Completion.TrySetResult(pending.Outcome!);
        }
    }

    private void MaybeSnapshot(Node? root)
    {
        if (!_snapshot.IsCompleted || !_log.SnapshotDue)
        {
            return;
        }

        _snapshot = _log.SnapshotAsync(stream =>
        {
            using var writer = new Utf8JsonWriter(stream, JsonTree.WriterOptions);
            JsonTree.Write(writer, root, export: true);
        });
    }

    private (WriteOutcome Outcome, Node? Root, Change? Change) Apply(WriteCommand command, Node? root, long now)
    {
        switch (command)
        {
            case SetCommand set:
                {
                    var current = Tree.Get(root, set.Path);
                    if (set.IfMatch is { } ifMatch && !ETags.Matches(ifMatch, current))
                    {
                        return (new WriteOutcome(WriteStatus.PreconditionFailed, current, ETag: ETags.Of(current)), root, null);
                    }

                    var value = ServerValues.Resolve(set.Value, current, now);
                    var newRoot = Tree.Set(root, set.Path, value);
                    if (!Allowed(command.Who, set.Path, root, newRoot, now))
                    {
                        return (Denied, root, null);
                    }

                    var etag = set.IfMatch is null ? null : ETags.Of(value);
                    return (new WriteOutcome(WriteStatus.Ok, value, ETag: etag), newRoot, new Change(set.Path, value, null));
                }

            case PushCommand push:
                {
                    var name = _pushIds.Next(now);
                    var path = push.Path.Child(name);
                    var value = ServerValues.Resolve(push.Value, null, now);
                    var newRoot = Tree.Set(root, path, value);
                    if (!Allowed(command.Who, path, root, newRoot, now))
                    {
                        return (Denied, root, null);
                    }

                    return (new WriteOutcome(WriteStatus.Ok, value, Name: name), newRoot, new Change(path, value, null));
                }

            case UpdateCommand update:
                {
                    var resolved = new List<KeyValuePair<DataPath, Node?>>(update.Children.Count);
                    foreach (var (relative, value) in update.Children)
                    {
                        resolved.Add(new(relative, ServerValues.Resolve(value, Tree.Get(root, update.Path.Concat(relative)), now)));
                    }

                    var newRoot = Tree.Update(root, update.Path, resolved);
                    foreach (var (relative, _) in resolved)
                    {
                        if (!Allowed(command.Who, update.Path.Concat(relative), root, newRoot, now))
                        {
                            return (Denied, root, null);
                        }
                    }

                    var echo = JsonTree.Object(resolved.Select(c => new KeyValuePair<string, Node?>(string.Join('/', c.Key.Keys), c.Value)));
                    return (new WriteOutcome(WriteStatus.Ok, echo), newRoot, new Change(update.Path, null, resolved));
                }

            case SetPriorityCommand priority:
                {
                    var current = Tree.Get(root, priority.Path);
                    if (current is null)
                    {
                        return (new WriteOutcome(WriteStatus.Ok, null), root, null);
                    }

                    var value = current.WithPriority(priority.Priority);
                    var newRoot = Tree.Set(root, priority.Path, value);
                    if (!Allowed(command.Who, priority.Path, root, newRoot, now))
                    {
                        return (Denied, root, null);
                    }

                    return (new WriteOutcome(WriteStatus.Ok, value), newRoot, new Change(priority.Path, value, null));
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(command));
        }
    }

    private static WriteOutcome Denied => new(WriteStatus.PermissionDenied, Error: "Permission denied");

    private bool Allowed(Identity who, DataPath path, Node? root, Node? newRoot, long now) =>
        who.IsAdmin || _policy().CanWrite(who, path, root, newRoot, now);

    private void Publish(Node? root, List<Applied> applied)
    {
        lock (_publishGate)
        {
            Volatile.Write(ref _root, root);
            if (_listeners.Count == 0)
            {
                return;
            }

            foreach (var change in applied)
            {
                Dispatch(change);
            }
        }
    }

    /// <summary>
    /// Turns one applied change into events: listeners at or above the written location get a
    /// put (or patch) at the relative path; listeners below it get a put of their new value.
    /// </summary>
    private void Dispatch(Applied applied)
    {
        var change = applied.Change;
        _listeners.ForEachAtOrAbove(change.Path, (listened, streams) =>
        {
            var relative = change.Path.RelativeTo(listened);
            byte[]? plain = null, export = null;
            foreach (var stream in streams)
            {
                var frame = stream.Export
                    ? export ??= Frame(relative, change, true)
                    : plain ??= Frame(relative, change, false);
                stream.TryEnqueue(frame);
            }
        });

        _listeners.ForEachBelow(change.Path, (listened, streams) =>
        {
            var after = Tree.Get(applied.After, listened);
            if (ReferenceEquals(after, Tree.Get(applied.Before, listened)))
            {
                return;
            }

            byte[]? plain = null, export = null;
            foreach (var stream in streams)
            {
                var frame = stream.Export
                    ? export ??= SseFrames.Put(DataPath.Root, after, true)
                    : plain ??= SseFrames.Put(DataPath.Root, after, false);
                stream.TryEnqueue(frame);
            }
        });
    }

    private static byte[] Frame(DataPath relative, Change change, bool export) =>
        change.Children is null
            ? SseFrames.Put(relative, change.Value, export)
            : SseFrames.Patch(relative, change.Children, export);

    private sealed class PendingWrite(WriteCommand command)
    {
        public WriteCommand Command { get; } = command;

        public TaskCompletionSource<WriteOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public WriteOutcome? Outcome { get; set; }
    }

    private sealed record Applied(Change Change, Node? Before, Node? After);

    /// <summary>A batch on its way from the writer to the committer.</summary>
    private sealed class CommitJob(List<PendingWrite> batch)
    {
        public List<PendingWrite> Batch { get; } = batch;

        public List<byte[]> Records { get; } = [];

        /// <summary>The state after this batch: what a snapshot taken after its commit holds.</summary>
        public Node? Root { get; set; }
    }
}

/// <summary>A resolved change: a value set at a path, or (with children) a multi-path update.</summary>
internal sealed record Change(DataPath Path, Node? Value, IReadOnlyList<KeyValuePair<DataPath, Node?>>? Children);
