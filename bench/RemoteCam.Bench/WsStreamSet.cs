using System.Net.WebSockets;
using System.Text;

namespace RemoteCam.Bench;

/// <summary>
/// The relay's listeners over its WebSocket protocol: one connection per channel (like one SSE stream per
/// channel), each sending one listen (<c>q</c>) as the SDKs do and counting as open on its first data push.
/// Messages are decoded with the same probe reader as SSE events.
/// </summary>
internal sealed class WsStreamSet : IStreamSet
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private readonly List<ClientWebSocket> _sockets = [];
    private int _failures;
    private string? _firstError;

    public int Failures => Volatile.Read(ref _failures);

    public string? FirstError => Volatile.Read(ref _firstError);

    public static async Task<WsStreamSet> OpenAsync(RelayTarget relay, IReadOnlyList<string> channels, ProbeHandler? onProbe, int parallel, TimeSpan timeout)
    {
        WsStreamSet set = new();
        using SemaphoreSlim gate = new(parallel);
        List<Task> readies = new(channels.Count);
        using CancellationTokenSource openTimeout = new(timeout);
        for (int i = 0; i < channels.Count; i++)
        {
            await gate.WaitAsync(openTimeout.Token);
            TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = ready.Task.ContinueWith(_ => gate.Release(), TaskScheduler.Default);
            readies.Add(ready.Task);
            set._readers.Add(set.ReadAsync(relay, channels[i], i, onProbe, ready));
        }

        try
        {
            await Task.WhenAll(readies).WaitAsync(openTimeout.Token);
        }
        catch (Exception) when (!openTimeout.IsCancellationRequested)
        {
            // individual failures are counted in Failures
        }

        return set;
    }

    private async Task ReadAsync(RelayTarget relay, string channel, int index, ProbeHandler? onProbe, TaskCompletionSource ready)
    {
        await Task.Yield();
        CancellationToken token = _stop.Token;
        ClientWebSocket socket = new();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        lock (_sockets)
        {
            _sockets.Add(socket);
        }

        try
        {
            await socket.ConnectAsync(relay.WebSocketUri, token);
            byte[] listen = Encoding.UTF8.GetBytes($$$$$$"""{"t":"d","d":{"r":1,"a":"q","b":{"p":"/{{{{{{channel}}}}}}","h":""}}}""");
            await socket.SendAsync(listen, WebSocketMessageType.Text, endOfMessage: true, token);
            byte[] buffer = new byte[16 * 1024];
            using MemoryStream message = new();
            while (true)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new IOException($"listen {channel} closed");
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                ReadOnlySpan<byte> frame = message.GetBuffer().AsSpan(0, (int)message.Length);
                if (frame.IndexOf("\"a\":\"d\""u8) >= 0)
                {
                    ready.TrySetResult();
                    if (onProbe is not null && Payload.TryDecode(frame, out long sequence, out long sent))
                    {
                        onProbe(index, sequence, sent);
                    }
                }

                message.SetLength(0);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            ready.TrySetCanceled(token);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _failures);
            Interlocked.CompareExchange(ref _firstError, e.Message, null);
            ready.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_readers).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        lock (_sockets)
        {
            foreach (ClientWebSocket socket in _sockets)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }
}
