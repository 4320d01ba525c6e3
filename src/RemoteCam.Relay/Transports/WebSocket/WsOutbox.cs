using System.Net.WebSockets;
using System.Threading.Channels;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>
/// A connection's bounded queue of messages to send, and the loop that sends them. The write
/// engine and the session only enqueue, which never blocks: a client that cannot keep up
/// overflows the queue (messages or bytes) and its connection is dropped, so it never stalls
/// writers nor holds memory without bound. Query listens enqueue a request to recompute their
/// window in a given root instead of a message, so that work happens here, off the writer's thread.
/// </summary>
internal sealed class WsOutbox
{
    /// <summary>Firebase's frame size: longer messages go as a frame count, then the pieces.</summary>
    public const int MaxFrameChars = 16384;

    private readonly Action<byte[]>? _sent;
    private readonly Channel<Outgoing> _items;
    private readonly long _maxBytes;
    private readonly CancellationTokenSource _overflowed = new();
    private long _bytes;

    /// <param name="sent">Told of every message once it is on the socket (usage statistics).</param>
    public WsOutbox(int maxMessages, long maxBytes, Action<byte[]>? sent = null)
    {
        _sent = sent;
        _maxBytes = maxBytes;
        _items = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(maxMessages)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Cancelled when the queue overflowed: the connection must then be dropped.</summary>
    public CancellationToken Overflowed => _overflowed.Token;

    public bool TryEnqueue(byte[] message) => TryEnqueue(new Outgoing(message, null, null), message.Length);

    /// <summary>Asks the sender to compute a query listen's window in <paramref name="root"/> and send it if it changed.</summary>
    public bool TryEnqueueRecompute(WsListen listen, Data.Node? root) => TryEnqueue(new Outgoing(null, listen, root), 0);

    /// <summary>No more messages: the sender ends after those queued.</summary>
    public void Complete() => _items.Writer.TryComplete();

    /// <summary>Sends until completed, the socket fails or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(System.Net.WebSockets.WebSocket socket, CancellationToken cancellationToken)
    {
        var reader = _items.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var item))
            {
                var message = item.Message ?? item.Recompute!.WindowChange(item.Root);
                if (item.Message is not null)
                {
                    Interlocked.Add(ref _bytes, -message!.Length);
                }

                if (message is not null)
                {
                    await SendAsync(socket, message, cancellationToken);
                    _sent?.Invoke(message);
                }
            }
        }
    }

    private bool TryEnqueue(Outgoing item, int bytes)
    {
        if (Interlocked.Add(ref _bytes, bytes) > _maxBytes || !_items.Writer.TryWrite(item))
        {
            _items.Writer.TryComplete();
            if (!_overflowed.IsCancellationRequested)
            {
                // Callbacks (dropping the connection) run on the thread pool, never under the writer's lock.
                _ = Task.Run(_overflowed.Cancel);
            }

            return false;
        }

        return true;
    }

    /// <summary>One message, as one frame or as a frame count and then pieces of at most <see cref="MaxFrameChars"/> UTF-16 units.</summary>
    private static async Task SendAsync(System.Net.WebSockets.WebSocket socket, byte[] message, CancellationToken cancellationToken)
    {
        if (message.Length <= MaxFrameChars)
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            return;
        }

        var pieces = WsFraming.Split(message, MaxFrameChars);
        if (pieces.Count == 1)
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            return;
        }

        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(pieces.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        foreach (var piece in pieces)
        {
            await socket.SendAsync(piece, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
    }

    private readonly record struct Outgoing(byte[]? Message, WsListen? Recompute, Data.Node? Root);
}
