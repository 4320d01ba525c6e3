using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Engine;

/// <summary>
/// The database's two threads. The writer applies batches in order, journals them into records
/// and publishes them at once, then hands them to the committer, which fsyncs once for every
/// batch waiting (group commit) and only then acknowledges their writes.
/// </summary>
internal sealed partial class Database
{
    private const int MaxBatch = 512;

    private readonly Channel<CommitJob> _commits = Channel.CreateBounded<CommitJob>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });

    /// <summary>
    /// The writer thread. It never waits for the disk, so a write arriving during an fsync is
    /// applied and delivered without waiting for it.
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
            var root = _feed.Root;
            var now = NowMs;
            foreach (var pending in batch)
            {
                var (outcome, newRoot, change) = _applier.Apply(pending.Command, root, now);
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
                // Readers and listeners see the batch at once; writers hear back only after its
                // commit. The journal is sequential, so any write acknowledged later (including
                // one made by a client that saw this batch) is durable together with it.
                _feed.Publish(root, applied);
            }

            job.Root = root;
            // Bounded: when the disk falls behind, the writer waits here rather than growing memory.
            _commits.Writer.WriteAsync(job).AsTask().GetAwaiter().GetResult();
        }

        _commits.Writer.TryComplete();
    }

    /// <summary>The committer thread; all calls to the log happen on it.</summary>
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
                foreach (var pending in job.Batch)
                {
                    pending.Completion.TrySetResult(pending.Outcome!);
                }
            }
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

    private sealed class PendingWrite(WriteCommand command)
    {
        public WriteCommand Command { get; } = command;

        public TaskCompletionSource<WriteOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public WriteOutcome? Outcome { get; set; }
    }

    /// <summary>A batch on its way from the writer to the committer.</summary>
    private sealed class CommitJob(List<PendingWrite> batch)
    {
        public List<PendingWrite> Batch { get; } = batch;

        public List<byte[]> Records { get; } = [];

        /// <summary>The state after this batch: what a snapshot taken after its commit holds.</summary>
        public Node? Root { get; set; }
    }
}
