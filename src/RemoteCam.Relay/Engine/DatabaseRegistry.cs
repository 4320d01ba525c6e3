using System.Collections.Concurrent;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Persistence;

namespace RemoteCam.Relay.Engine;

/// <summary>The databases (namespaces, <c>?ns=</c>) of one relay, each created on first use, as the emulator does.</summary>
internal sealed class DatabaseRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Database>> _databases = new(StringComparer.Ordinal);
    private readonly string? _dataDirectory;
    private readonly int _maxDatabases;
    private readonly Func<string, IAccessPolicy> _policyFor;
    private readonly TimeProvider _time;
    private readonly Func<string, IDurableLog> _openLog;
    private readonly TextWriter? _log;

    public DatabaseRegistry(string? dataDirectory, int maxDatabases, Func<string, IAccessPolicy> policyFor, TimeProvider time, Func<string, IDurableLog>? openLog = null, TextWriter? log = null)
    {
        _log = log;
        _dataDirectory = dataDirectory;
        _maxDatabases = maxDatabases;
        _policyFor = policyFor;
        _time = time;
        _openLog = openLog ?? (_ => new MemoryLog());
    }

    public IEnumerable<Database> Open => _databases.Values.Where(l => l.IsValueCreated).Select(l => l.Value);

    /// <summary>Database names are safe folder names: letters, digits and dashes.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && name[0] != '-';

    public bool TryGet(string name, out Database database)
    {
        if (!_databases.TryGetValue(name, out var lazy))
        {
            if (_databases.Count >= _maxDatabases)
            {
                database = null!;
                return false;
            }

            lazy = _databases.GetOrAdd(name, n => new Lazy<Database>(() => Create(n)));
        }

        database = lazy.Value;
        return true;
    }

    /// <summary>Opens every database that has a folder in the data directory, so recovery happens at start-up.</summary>
    public void OpenExisting()
    {
        if (_dataDirectory is null || !Directory.Exists(_dataDirectory))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(_dataDirectory))
        {
            var name = Path.GetFileName(folder);
            if (IsValidName(name))
            {
                TryGet(name, out _);
            }
        }
    }

    private Database Create(string name)
    {
        var database = new Database(name, _openLog(name), () => _policyFor(name), _time);
        if (database.Recovered.DroppedBytes > 0)
        {
            // A crash during a commit leaves a torn tail; those writes were never acknowledged.
            _log?.WriteLine($"Database '{name}': recovered; dropped {database.Recovered.DroppedBytes} bytes of an unfinished, unacknowledged commit.");
        }

        return database;
    }

    public void Dispose()
    {
        foreach (var database in Open)
        {
            database.Dispose();
        }
    }
}
