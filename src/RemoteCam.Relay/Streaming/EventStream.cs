using System.Threading.Channels;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Streaming;

/// <summary>
/// One listener: a bounded queue of ready-to-send SSE frames. The writer loop only ever calls
/// <see cref="TryEnqueue"/>, which never blocks: a client too slow to keep up overflows its queue
/// and is closed, and reconnects to a fresh snapshot, so it can never stall writers or others.
/// </summary>
internal sealed class EventStream
{
    private readonly Channel<byte[]> _frames;
    private readonly long _maxQueuedBytes;
    private long _queuedBytes;

    public EventStream(DataPath path, Identity who, bool export, int maxQueuedFrames, long maxQueuedBytes)
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

    /// <summary>Why the stream ended early, if it did (overflow, cancel).</summary>
    public string? ClosedBecause { get; private set; }

    public bool TryEnqueue(byte[] frame)
    {
        if (Interlocked.Add(ref _queuedBytes, frame.Length) > _maxQueuedBytes || !_frames.Writer.TryWrite(frame))
        {
            Close("overflow");
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
