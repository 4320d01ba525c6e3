using System.Text;
using System.Text.Json;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>
/// The onDisconnect operations of one database's sessions, kept durable: every change is a
/// JSON line appended and fsynced before the client is answered, so queued operations survive a
/// crash. When the relay starts, every session in the file is gone, so their queues are run then
/// (<see cref="Recovered"/>). Values are kept as the client sent them, server values unresolved:
/// they are resolved when the operation runs. Without a data directory the store is memory only.
/// </summary>
internal sealed class OnDisconnectStore : IDisposable
{
    /// <summary>Past this size the file is rewritten with only the live queues.</summary>
    private const long CompactAfterBytes = 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<OnDisconnectOp>> _queues = new(StringComparer.Ordinal);
    private readonly string? _path;
    private FileStream? _file;

    public OnDisconnectStore(string? path)
    {
        _path = path;
        if (path is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _file = Open(path);
        Recovered = Load();
    }

    /// <summary>The queues found on disk at start-up, by session (all of them sessions that no longer exist).</summary>
    public IReadOnlyDictionary<string, List<OnDisconnectOp>> Recovered { get; } = new Dictionary<string, List<OnDisconnectOp>>();

    public int Count(string session)
    {
        lock (_gate)
        {
            return _queues.TryGetValue(session, out var ops) ? ops.Count : 0;
        }
    }

    /// <summary>Queues an operation; durable when this returns.</summary>
    public void Add(string session, OnDisconnectOp op)
    {
        lock (_gate)
        {
            Append(w => WriteAdd(w, session, op));
            if (!_queues.TryGetValue(session, out var ops))
            {
                _queues[session] = ops = [];
            }

            ops.Add(op);
        }
    }

    /// <summary>Drops the session's operations at or below <paramref name="path"/> (<c>oc</c>).</summary>
    public void Cancel(string session, DataPath path)
    {
        lock (_gate)
        {
            if (!_queues.TryGetValue(session, out var ops))
            {
                return;
            }

            Append(w =>
            {
                w.WriteString("a", "cancel");
                w.WriteString("s", session);
                w.WriteString("p", path.ToString());
            });
            ops.RemoveAll(op => op.Path.IsAtOrBelow(path));
        }
    }

    /// <summary>Takes the session's queue to run it (the store forgets it once <see cref="Done"/> says it ran).</summary>
    public List<OnDisconnectOp> Take(string session)
    {
        lock (_gate)
        {
            return _queues.Remove(session, out var ops) ? ops : [];
        }
    }

    /// <summary>The session's operations ran (or it had none left): nothing of it is replayed at the next start.</summary>
    public void Done(string session)
    {
        lock (_gate)
        {
            Append(w =>
            {
                w.WriteString("a", "done");
                w.WriteString("s", session);
            });
            if (_file is not null && _file.Length > CompactAfterBytes)
            {
                Compact();
            }
        }
    }

    /// <summary>After the recovered queues ran: the file keeps only what was queued since.</summary>
    public void ForgetRecovered()
    {
        lock (_gate)
        {
            if (_file is not null)
            {
                Compact();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private static FileStream Open(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    private Dictionary<string, List<OnDisconnectOp>> Load()
    {
        var found = new Dictionary<string, List<OnDisconnectOp>>(StringComparer.Ordinal);
        using var reader = new StreamReader(_file!, Encoding.UTF8, leaveOpen: true);
        var goodLength = 0L;
        while (reader.ReadLine() is { } line)
        {
            if (!TryReplay(line, found))
            {
                break; // a torn last line from a crash: that change was never acknowledged
            }

            goodLength += Encoding.UTF8.GetByteCount(line) + 1;
        }

        _file!.SetLength(goodLength);
        _file.Position = goodLength;
        foreach (var (session, ops) in found)
        {
            _queues[session] = [.. ops];
        }

        return found;
    }

    private static bool TryReplay(string line, Dictionary<string, List<OnDisconnectOp>> queues)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var r = document.RootElement;
            var session = r.GetProperty("s").GetString()!;
            switch (r.GetProperty("a").GetString())
            {
                case "add":
                    var path = DataPath.Parse(r.GetProperty("p").GetString()!);
                    var kind = r.GetProperty("k").GetString() == "om" ? OnDisconnectKind.Merge : OnDisconnectKind.Set;
                    if (!queues.TryGetValue(session, out var ops))
                    {
                        queues[session] = ops = [];
                    }

                    ops.Add(new OnDisconnectOp(kind, path, r.GetProperty("d").GetRawText(), ReadIdentity(r.GetProperty("w"))));
                    break;
                case "cancel":
                    var at = DataPath.Parse(r.GetProperty("p").GetString()!);
                    queues.GetValueOrDefault(session)?.RemoveAll(op => op.Path.IsAtOrBelow(at));
                    break;
                case "done":
                    queues.Remove(session);
                    break;
                default:
                    return false;
            }

            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    private void Append(Action<Utf8JsonWriter> writeProperties)
    {
        if (_file is null)
        {
            return;
        }

        _file.Write(Line(writeProperties));
        _file.Flush(flushToDisk: true);
    }

    private static byte[] Line(Action<Utf8JsonWriter> writeProperties)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonTree.WriterOptions))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Rewrites the file with the live queues (write a new file, then rename over the old one).</summary>
    private void Compact()
    {
        var temporary = _path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            foreach (var (session, ops) in _queues)
            {
                foreach (var op in ops)
                {
                    file.Write(Line(w => WriteAdd(w, session, op)));
                }
            }

            file.Flush(flushToDisk: true);
        }

        _file!.Dispose();
        File.Move(temporary, _path!, overwrite: true);
        Persistence.DirectorySync.Flush(Path.GetDirectoryName(_path)!);
        _file = Open(_path!);
        _file.Position = _file.Length;
    }

    private static void WriteAdd(Utf8JsonWriter w, string session, OnDisconnectOp op)
    {
        w.WriteString("a", "add");
        w.WriteString("s", session);
        w.WriteString("k", op.Kind == OnDisconnectKind.Merge ? "om" : "o");
        w.WriteString("p", op.Path.ToString());
        w.WritePropertyName("d");
        w.WriteRawValue(op.Json, skipInputValidation: true);
        w.WritePropertyName("w");
        WriteIdentity(w, op.Who);
    }

    private static void WriteIdentity(Utf8JsonWriter w, Identity who)
    {
        w.WriteStartObject();
        w.WriteBoolean("admin", who.IsAdmin);
        w.WriteString("uid", who.Uid);
        w.WriteString("provider", who.Provider);
        if (who.Claims is { } claims)
        {
            w.WritePropertyName("claims");
            claims.WriteTo(w);
        }

        w.WriteNumber("exp", who.ExpiresAtSeconds);
        w.WriteEndObject();
    }

    private static Identity ReadIdentity(JsonElement w)
    {
        if (w.GetProperty("admin").GetBoolean())
        {
            return Identity.Admin;
        }

        var uid = w.GetProperty("uid").GetString();
        var provider = w.GetProperty("provider").GetString();
        JsonElement? claims = w.TryGetProperty("claims", out var c) ? c.Clone() : null;
        return uid is null && claims is null ? Identity.Anonymous : new Identity(false, uid, provider, claims, w.GetProperty("exp").GetInt64());
    }
}

internal enum OnDisconnectKind
{
    /// <summary><c>o</c>: set (or remove, with null) the value at the path.</summary>
    Set,

    /// <summary><c>om</c>: a multi-path update at the path.</summary>
    Merge,
}

/// <summary>One queued operation: what, where, the value as the client sent it, and with whose rights it runs.</summary>
internal sealed record OnDisconnectOp(OnDisconnectKind Kind, DataPath Path, string Json, Identity Who);
