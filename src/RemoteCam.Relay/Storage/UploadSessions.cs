using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

using RemoteCam.Relay.Persistence;

namespace RemoteCam.Relay.Storage;

/// <summary>
/// A resumable upload in progress: which object it makes, and the bytes received so far (kept
/// in <c>uploads/{id}.part</c>, fsynced before each chunk is acknowledged, with the session's
/// description in <c>uploads/{id}.json</c>), so that it resumes after a restart of the relay.
/// One request at a time works on a session (<see cref="Gate"/>).
/// </summary>
internal sealed class UploadSession : IDisposable
{
    public required string Id { get; init; }

    public required string Bucket { get; init; }

    public required ObjectDraft Draft { get; init; }

    /// <summary>The total size the client announced, when it did.</summary>
    public long? DeclaredSize { get; init; }

    public required DateTimeOffset Created { get; init; }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The bytes so far; opened on first use (rehashing what a restart left).</summary>
    public IncomingBytes? Bytes { get; set; }

    public bool Finished { get; set; }

    public void Dispose()
    {
        Bytes?.Dispose();
        Gate.Dispose();
    }
}

/// <summary>The resumable upload sessions of a store; at most <see cref="Max"/> open, each expiring a week after it started (as GCS's).</summary>
internal sealed class UploadSessions(ObjectStore store, TimeProvider time, long maxObjectBytes, int max) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private readonly ConcurrentDictionary<string, UploadSession> _open = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public int Max { get; } = max;

    /// <summary>Starts a session (durably); null when <see cref="Max"/> sessions are open.</summary>
    public UploadSession? Start(string bucket, ObjectDraft draft, long? declaredSize)
    {
        lock (_gate)
        {
            if (Count() >= Max)
            {
                return null;
            }

            var session = new UploadSession
            {
                Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                Bucket = bucket,
                Draft = draft,
                DeclaredSize = declaredSize,
                Created = time.GetUtcNow(),
            };
            var description = new Dictionary<string, object?>
            {
                ["bucket"] = bucket,
                ["declaredSize"] = declaredSize,
                ["created"] = session.Created.ToUnixTimeMilliseconds(),
                ["draft"] = JsonDocument.Parse(draft.ToJson()).RootElement,
            };
            var temp = store.NewTempPath();
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(file, description);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, DescriptionPath(session.Id));
            DirectorySync.Flush(store.UploadsDirectory);
            session.Bytes = new IncomingBytes(PartPath(session.Id), maxObjectBytes, append: true);
            _open[session.Id] = session;
            return session;
        }
    }

    /// <summary>The open session with this id (loaded from disk after a restart); null when unknown, finished or expired.</summary>
    public UploadSession? Find(string id)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        lock (_gate)
        {
            if (_open.TryGetValue(id, out var open))
            {
                return open.Finished ? null : open;
            }

            var loaded = Load(id);
            if (loaded is null || time.GetUtcNow() - loaded.Created > Lifetime)
            {
                loaded?.Dispose();
                return null;
            }

            loaded.Bytes = new IncomingBytes(PartPath(id), maxObjectBytes, append: true);
            _open[id] = loaded;
            return loaded;
        }
    }

    /// <summary>Ends a session: its files are removed (unless the part became the object).</summary>
    public void End(UploadSession session)
    {
        lock (_gate)
        {
            session.Finished = true;
            _open.TryRemove(session.Id, out _);
            session.Bytes?.Dispose();
            File.Delete(DescriptionPath(session.Id));
            File.Delete(PartPath(session.Id));
        }
    }

    /// <summary>Removes sessions older than <see cref="Lifetime"/>.</summary>
    public void Sweep()
    {
        foreach (var description in Directory.EnumerateFiles(store.UploadsDirectory, "*.json"))
        {
            var id = Path.GetFileNameWithoutExtension(description);
            var session = _open.TryGetValue(id, out var open) ? open : Load(id);
            if (session is not null && time.GetUtcNow() - session.Created > Lifetime && session.Gate.Wait(0))
            {
                End(session);
            }
        }
    }

    private int Count() => Directory.EnumerateFiles(store.UploadsDirectory, "*.json").Count();

    private string DescriptionPath(string id) => Path.Combine(store.UploadsDirectory, id + ".json");

    private string PartPath(string id) => Path.Combine(store.UploadsDirectory, id + ".part");

    private UploadSession? Load(string id)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(DescriptionPath(id)));
            var root = document.RootElement;
            if (!ObjectDraft.TryParse(System.Text.Encoding.UTF8.GetBytes(root.GetProperty("draft").GetRawText()), out var draft, out _))
            {
                return null;
            }

            var declared = root.GetProperty("declaredSize");
            return new UploadSession
            {
                Id = id,
                Bucket = root.GetProperty("bucket").GetString()!,
                Draft = draft,
                DeclaredSize = declared.ValueKind == JsonValueKind.Number ? declared.GetInt64() : null,
                Created = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("created").GetInt64()),
            };
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var session in _open.Values)
        {
            session.Dispose();
        }
    }
}
