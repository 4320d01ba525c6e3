using System.Threading.Channels;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;
using RemoteCam.Relay.Persistence;

namespace RemoteCam.Relay.Engine;

/// <summary>
/// One database (namespace): the part every transport talks to. Writes are queued to a single
/// writer loop (Database.Loops.cs) that applies them in order (<see cref="WriteApplier"/>),
/// publishes them to readers and listeners (<see cref="ChangeFeed"/>) and hands them to a
/// committer that fsyncs once per group of batches before any write of them is acknowledged.
/// Readers take the published root without locks. The engine knows no wire format: listeners
/// get neutral <see cref="ChangeEvent"/>s and their transport encodes them.
/// </summary>
internal sealed partial class Database : IDisposable
{
    private readonly IDurableLog _log;
    private readonly Func<IAccessPolicy> _policy;
    private readonly TimeProvider _time;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly WriteApplier _applier;
    private readonly ChangeFeed _feed;
    private readonly Thread _writer;
    private readonly Thread _committer;
    private Task _snapshot = Task.CompletedTask;

    public Database(string name, IDurableLog log, Func<IAccessPolicy> policy, TimeProvider time)
    {
        Name = name;
        _log = log;
        _policy = policy;
        _time = time;
        _applier = new WriteApplier(policy);
        _feed = new ChangeFeed((who, path, root, query) => CanRead(who, path, root, query));
        Recovered = Recover();
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = $"relay writer {name}" };
        _committer = new Thread(CommitLoop) { IsBackground = true, Name = $"relay committer {name}" };
        _committer.Start();
        _writer.Start();
    }

    public string Name { get; }

    /// <summary>What start-up found on disk (for the log line).</summary>
    public RecoveredState Recovered { get; }

    /// <summary>The last published state (applied; durable or about to be).</summary>
    public Node? Root => _feed.Root;

    /// <summary>Open listeners of every transport.</summary>
    public int StreamCount => _feed.Count;

    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public bool CanRead(Identity who, DataPath path, Node? root, QuerySpec? query = null) =>
        who.IsAdmin || _policy().CanRead(who, path, root, NowMs, query);

    /// <summary>Queues a write; the task completes once it is durable (or refused).</summary>
    public Task<WriteOutcome> WriteAsync(WriteCommand command)
    {
        var pending = new PendingWrite(command);
        if (!_queue.Writer.TryWrite(pending))
        {
            return Task.FromResult(new WriteOutcome(WriteStatus.Unavailable, Error: "The database is shutting down."));
        }

        return pending.Completion.Task;
    }

    /// <summary>
    /// What <paramref name="command"/> would do if applied now, without applying it: for checks
    /// made ahead of a write (onDisconnect operations are checked when queued and when run).
    /// </summary>
    public WriteOutcome Try(WriteCommand command) => new WriteApplier(_policy).Apply(command, Root, NowMs).Outcome;

    /// <summary>Registers a listener and gives it its first state; false if the identity may not read there.</summary>
    public bool Subscribe(IListener listener) => _feed.Subscribe(listener);

    public void Unsubscribe(IListener listener) => _feed.Unsubscribe(listener);

    /// <inheritdoc cref="ChangeFeed.Tick"/>
    public void Tick(long nowSeconds, bool keepAlive) => _feed.Tick(nowSeconds, keepAlive);

    /// <inheritdoc cref="ChangeFeed.Recheck"/>
    public void RecheckStreams(int rulesVersion) => _feed.Recheck(rulesVersion);

    /// <summary>Ends every open listener (at shutdown).</summary>
    public void CloseStreams() => _feed.CloseAll();

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

        _feed.Initialize(root);
        return state;
    }
}
