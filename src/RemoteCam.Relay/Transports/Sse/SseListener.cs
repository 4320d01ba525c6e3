using System.Threading.Channels;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;
using RemoteCam.Relay.Engine;

namespace RemoteCam.Relay.Transports.Sse;

/// <summary>
/// One SSE stream: the engine's listener, encoding its events as SSE frames into a bounded
/// queue the endpoint sends from. Enqueueing never blocks: a client too slow to keep up
/// overflows its queue and is closed, and reconnects to a fresh snapshot, so it can never stall
/// writers or others.
/// </summary>
internal sealed class SseListener : IListener
{
    private readonly Channel<byte[]> _frames;
    private readonly long _maxQueuedBytes;
    private readonly CancellationTokenSource _overflowed = new();
    private long _queuedBytes;

    public SseListener(DataPath path, Identity who, bool export, int maxQueuedFrames, long maxQueuedBytes)
    {
        Path = path;
        Who = who;
        Export = export;
        _maxQueuedBytes = maxQueuedBytes;
        _frames = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(maxQueuedFrames)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public DataPath Path { get; }

    public Identity Who { get; }

    /// <summary>Events carry priorities (<c>format=export</c>).</summary>
    public bool Export { get; }

    public QuerySpec? Query => null;

    /// <summary>Why the stream ended early, if it did (overflow, cancel).</summary>
    public string? ClosedBecause { get; private set; }

    /// <summary>
    /// Cancelled when the client fell too far behind: its connection must then be dropped, not
    /// drained, since a client that does not read would otherwise hold the backlog forever.
    /// </summary>
    public CancellationToken Overflowed => _overflowed.Token;

    /// <summary>The first event: a <c>put</c> at <c>/</c> of the whole location.</summary>
    public void Start(Node? root) => TryEnqueue(SseFrames.Put(DataPath.Root, Tree.Get(root, Path), Export));

    public void Deliver(ChangeEvent change) => TryEnqueue(change.Encoded(Export ? SseFrames.Export : SseFrames.Plain));

    public void KeepAlive() => TryEnqueue(SseFrames.KeepAlive);

    public void End(ListenerEnd reason)
    {
        switch (reason)
        {
            case ListenerEnd.PermissionDenied:
                Close("cancel", SseFrames.PermissionDenied);
                break;
            case ListenerEnd.AuthExpired:
                Close("auth_revoked", SseFrames.AuthRevoked);
                break;
            default:
                Close("shutdown");
                break;
        }
    }

    public bool TryEnqueue(byte[] frame)
    {
        if (Interlocked.Add(ref _queuedBytes, frame.Length) > _maxQueuedBytes || !_frames.Writer.TryWrite(frame))
        {
            Close("overflow");
            if (!_overflowed.IsCancellationRequested)
            {
                // Callbacks (dropping the connection) run on the thread pool, never under the writer's lock.
                _ = Task.Run(_overflowed.Cancel);
            }

            return false;
        }

        return true;
    }

    /// <summary>Ends the stream after the frames already queued (and <paramref name="lastFrame"/>, if any).</summary>
    public void Close(string because, byte[]? lastFrame = null)
    {
        ClosedBecause ??= because;
        if (lastFrame is not null)
        {
            _frames.Writer.TryWrite(lastFrame);
        }

        _frames.Writer.TryComplete();
    }

    public bool TryDequeue(out byte[] frame)
    {
        if (_frames.Reader.TryRead(out frame!))
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            return true;
        }

        return false;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) =>
        _frames.Reader.WaitToReadAsync(cancellationToken);
}
