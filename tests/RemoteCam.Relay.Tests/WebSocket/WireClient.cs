using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace RemoteCam.Relay.Tests.WebSocket;

/// <summary>
/// A bare client of the relay's <c>/.ws</c> protocol over <see cref="ClientWebSocket"/>, to test the
/// wire itself (frames as sent, counts, control messages) where the SDKs hide it. It never pings on
/// its own, and answers the relay's pings only while a receive is pending, as any WebSocket does.
/// </summary>
public sealed class WireClient : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket = new();
    private long _next;

    private WireClient()
    {
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public WebSocketState State => _socket.State;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<WireClient> ConnectAsync(Uri relay, string query, System.Net.Security.RemoteCertificateValidationCallback? trust = null, string? origin = null)
    {
        var client = new WireClient();
        client._socket.Options.RemoteCertificateValidationCallback = trust;
        if (origin is not null)
        {
            client._socket.Options.SetRequestHeader("Origin", origin);
        }

        var uri = new UriBuilder(relay) { Scheme = relay.Scheme == "https" ? "wss" : "ws", Path = "/.ws", Query = query }.Uri;
        await client._socket.ConnectAsync(uri, new CancellationTokenSource(Wait).Token);
        return client;
    }

    /// <summary>Connects and reads the handshake; returns the client and the handshake's <c>d</c>.</summary>
    public static async Task<(WireClient Client, JsonNode Handshake)> OpenAsync(
        Uri relay, string ns, string extra = "", System.Net.Security.RemoteCertificateValidationCallback? trust = null, string? origin = null)
    {
        var client = await ConnectAsync(relay, $"v=5&ns={ns}{extra}", trust, origin);
        var hello = JsonNode.Parse(await client.ReceiveMessageAsync())!;
        Assert.Equal("c", hello["t"]!.GetValue<string>());
        Assert.Equal("h", hello["d"]!["t"]!.GetValue<string>());
        return (client, hello["d"]!["d"]!);
    }

    /// <summary>One WebSocket message as received (a frame of the protocol), or null when the relay closed.</summary>
    public async Task<string?> ReceiveFrameAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Wait);
        var buffer = new byte[64 * 1024];
        using var frame = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, cancel.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            frame.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(frame.ToArray());
    }

    /// <summary>True when the relay closed or dropped the connection (rather than sending something).</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            return await ReceiveFrameAsync() is null;
        }
        catch (WebSocketException)
        {
            return true;
        }
    }

    /// <summary>One protocol message: a frame, or a count frame and that many pieces joined.</summary>
    public async Task<string> ReceiveMessageAsync(TimeSpan? timeout = null)
    {
        var frame = await ReceiveFrameAsync(timeout) ?? throw new InvalidOperationException($"The relay closed the connection ({CloseStatus}).");
        if (frame.Length > 6 || !int.TryParse(frame, out var count))
        {
            return frame;
        }

        var message = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            message.Append(await ReceiveFrameAsync(timeout));
        }

        return message.ToString();
    }

    /// <summary>Receives until a response to request <paramref name="r"/> arrives; pushes before it are returned too.</summary>
    public async Task<(JsonNode Response, List<JsonNode> Pushes)> ResponseAsync(long r)
    {
        var pushes = new List<JsonNode>();
        while (true)
        {
            var message = JsonNode.Parse(await ReceiveMessageAsync())!;
            if (message["t"]!.GetValue<string>() == "d" && message["d"]!["r"] is { } number && number.GetValue<long>() == r)
            {
                return (message["d"]!["b"]!, pushes);
            }

            pushes.Add(message);
        }
    }

    public Task SendAsync(string frame) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, endOfMessage: true, new CancellationTokenSource(Wait).Token);

    public Task SendBinaryAsync(byte[] bytes) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, new CancellationTokenSource(Wait).Token);

    /// <summary>Sends <c>{"t":"d","d":{"r":N,"a":action,"b":body}}</c>; returns N.</summary>
    public async Task<long> RequestAsync(string action, string body)
    {
        var r = Interlocked.Increment(ref _next);
        await SendAsync($$$$"""{"t":"d","d":{"r":{{{{r}}}},"a":"{{{{action}}}}","b":{{{{body}}}}}}""");
        return r;
    }

    /// <summary>Sends a request and returns its response body <c>{"s":…,"d":…}</c>.</summary>
    public async Task<JsonNode> CallAsync(string action, string body) => (await ResponseAsync(await RequestAsync(action, body))).Response;

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Already gone.
            }
        }

        _socket.Dispose();
    }
}
