using System.Net;
using System.Net.Sockets;

namespace RemoteCam.Bench;

/// <summary>
/// A TCP proxy on 127.0.0.1 that forwards to the relay and counts every byte each way, so the presence
/// benchmark measures what a network carries (HTTP headers, WebSocket framing, pings) and not what a client
/// library reports.
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private long _up;
    private long _down;

    public CountingProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _pumps.Add(AcceptAsync());
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes from the client to the relay.</summary>
    public long Up => Interlocked.Read(ref _up);

    /// <summary>Bytes from the relay to the client.</summary>
    public long Down => Interlocked.Read(ref _down);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                TcpClient server = new();
                await server.ConnectAsync(_target, _stop.Token);
                lock (_pumps)
                {
                    _pumps.Add(PumpAsync(client, server, up: true));
                    _pumps.Add(PumpAsync(server, client, up: false));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool up)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            NetworkStream source = from.GetStream();
            NetworkStream sink = to.GetStream();
            while (true)
            {
                int read = await source.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                Interlocked.Add(ref up ? ref _up : ref _down, read);
                await sink.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // one side went away
        }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
