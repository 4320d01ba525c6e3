using System.Diagnostics;
using System.Net.Sockets;

namespace RemoteCam.Bench;

/// <summary>One connection of the slow reader: how long it lasted, what it read, and who ended it.</summary>
internal sealed record SlowConnection(double Seconds, long Events, long Bytes, long WritesDuring, bool CutByRelay)
{
    /// <summary>Events written to its location while it was open that it never read: what the relay held back (queue and socket buffers) when it cut it off.</summary>
    public long Backlog => WritesDuring + 1 - Events;
}

/// <summary>
/// A deliberately slow consumer: a stream on the parent of every inbox (so it is sent every write),
/// read 256 bytes at a time every 25 ms (about 10 KB/s, a hundredth of what arrives with 1 KB
/// messages at 1,000/s), through a 4 KiB socket receive buffer so that the backlog builds up on the
/// relay's side. When the relay cuts it off it reconnects, as a page would. Near the end of its
/// time it reads as fast as it can: a stream the relay cut off then reaches its end at once (what
/// the kernel still held was sent before the close), while a stream still open catches up live.
/// </summary>
internal sealed class SlowReader
{
    private const int ReadBytes = 256;
    private static readonly TimeSpan ReadEvery = TimeSpan.FromMilliseconds(25);

    private readonly List<SlowConnection> _connections = [];

    public IReadOnlyList<SlowConnection> Connections
    {
        get
        {
            lock (_connections)
            {
                return [.. _connections];
            }
        }
    }

    /// <summary>Reads <paramref name="target"/>'s <c>inbox</c> stream slowly until <paramref name="slowUntil"/> (reconnecting after each cut-off), then fast until <paramref name="stop"/>.</summary>
    public async Task RunAsync(IBenchTarget target, Func<long> writesIssued, Func<bool> slowUntil, CancellationToken stop)
    {
        using HttpClient client = new(new SocketsHttpHandler
        {
            UseProxy = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectCallback = async (context, token) =>
            {
                Socket socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        while (!stop.IsCancellationRequested && slowUntil())
        {
            await ReadOnceAsync(client, target, writesIssued, slowUntil, stop);
            try
            {
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task ReadOnceAsync(HttpClient client, IBenchTarget target, Func<long> writesIssued, Func<bool> slow, CancellationToken stop)
    {
        Stopwatch open = Stopwatch.StartNew();
        long writesAtOpen = writesIssued();
        long events = 0;
        long bytes = 0;
        bool cutByRelay = false;
        SseParser parser = new();
        SseEventHandler count = (eventType, _) =>
        {
            if (eventType.SequenceEqual("put"u8) || eventType.SequenceEqual("patch"u8))
            {
                events++;
            }
        };
        try
        {
            using HttpRequestMessage request = target.CreateSubscribe("inbox");
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
            await using Stream body = await response.Content.ReadAsStreamAsync(stop);
            byte[] buffer = new byte[ReadBytes];
            while (true)
            {
                int read = await body.ReadAsync(buffer, stop);
                if (read == 0)
                {
                    cutByRelay = true;
                    break;
                }

                bytes += read;
                parser.Feed(buffer.AsSpan(0, read), count);
                if (slow())
                {
                    await Task.Delay(ReadEvery, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            cutByRelay = true; // a reset connection: the relay dropped it
        }

        lock (_connections)
        {
            _connections.Add(new SlowConnection(open.Elapsed.TotalSeconds, events, bytes, writesIssued() - writesAtOpen, cutByRelay));
        }
    }
}
