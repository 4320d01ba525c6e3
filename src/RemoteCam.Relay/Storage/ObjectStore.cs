using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

using RemoteCam.Relay.Persistence;

namespace RemoteCam.Relay.Storage;

/// <summary>A stored object: its metadata and the file holding its bytes (from offset 0).</summary>
internal sealed record StoredObject(ObjectMetadata Metadata, string FilePath);

/// <summary>One page of a listing: objects, then the prefixes a delimiter folded, and where to go on.</summary>
internal sealed record ObjectPage(IReadOnlyList<StoredObject> Items, IReadOnlyList<string> Prefixes, string? NextPageToken);

/// <summary>Why a commit did not happen.</summary>
internal enum CommitOutcome
{
    Committed,
    PreconditionFailed,
    Refused,
}

/// <summary>
/// The relay's objects on disk under <c>DATA/.storage</c>: one file per object
/// (<see cref="ObjectFile"/>) in <c>b/{bucket}/{xx}/{sha256 of the name}.obj</c>, an in-memory
/// index rebuilt from the files at start, a bucket's settings (its lifecycle) in
/// <c>b/{bucket}.json</c>. Buckets appear on their first upload, as in the Firebase emulator.
/// Writers are serialised per store only around the rename, so uploads stream in parallel.
/// </summary>
internal sealed partial class ObjectStore : IDisposable
{
    public const int MaxBuckets = 100;

    private readonly object _gate = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly bool _temporary;
    private long _lastGeneration;

    public ObjectStore(string root, TimeProvider time, bool temporary = false)
    {
        Root = root;
        _time = time;
        _temporary = temporary;
        Directory.CreateDirectory(TempDirectory);
        Directory.CreateDirectory(UploadsDirectory);
        Directory.CreateDirectory(BucketsDirectory);
        foreach (var leftover in Directory.EnumerateFiles(TempDirectory))
        {
            File.Delete(leftover);
        }

        Load();
    }

    public string Root { get; }

    public string TempDirectory => Path.Combine(Root, "tmp");

    public string UploadsDirectory => Path.Combine(Root, "uploads");

    private string BucketsDirectory => Path.Combine(Root, "b");

    /// <summary>GCS bucket naming: 3–63 characters (222 with dots) of lowercase letters, digits, '-', '_' and '.', starting and ending with a letter or digit.</summary>
    public static bool IsValidBucketName(string name) =>
        name.Length is >= 3 and <= 222 && BucketPattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal)
        && (name.Contains('.', StringComparison.Ordinal) || name.Length <= 63)
        && name.Split('.').All(part => part.Length <= 63);

    /// <summary>GCS object naming: 1–1024 bytes of well-formed UTF-8, no carriage return or line feed, not "." or "..".</summary>
    public static bool IsValidObjectName(string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['\r', '\n']) >= 0)
        {
            return false;
        }

        try
        {
            return new UTF8Encoding(false, true).GetByteCount(name) <= 1024;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public string NewTempPath() => Path.Combine(TempDirectory, Guid.NewGuid().ToString("N") + ".part");

    public bool BucketExists(string bucket)
    {
        lock (_gate)
        {
            return _buckets.ContainsKey(bucket);
        }
    }

    /// <summary>Makes sure a bucket exists (its folder); false when the relay already holds <see cref="MaxBuckets"/>.</summary>
    public bool EnsureBucket(string bucket)
    {
        lock (_gate)
        {
            if (_buckets.ContainsKey(bucket))
            {
                return true;
            }

            if (_buckets.Count >= MaxBuckets)
            {
                return false;
            }

            var directory = Path.Combine(BucketsDirectory, bucket);
            Directory.CreateDirectory(directory);
            DirectorySync.Flush(BucketsDirectory);
            _buckets[bucket] = new Bucket(bucket, directory, File.Exists(directory + ".json") ? File.ReadAllText(directory + ".json") : null);
            return true;
        }
    }

    public BucketInfo? GetBucket(string bucket)
    {
        lock (_gate)
        {
            return _buckets.TryGetValue(bucket, out var b) ? new BucketInfo(b.Name, b.Created, b.LifecycleJson) : null;
        }
    }

    /// <summary>Replaces a bucket's lifecycle configuration (the JSON of its <c>lifecycle</c> field), durably.</summary>
    public void SetLifecycle(string bucket, string? lifecycleJson)
    {
        lock (_gate)
        {
            var b = _buckets[bucket];
            var path = b.Directory + ".json";
            if (lifecycleJson is null)
            {
                File.Delete(path);
            }
            else
            {
                var temp = NewTempPath();
                using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    file.Write(Encoding.UTF8.GetBytes(lifecycleJson));
                    file.Flush(flushToDisk: true);
                }

                File.Move(temp, path, overwrite: true);
            }

            DirectorySync.Flush(BucketsDirectory);
            b.LifecycleJson = lifecycleJson;
        }
    }

    public StoredObject? Get(string bucket, string name)
    {
        lock (_gate)
        {
            return _buckets.TryGetValue(bucket, out var b) && b.Objects.TryGetValue(name, out var found) ? found : null;
        }
    }

    /// <summary>A new generation number: microseconds since 1970, strictly increasing (as GCS's look).</summary>
    public long NextGeneration()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        lock (_gate)
        {
            _lastGeneration = Math.Max(now, _lastGeneration + 1);
            return _lastGeneration;
        }
    }

    /// <summary>
    /// Puts sealed bytes in place as the object <paramref name="metadata"/> names, unless
    /// <paramref name="allow"/> (run under the store's lock with the object it would replace)
    /// says no. The file is durable when this returns <see cref="CommitOutcome.Committed"/>.
    /// </summary>
    public CommitOutcome Commit(IncomingBytes bytes, ObjectMetadata metadata, Func<StoredObject?, CommitOutcome> allow)
    {
        ObjectFile.Seal(bytes.File, metadata);
        bytes.File.Dispose();
        string directory;
        lock (_gate)
        {
            var b = _buckets[metadata.Bucket];
            b.Objects.TryGetValue(metadata.Name, out var existing);
            var outcome = allow(existing);
            if (outcome != CommitOutcome.Committed)
            {
                return outcome;
            }

            var path = PathOf(b, metadata.Name);
            directory = Path.GetDirectoryName(path)!;
            Directory.CreateDirectory(directory);
            File.Move(bytes.Path, path, overwrite: true);
            bytes.Keep();
            b.Objects[metadata.Name] = new StoredObject(metadata, path);
            b.Names.Add(metadata.Name);
        }

        DirectorySync.Flush(directory);
        return CommitOutcome.Committed;
    }

    /// <summary>Deletes an object (durably) when <paramref name="allow"/> agrees; false when it was not there or not deleted.</summary>
    public bool Delete(string bucket, string name, Func<StoredObject, bool>? allow = null)
    {
        string path;
        lock (_gate)
        {
            if (!_buckets.TryGetValue(bucket, out var b) || !b.Objects.TryGetValue(name, out var found))
            {
                return false;
            }

            if (allow is not null && !allow(found))
            {
                return false;
            }

            path = found.FilePath;
            File.Delete(path);
            b.Objects.Remove(name);
            b.Names.Remove(name);
        }

        DirectorySync.Flush(Path.GetDirectoryName(path)!);
        return true;
    }

    /// <summary>
    /// Objects whose names start with <paramref name="prefix"/>, in name order, after the page
    /// token; with a delimiter, names with it after the prefix fold into one prefix each.
    /// </summary>
    public ObjectPage List(string bucket, string prefix, string? delimiter, string? pageToken, int maxResults)
    {
        var items = new List<StoredObject>();
        var prefixes = new List<string>();
        lock (_gate)
        {
            if (!_buckets.TryGetValue(bucket, out var b))
            {
                return new ObjectPage(items, prefixes, null);
            }

            var after = pageToken is null ? null : DecodePageToken(pageToken);
            var view = b.Names.GetViewBetween(prefix, prefix + char.MaxValue);
            foreach (var name in view)
            {
                if (!name.StartsWith(prefix, StringComparison.Ordinal) || (after is not null && string.CompareOrdinal(name, after) <= 0))
                {
                    continue;
                }

                var folded = delimiter is { Length: > 0 } ? name.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal) : -1;
                var entry = folded >= 0 ? name[..(folded + delimiter!.Length)] : name;
                if (folded >= 0 && prefixes.Count > 0 && prefixes[^1] == entry)
                {
                    continue;
                }

                if (items.Count + prefixes.Count >= maxResults)
                {
                    // The token is the last entry returned: everything up to it (and under a folded prefix) is done.
                    var last = LastOf(items, prefixes);
                    return new ObjectPage(items, prefixes, EncodePageToken(last));
                }

                if (folded >= 0)
                {
                    prefixes.Add(entry);
                }
                else
                {
                    items.Add(b.Objects[name]);
                }
            }
        }

        return new ObjectPage(items, prefixes, null);
    }

    private static string LastOf(List<StoredObject> items, List<string> prefixes)
    {
        var item = items.Count > 0 ? items[^1].Metadata.Name : null;
        var folded = prefixes.Count > 0 ? prefixes[^1] + char.MaxValue : null;
        return item is null ? folded! : folded is null ? item : string.CompareOrdinal(item, folded) > 0 ? item : folded;
    }

    private static string EncodePageToken(string after) => Convert.ToBase64String(Encoding.UTF8.GetBytes(after));

    private static string? DecodePageToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool IsValidPageToken(string token) => DecodePageToken(token) is not null;

    /// <summary>Every bucket with its objects (a copy), for the lifecycle sweep.</summary>
    public IReadOnlyList<(BucketInfo Bucket, IReadOnlyList<StoredObject> Objects)> Snapshot()
    {
        lock (_gate)
        {
            return [.. _buckets.Values.Select(b => (new BucketInfo(b.Name, b.Created, b.LifecycleJson), (IReadOnlyList<StoredObject>)[.. b.Objects.Values]))];
        }
    }

    private static string PathOf(Bucket bucket, string name)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        return Path.Combine(bucket.Directory, hash[..2], hash + ".obj");
    }

    /// <summary>Rebuilds the index from the object files; files that are not complete objects are removed.</summary>
    private void Load()
    {
        foreach (var directory in Directory.EnumerateDirectories(BucketsDirectory))
        {
            var name = Path.GetFileName(directory);
            if (!IsValidBucketName(name))
            {
                continue;
            }

            var settings = directory + ".json";
            var bucket = new Bucket(name, directory, File.Exists(settings) ? File.ReadAllText(settings) : null);
            _buckets[name] = bucket;
            foreach (var file in Directory.EnumerateFiles(directory, "*.obj", SearchOption.AllDirectories))
            {
                var metadata = ObjectFile.TryReadMetadata(file);
                if (metadata is null || metadata.Bucket != name || PathOf(bucket, metadata.Name) != file)
                {
                    File.Delete(file);
                    continue;
                }

                bucket.Objects[metadata.Name] = new StoredObject(metadata, file);
                bucket.Names.Add(metadata.Name);
                _lastGeneration = Math.Max(_lastGeneration, metadata.Generation);
            }
        }
    }

    public void Dispose()
    {
        if (_temporary)
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder; the system cleans it eventually.
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketPattern();

    private sealed class Bucket(string name, string directory, string? lifecycleJson)
    {
        public string Name { get; } = name;

        public string Directory { get; } = directory;

        public DateTimeOffset Created { get; } = System.IO.Directory.GetCreationTimeUtc(directory);

        public string? LifecycleJson { get; set; } = lifecycleJson;

        public Dictionary<string, StoredObject> Objects { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Names { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>A bucket as the JSON API shows it: its name, when it appeared, its lifecycle JSON (or null).</summary>
internal sealed record BucketInfo(string Name, DateTimeOffset Created, string? LifecycleJson);
