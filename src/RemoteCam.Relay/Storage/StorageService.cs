using RemoteCam.Relay.Access;

namespace RemoteCam.Relay.Storage;

/// <summary>How a finished upload ended.</summary>
internal enum UploadOutcome
{
    Stored,
    HashMismatch,
    PreconditionFailed,
    Denied,
    SizeMismatch,
}

/// <summary>The result of finishing an upload: the object stored, or why not (with the message to send).</summary>
internal sealed record UploadResult(UploadOutcome Outcome, ObjectMetadata? Object, string Message);

/// <summary>
/// What both storage APIs share: the store on disk, the resumable sessions, the rules, and the
/// limits (object size, uploads in flight). Endpoints parse their wire format and call this.
/// </summary>
internal sealed class StorageService : IDisposable
{
    private readonly SemaphoreSlim _inFlight;
    private readonly Timer _sweep;
    private readonly TimeProvider _time;
    private readonly TextWriter? _log;
    private FileSystemWatcher? _watcher;
    private Timer? _reload;

    public StorageService(string? dataDirectory, StorageSettings settings, IStorageRules rules, TimeProvider time, TextWriter? log)
    {
        Settings = settings;
        _rules = rules;
        _time = time;
        _log = log;
        var root = dataDirectory is null
            ? Path.Combine(Path.GetTempPath(), "remotecam-storage-" + Guid.NewGuid().ToString("N"))
            : Path.Combine(dataDirectory, ".storage");
        Store = new ObjectStore(root, time, temporary: dataDirectory is null);
        Sessions = new UploadSessions(Store, time, settings.MaxObjectBytes, settings.MaxOpenSessions);
        _inFlight = new SemaphoreSlim(settings.MaxUploadsInFlight, settings.MaxUploadsInFlight);
        Lifecycle = new LifecycleSweeper(Store, time, log);
        _sweep = new Timer(_ => Sweep(), null, TimeSpan.FromSeconds(5), settings.SweepInterval);
    }

    public StorageSettings Settings { get; }

    public ObjectStore Store { get; }

    public UploadSessions Sessions { get; }

    public LifecycleSweeper Lifecycle { get; }

    /// <summary>The rules for non-admin Firebase Storage requests (replaced when the rules file changes).</summary>
    public IStorageRules Rules
    {
        get => Volatile.Read(ref _rules);
        set => Volatile.Write(ref _rules, value);
    }

    private IStorageRules _rules;

    public DateTimeOffset Now => _time.GetUtcNow();

    public bool Allows(StorageMethod method, string bucket, string path, Identity who, ObjectMetadata? resource, ObjectMetadata? proposed) =>
        who.IsAdmin || Rules.Allows(new StorageRequest(method, bucket, path, who, resource, proposed, Now));

    /// <summary>Takes one of the upload slots; false when all are busy (answer 429).</summary>
    public bool TryBeginUpload() => _inFlight.Wait(0);

    public void EndUpload() => _inFlight.Release();

    /// <summary>Bytes for a new one-request upload, in the store's temporary folder.</summary>
    public IncomingBytes NewIncoming() => new(Store.NewTempPath(), Settings.MaxObjectBytes);

    /// <summary>
    /// Turns received bytes into a stored object: checks the hashes the client claimed, the
    /// declared size, preconditions and (for non-admins) the rules, then commits durably.
    /// Whatever is refused leaves nothing behind.
    /// </summary>
    public UploadResult Finish(
        IncomingBytes bytes, string bucket, string name, ObjectDraft draft, Identity who,
        string? claimedCrc32c, string? claimedMd5, long? declaredSize, long? ifGenerationMatch, bool firebase)
    {
        if (declaredSize is { } size && size != bytes.Length)
        {
            return new UploadResult(UploadOutcome.SizeMismatch, null, StorageErrors.SizeMismatch);
        }

        var md5 = bytes.Md5Base64;
        var crc = bytes.Crc32c;
        var metadata = new ObjectMetadata
        {
            Bucket = bucket,
            Name = name,
            ContentType = string.IsNullOrEmpty(draft.ContentType) ? "application/octet-stream" : draft.ContentType,
            Size = bytes.Length,
            Crc32c = crc,
            Md5Hash = md5,
            Generation = Store.NextGeneration(),
            TimeCreated = Now,
            Updated = Now,
            ContentEncoding = draft.ContentEncoding,
            ContentDisposition = draft.ContentDisposition,
            ContentLanguage = draft.ContentLanguage,
            CacheControl = draft.CacheControl,
            Metadata = draft.Metadata,
            DownloadTokens = firebase ? Guid.NewGuid().ToString() : "",
        };
        foreach (var claim in new[] { claimedCrc32c, draft.Crc32c })
        {
            if (claim is not null && claim != metadata.Crc32cBase64)
            {
                return new UploadResult(UploadOutcome.HashMismatch, null, StorageErrors.HashMismatch("CRC32C", claim, metadata.Crc32cBase64));
            }
        }

        foreach (var claim in new[] { claimedMd5, draft.Md5Hash })
        {
            if (claim is not null && claim != md5)
            {
                return new UploadResult(UploadOutcome.HashMismatch, null, StorageErrors.HashMismatch("MD5", claim, md5));
            }
        }

        if (!Store.EnsureBucket(bucket))
        {
            return new UploadResult(UploadOutcome.PreconditionFailed, null, StorageErrors.TooManyBuckets(ObjectStore.MaxBuckets));
        }

        var outcome = Store.Commit(bytes, metadata, existing =>
        {
            if (ifGenerationMatch is { } generation && generation != (existing?.Metadata.Generation ?? 0))
            {
                return CommitOutcome.PreconditionFailed;
            }

            var method = existing is null ? StorageMethod.Create : StorageMethod.Update;
            return Allows(method, bucket, name, who, existing?.Metadata, metadata) ? CommitOutcome.Committed : CommitOutcome.Refused;
        });
        return outcome switch
        {
            CommitOutcome.Committed => new UploadResult(UploadOutcome.Stored, metadata, ""),
            CommitOutcome.PreconditionFailed => new UploadResult(UploadOutcome.PreconditionFailed, null, StorageErrors.Precondition),
            _ => new UploadResult(UploadOutcome.Denied, null, StorageErrors.PermissionDenied),
        };
    }

    /// <summary>Reloads the rules when their file changes; a file that fails to load leaves the previous rules in force (and says why).</summary>
    public void WatchRules(string? path)
    {
        if (path is null)
        {
            return;
        }

        var full = Path.GetFullPath(path);
        _reload = new Timer(_ =>
        {
            try
            {
                Rules = StorageRulesFile.Load(full);
                _log?.WriteLine($"Storage rules reloaded from {full}");
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                _log?.WriteLine($"Storage rules not reloaded (the previous rules stay in force): {e.Message}");
            }
        });
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler changed = (_, _) => _reload.Change(TimeSpan.FromMilliseconds(200), Timeout.InfiniteTimeSpan);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Renamed += (_, _) => _reload.Change(TimeSpan.FromMilliseconds(200), Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
    }

    private void Sweep()
    {
        try
        {
            Sessions.Sweep();
            Lifecycle.Sweep();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log?.WriteLine($"Storage sweep failed: {e.Message}");
        }
    }

    public void Dispose()
    {
        _sweep.Dispose();
        _watcher?.Dispose();
        _reload?.Dispose();
        Sessions.Dispose();
        Store.Dispose();
        _inFlight.Dispose();
    }
}

/// <summary>The storage limits and names (from <see cref="RelayOptions"/>).</summary>
internal sealed record StorageSettings
{
    public string DefaultBucket { get; init; } = "demo-remotecam.appspot.com";

    public long MaxObjectBytes { get; init; } = 64L * 1024 * 1024;

    public int MaxUploadsInFlight { get; init; } = 32;

    public int MaxOpenSessions { get; init; } = 1000;

    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(10);
}
