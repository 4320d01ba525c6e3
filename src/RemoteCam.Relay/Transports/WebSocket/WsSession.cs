using System.Net;
using System.Net.WebSockets;
using System.Text.Json;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Engine;
using RemoteCam.Relay.Http;
using RemoteCam.Relay.Rules;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>What a session needs from the relay: its database, where its onDisconnect queue lives, and the bounds.</summary>
internal sealed record WsSessionContext(
    Database Database,
    OnDisconnectStore OnDisconnect,
    Authentication Authentication,
    Func<RuleSet?> Rules,
    WsLimits Limits,
    IPAddress? Remote,
    string Host,
    Usage.UsageMeter Usage);

/// <summary>The per-connection bounds (docs/relay.md, "WebSocket protocol").</summary>
internal sealed record WsLimits(int MaxListens, int MaxMessageBytes, int MaxQueuedMessages, long MaxQueuedBytes);

/// <summary>
/// One realtime connection (<c>/.ws?v=5</c>): the handshake, the read loop (Firebase's framing,
/// keep-alives, pings), the requests (WsSession.Actions.cs), its listens (WsSession.Listens.cs)
/// and, when it ends for any reason, its onDisconnect queue.
/// </summary>
internal sealed partial class WsSession
{
    private readonly WsSessionContext _context;
    private readonly CancellationTokenSource _ended = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Identity _who = Identity.Anonymous;
    private Task _sending = Task.CompletedTask;

    public WsSession(string id, WsSessionContext context)
    {
        Id = id;
        _context = context;
        Outbox = new WsOutbox(context.Limits.MaxQueuedMessages, context.Limits.MaxQueuedBytes, message => WsUsage.Sent(context.Usage, context.Database.Name, message));
    }

    /// <summary>The session id sent in the handshake; a reconnecting client names it in <c>ls</c>.</summary>
    public string Id { get; }

    public WsOutbox Outbox { get; }

    public Identity Who => Volatile.Read(ref _who);

    private Database Database => _context.Database;

    /// <summary>Completes once the session has ended and its onDisconnect queue ran.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Ends the session from outside (a reconnect naming it in <c>ls</c>, or shutdown).</summary>
    public void Terminate() => _ended.Cancel();

    /// <summary>Serves the connection until it closes, fails, is dropped as too slow or is terminated; then runs onDisconnect.</summary>
    public async Task RunAsync(System.Net.WebSockets.WebSocket socket, CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _ended.Token, Outbox.Overflowed);
        var token = linked.Token;
        Outbox.TryEnqueue(WsFrames.Handshake(Database.NowMs, _context.Host, Id));
        _sending = Outbox.RunAsync(socket, token);
        try
        {
            await ReadAsync(socket, token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away, stopped answering pings, fell too far behind, or was replaced.
        }
        finally
        {
            UnlistenAll();
            Outbox.Complete();
            await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "", token);
            await RunOnDisconnectAsync();
            _finished.TrySetResult();
        }
    }

    private async Task ReadAsync(System.Net.WebSockets.WebSocket socket, CancellationToken token)
    {
        var limit = _context.Limits.MaxMessageBytes;
        var frame = new MemoryStream();
        var message = new MemoryStream();
        var framesLeft = 0;
        var buffer = new byte[16 * 1024];
        while (true)
        {
            frame.SetLength(0);
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    await RefuseAsync(socket, WebSocketCloseStatus.InvalidMessageType, "Binary frames are not part of the protocol.", token);
                    return;
                }

                frame.Write(buffer, 0, result.Count);
                if (frame.Length + message.Length > limit)
                {
                    await RefuseAsync(socket, WebSocketCloseStatus.MessageTooBig, $"A message may be at most {limit} bytes.", token);
                    return;
                }
            }
            while (!result.EndOfMessage);

            var bytes = frame.GetBuffer().AsSpan(0, (int)frame.Length);
            if (framesLeft == 0 && WsFraming.TryCount(bytes, out var count))
            {
                framesLeft = count; // 0 is the SDK's keep-alive: nothing follows
                message.SetLength(0);
                continue;
            }

            if (framesLeft > 0)
            {
                message.Write(bytes);
                if (--framesLeft > 0)
                {
                    continue;
                }

                bytes = message.GetBuffer().AsSpan(0, (int)message.Length);
            }

            if (!Handle(bytes, out var error))
            {
                await RefuseAsync(socket, WebSocketCloseStatus.ProtocolError, error, token);
                return;
            }

            message.SetLength(0);
        }
    }

    /// <summary>One whole message: a control message (<c>t:"c"</c>) or a request (<c>t:"d"</c>); false when it is neither.</summary>
    private bool Handle(ReadOnlySpan<byte> bytes, out string error)
    {
        error = "";
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 256 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            error = "Invalid message: not JSON.";
            return false;
        }

        using (document)
        {
            var envelope = document.RootElement;
            if (envelope.ValueKind != JsonValueKind.Object
                || !envelope.TryGetProperty("t", out var type) || type.ValueKind != JsonValueKind.String
                || !envelope.TryGetProperty("d", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                error = "Invalid message: expected {\"t\":\"c\"|\"d\",\"d\":{…}}.";
                return false;
            }

            switch (type.GetString())
            {
                case "c":
                    // The SDK's ping; other control messages (upgrade signals) need no answer.
                    if (data.TryGetProperty("t", out var control) && control.ValueKind == JsonValueKind.String && control.GetString() == "p")
                    {
                        Outbox.TryEnqueue(WsFrames.Pong);
                    }

                    return true;
                case "d":
                    WsUsage.Received(_context.Usage, Database.Name, data, bytes.Length);
                    return TryRequest(data, out error);
                default:
                    error = $"Invalid message type \"{type.GetString()}\".";
                    return false;
            }
        }
    }

    /// <summary>Says why in a control error message (which the SDKs log) and closes with <paramref name="status"/>.</summary>
    private async Task RefuseAsync(System.Net.WebSockets.WebSocket socket, WebSocketCloseStatus status, string reason, CancellationToken token)
    {
        Outbox.TryEnqueue(WsFrames.ControlError(reason));
        await CloseAsync(socket, status, reason, token);
    }

    /// <summary>Lets the sender finish what is queued (briefly), then closes the socket if it is still open.</summary>
    private async Task CloseAsync(System.Net.WebSockets.WebSocket socket, WebSocketCloseStatus status, string reason, CancellationToken token)
    {
        Outbox.Complete();
        try
        {
            await _sending.WaitAsync(TimeSpan.FromSeconds(2), token);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                // A close reason is at most 123 bytes.
                var text = reason.Length > 100 ? reason[..100] : reason;
                await socket.CloseOutputAsync(status, text, token).WaitAsync(TimeSpan.FromSeconds(2), token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or TimeoutException)
        {
            // Gone already: nothing left to close politely.
        }
    }
}
