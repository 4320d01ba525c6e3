using System.Collections.Concurrent;
using System.Text.Json;

namespace RemoteCam.Relay.Usage;

/// <summary>
/// What the relay's clients cost, counted the way Firebase's database profiler groups it: per
/// database and path prefix (<see cref="UsagePrefix"/>), the bytes received and sent at the
/// database's endpoints (REST bodies, stream events, realtime-protocol messages) and the writes
/// and reads asked for; beside them, every byte on the wire of every connection (headers, TLS,
/// pages, auth included), which is what Firebase bills. Read with <c>GET /.settings/stats.json</c>
/// (admin only, docs/relay.md "Usage statistics"); <see cref="Reset"/> starts a new measurement.
/// </summary>
internal sealed class UsageMeter(TimeProvider time)
{
    private ConcurrentDictionary<(string Database, string Prefix), Counters> _byPrefix = new();
    private long _wireIn;
    private long _wireOut;
    private long _connections;
    private long _openConnections;
    private long _peakConnections;
    private DateTimeOffset _since = time.GetUtcNow();

    /// <summary>A request or message that arrived for <paramref name="keys"/> (a write when <paramref name="write"/>, else a read or listen).</summary>
    public void Received(string database, IReadOnlyList<string> keys, long bytes, bool write)
    {
        var counters = For(database, keys);
        Interlocked.Add(ref counters.BytesIn, bytes);
        Interlocked.Increment(ref write ? ref counters.Writes : ref counters.Reads);
    }

    /// <summary>Bytes sent for <paramref name="keys"/>: a response body, stream events, a data message.</summary>
    public void Sent(string database, IReadOnlyList<string> keys, long bytes) => Interlocked.Add(ref For(database, keys).BytesOut, bytes);

    public void WireIn(long bytes) => Interlocked.Add(ref _wireIn, bytes);

    public void WireOut(long bytes) => Interlocked.Add(ref _wireOut, bytes);

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _connections);
        var open = Interlocked.Increment(ref _openConnections);
        long peak;
        while (open > (peak = Interlocked.Read(ref _peakConnections)) && Interlocked.CompareExchange(ref _peakConnections, open, peak) != peak)
        {
        }
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _openConnections);

    /// <summary>Starts a new measurement: every counter at 0 (the open connections stay, and become the new peak).</summary>
    public void Reset()
    {
        _byPrefix = new ConcurrentDictionary<(string, string), Counters>();
        Interlocked.Exchange(ref _wireIn, 0);
        Interlocked.Exchange(ref _wireOut, 0);
        Interlocked.Exchange(ref _connections, 0);
        Interlocked.Exchange(ref _peakConnections, Interlocked.Read(ref _openConnections));
        _since = time.GetUtcNow();
    }

    /// <summary>The counters as JSON (docs/relay.md "Usage statistics").</summary>
    public void Write(Utf8JsonWriter writer)
    {
        var now = time.GetUtcNow();
        writer.WriteStartObject();
        writer.WriteString("since", _since);
        writer.WriteString("now", now);
        writer.WriteNumber("seconds", Math.Round((now - _since).TotalSeconds, 3));
        writer.WriteStartObject("wire");
        writer.WriteNumber("bytesIn", Interlocked.Read(ref _wireIn));
        writer.WriteNumber("bytesOut", Interlocked.Read(ref _wireOut));
        writer.WriteNumber("connections", Interlocked.Read(ref _connections));
        writer.WriteNumber("openConnections", Interlocked.Read(ref _openConnections));
        writer.WriteNumber("peakConnections", Interlocked.Read(ref _peakConnections));
        writer.WriteEndObject();
        writer.WriteStartArray("paths");
        foreach (var ((database, prefix), counters) in _byPrefix.OrderBy(p => p.Key.Database, StringComparer.Ordinal).ThenBy(p => p.Key.Prefix, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            writer.WriteString("database", database);
            writer.WriteString("path", prefix);
            writer.WriteNumber("bytesIn", Interlocked.Read(ref counters.BytesIn));
            writer.WriteNumber("bytesOut", Interlocked.Read(ref counters.BytesOut));
            writer.WriteNumber("writes", Interlocked.Read(ref counters.Writes));
            writer.WriteNumber("reads", Interlocked.Read(ref counters.Reads));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private Counters For(string database, IReadOnlyList<string> keys) => _byPrefix.GetOrAdd((database, UsagePrefix.Of(keys)), _ => new Counters());

    private sealed class Counters
    {
        public long BytesIn;
        public long BytesOut;
        public long Writes;
        public long Reads;
    }
}
