using System.Collections.Concurrent;

using RemoteCam.Relay.Rules;

namespace RemoteCam.Relay.Access;

/// <summary>
/// Which security rules are in force for each database. A rules file (<c>--rules</c>) applies to
/// every database and is reloaded when it changes; a database's rules set over REST
/// (<c>PUT /.settings/rules.json</c>) replace the file's for that database and are kept in the
/// data directory. With neither, access is open, as the Firebase emulator is without rules. A
/// rules file that fails to load leaves the previous rules in force.
/// </summary>
internal sealed class AccessControl : IDisposable
{
    private readonly ConcurrentDictionary<string, RulesPolicy> _perDatabase = new(StringComparer.Ordinal);
    private readonly string? _rulesFile;
    private readonly string? _storeDirectory;
    private readonly TextWriter? _log;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer? _reload;
    private RulesPolicy? _fromFile;
    private int _version;

    public AccessControl(string? rulesFile, string? dataDirectory, TextWriter? log)
    {
        _rulesFile = rulesFile is null ? null : Path.GetFullPath(rulesFile);
        _storeDirectory = dataDirectory is null ? null : Path.Combine(dataDirectory, ".rules");
        _log = log;
        LoadStored();
        if (_rulesFile is null)
        {
            return;
        }

        if (!TryLoadFile(out var error))
        {
            throw new InvalidDataException(error);
        }

        // Reload on change; editors replace files in several steps, so wait for them to settle.
        _reload = new Timer(_ => Reload());
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_rulesFile)!, Path.GetFileName(_rulesFile))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler changed = (_, _) => _reload.Change(TimeSpan.FromMilliseconds(200), Timeout.InfiniteTimeSpan);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Renamed += (_, _) => _reload.Change(TimeSpan.FromMilliseconds(200), Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Changes whenever any rules change, so open streams can be checked again.</summary>
    public int Version => Volatile.Read(ref _version);

    public string? RulesFile => _rulesFile;

    public IAccessPolicy PolicyFor(string database) =>
        (IAccessPolicy?)RulesFor(database) ?? OpenAccess.Instance;

    /// <summary>The rules in force for a database, or null when access is open.</summary>
    public RulesPolicy? RulesFor(string database) =>
        _perDatabase.TryGetValue(database, out var own) ? own : Volatile.Read(ref _fromFile);

    /// <summary>The rules text in force (GET /.settings/rules.json).</summary>
    public string SourceFor(string database) =>
        RulesFor(database)?.Rules.Source ?? "{\n  \"rules\": {\n    \".read\": true,\n    \".write\": true\n  }\n}";

    /// <summary>Checks rules text and, unless <paramref name="dryRun"/>, puts it in force for the database.</summary>
    public bool TrySet(string database, string text, bool dryRun, out string error)
    {
        if (!RuleSet.TryLoad(text, out var rules, out RuleLoadError? detail))
        {
            error = detail!.ToString();
            return false;
        }

        error = "";
        if (dryRun)
        {
            return true;
        }

        if (_storeDirectory is not null)
        {
            Directory.CreateDirectory(_storeDirectory);
            var path = Path.Combine(_storeDirectory, database + ".json");
            File.WriteAllText(path + ".tmp", text);
            File.Move(path + ".tmp", path, overwrite: true);
        }

        _perDatabase[database] = new RulesPolicy(rules!);
        Interlocked.Increment(ref _version);
        return true;
    }

    private void LoadStored()
    {
        if (_storeDirectory is null || !Directory.Exists(_storeDirectory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(_storeDirectory, "*.json"))
        {
            if (RuleSet.TryLoad(File.ReadAllText(file), out var rules, out string error))
            {
                _perDatabase[Path.GetFileNameWithoutExtension(file)] = new RulesPolicy(rules!);
            }
            else
            {
                _log?.WriteLine($"Ignoring stored rules {file}: {error}");
            }
        }
    }

    private bool TryLoadFile(out string error)
    {
        string text;
        try
        {
            text = File.ReadAllText(_rulesFile!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"Cannot read the rules file {_rulesFile}: {e.Message}";
            return false;
        }

        if (!RuleSet.TryLoad(text, out var rules, out RuleLoadError? detail))
        {
            error = $"{_rulesFile}: {detail}";
            return false;
        }

        Volatile.Write(ref _fromFile, new RulesPolicy(rules!));
        Interlocked.Increment(ref _version);
        error = "";
        return true;
    }

    private void Reload()
    {
        if (TryLoadFile(out var error))
        {
            _log?.WriteLine($"Rules reloaded from {_rulesFile}");
        }
        else
        {
            _log?.WriteLine($"Rules not reloaded, the previous rules stay in force: {error}");
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _reload?.Dispose();
    }
}
