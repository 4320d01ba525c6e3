using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace RemoteCam.Testing;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a server, standing for the network between a phone and it (one file for
/// the end-to-end tests and the bench, linked into both projects; no <c>tc netem</c> needed):
/// <list type="bullet">
/// <item>a round trip: every byte waits half of <c>rtt</c> each way, and a new connection one <c>rtt</c> (TCP's handshake);</item>
/// <item>a proxy that refuses WebSockets: a connection whose first request asks for a WebSocket upgrade is answered
/// <c>403</c> and closed (browsers open a WebSocket on a connection of its own);</item>
/// <item>a network that vanishes (<see cref="Freeze"/>): from then on nothing passes either way and nothing is closed,
/// as when a phone leaves the Wi-Fi; new connections are accepted and then hang.</item>
/// <item>a server that names another host (<see cref="WebSocketHost"/>): WebSocket upgrades are passed on with that
/// <c>Host</c>, so the relay's handshake tells the client to use it, as Firebase's does (<c>s-….firebaseio.com</c>);
/// <see cref="Drop"/> then closes every connection, so the client reconnects.</item>
/// </list>
/// </summary>
internal sealed class NetworkProxy : IAsyncDisposable
{
    private static readonly byte[] s_refused = Encoding.ASCII.GetBytes("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 28\r\nConnection: close\r\n\r\nWebSockets are not allowed.\n");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly TimeSpan _half;
    private readonly TimeSpan _rtt;
    private readonly bool _refuseWebSockets;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly List<TcpClient> _open = [];
    private volatile bool _frozen;
    private int _upgrades;

    public NetworkProxy(IPEndPoint target, TimeSpan rtt = default, bool refuseWebSockets = false)
    {
        _target = target;
        _rtt = rtt;
        _half = rtt / 2;
        _refuseWebSockets = refuseWebSockets;
        _listener.Start();
        _tasks.Add(AcceptAsync());
    }

    /// <summary>A proxy in front of <paramref name="server"/> (an http://127.0.0.1:port/ origin).</summary>
    public NetworkProxy(Uri server, TimeSpan rtt = default, bool refuseWebSockets = false)
        : this(new IPEndPoint(IPAddress.Parse(server.Host), server.Port), rtt, refuseWebSockets)
    {
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The proxy's origin, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>WebSocket upgrade requests seen (passed on, or refused).</summary>
    public int WebSocketUpgrades => Volatile.Read(ref _upgrades);

    /// <summary><paramref name="url"/> (a link to the server) pointing at the proxy instead.</summary>
    public string Via(string url)
    {
        var u = new UriBuilder(url) { Host = "127.0.0.1", Port = Port };
        return u.Uri.ToString();
    }

    /// <summary>When set (host:port), WebSocket upgrades reach the server with this <c>Host</c> header.</summary>
    public string? WebSocketHost { get; set; }

    /// <summary>Closes every connection open now (the server and the client both see it end).</summary>
    public void Drop()
    {
        lock (_open)
        {
            foreach (var c in _open)
            {
                c.Client.Close(0);
            }

            _open.Clear();
        }
    }

    /// <summary>The network vanishes: nothing passes from now on (for good), nothing is closed.</summary>
    public void Freeze() => _frozen = true;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_tasks)
                {
                    _tasks.Add(ServeAsync(client));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var server = new TcpClient();
        lock (_open)
        {
            _open.Add(client);
        }

        using (client)
        {
            try
            {
                client.NoDelay = true;
                if (_rtt > TimeSpan.Zero)
                {
                    await Task.Delay(_rtt, _stop.Token);
                }

                await server.ConnectAsync(_target, _stop.Token);
                server.NoDelay = true;
                var first = await FirstRequestAsync(client.GetStream());
                if (first.Length > 0 && IsUpgrade(first))
                {
                    Interlocked.Increment(ref _upgrades);
                    if (_refuseWebSockets)
                    {
                        await Task.Delay(_half, _stop.Token);
                        await client.GetStream().WriteAsync(s_refused, _stop.Token);
                        return;
                    }

                    if (WebSocketHost is { } host)
                    {
                        var text = Encoding.ASCII.GetString(first);
                        var at = text.IndexOf("\r\nHost:", StringComparison.OrdinalIgnoreCase);
                        var end = at < 0 ? -1 : text.IndexOf("\r\n", at + 2, StringComparison.Ordinal);
                        if (end > 0)
                        {
                            first = Encoding.ASCII.GetBytes(text[..at] + "\r\nHost: " + host + text[end..]);
                        }
                    }
                }

                await Task.WhenAll(
                    PumpAsync(client.GetStream(), server.GetStream(), first),
                    PumpAsync(server.GetStream(), client.GetStream(), []));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // one side went away, or the proxy stopped
            }
            finally
            {
                lock (_open)
                {
                    _open.Remove(client);
                }
            }
        }
    }

    /// <summary>The bytes up to the end of the first request's headers (or whatever came before the client stopped).</summary>
    private async Task<byte[]> FirstRequestAsync(NetworkStream client)
    {
        var buffer = new byte[16 * 1024];
        var have = 0;
        while (have < buffer.Length)
        {
            var read = await client.ReadAsync(buffer.AsMemory(have), _stop.Token);
            if (read == 0)
            {
                break;
            }

            have += read;
            if (buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        return buffer[..have];
    }

    private static bool IsUpgrade(byte[] request) =>
        Encoding.ASCII.GetString(request).Contains("\r\nupgrade: websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>, each piece half a round trip late, in order.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, byte[] first)
    {
        var queue = Channel.CreateUnbounded<(long Due, byte[] Data)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            await foreach (var (due, data) in queue.Reader.ReadAllAsync(_stop.Token))
            {
                var wait = TimeSpan.FromTicks(due - DateTime.UtcNow.Ticks);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _stop.Token);
                }

                if (!_frozen)
                {
                    await to.WriteAsync(data, _stop.Token);
                }
            }

            to.Socket.Shutdown(SocketShutdown.Send);
        });
        try
        {
            if (first.Length > 0)
            {
                queue.Writer.TryWrite((DateTime.UtcNow.Ticks + _half.Ticks, first));
            }

            var buffer = new byte[64 * 1024];
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                if (_frozen)
                {
                    continue;
                }

                queue.Writer.TryWrite((DateTime.UtcNow.Ticks + _half.Ticks, buffer[..read]));
            }

            // A vanished network carries no close either.
            while (_frozen)
            {
                await Task.Delay(1000, _stop.Token);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        await writer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] tasks;
        lock (_tasks)
        {
            tasks = [.. _tasks];
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
