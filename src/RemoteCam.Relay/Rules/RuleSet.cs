using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Rules;

/// <summary>
/// A loaded, checked database.rules.json. Immutable and thread-safe: build a
/// <see cref="RulesPolicy"/> from it to decide access, and ask <see cref="HasIndex"/> for
/// <c>.indexOn</c>.
/// </summary>
internal sealed class RuleSet
{
    /// <summary>What Firebase ships for a new database in locked mode: nobody but admins.</summary>
    public static readonly RuleSet Closed = Load("""{"rules": {".read": false, ".write": false}}""");

    private RuleSet(RuleNode root, string source)
    {
        Root = root;
        Source = source;
    }

    public RuleNode Root { get; }

    /// <summary>The text as loaded, comments included (what GET /.settings/rules.json returns).</summary>
    public string Source { get; }

    /// <summary>Loads a rules file; on failure <paramref name="error"/> is Firebase's message (<c>Error saving rules - Line N: …</c>).</summary>
    public static bool TryLoad(string text, out RuleSet? rules, out string error)
    {
        var ok = TryLoad(text, out rules, out RuleLoadError? detail);
        error = detail?.FirebaseMessage ?? "";
        return ok;
    }

    /// <summary>Loads a rules file; on failure <paramref name="error"/> also has the rule's JSON path and column.</summary>
    public static bool TryLoad(string text, out RuleSet? rules, out RuleLoadError? error)
    {
        rules = null;
        if (!RuleSetLoader.TryLoad(text, out var root, out error))
        {
            return false;
        }

        rules = new RuleSet(root!, text);
        return true;
    }

    public static RuleSet Load(string text) =>
        TryLoad(text, out RuleSet? rules, out RuleLoadError? error) ? rules! : throw new ArgumentException(error!.ToString(), nameof(text));

    /// <summary>
    /// True when the rules at <paramref name="path"/> (named keys first, then the wildcard) list
    /// <paramref name="index"/> in <c>.indexOn</c>: a child path such as <c>height</c> or
    /// <c>dimensions/height</c>, or <c>.value</c> for orderByValue. Key and priority order need no index.
    /// </summary>
    public bool HasIndex(DataPath path, string index)
    {
        var wildcards = (IReadOnlyDictionary<string, string>)new Dictionary<string, string>();
        var node = Root;
        foreach (var key in path.Keys)
        {
            node = node.Child(key, ref wildcards);
            if (node is null)
            {
                return false;
            }
        }

        var wanted = index.Trim('/');
        return node.IndexOn.Contains(wanted, StringComparer.Ordinal);
    }

    /// <summary>Whether a query needs an index it lacks; orderBy $key and $priority never do.</summary>
    public bool HasIndexFor(DataPath path, QuerySpec query) => query.OrderBy switch
    {
        QueryOrder.Value => HasIndex(path, ".value"),
        QueryOrder.Child => HasIndex(path, string.Join('/', query.ChildPath?.Keys ?? [])),
        _ => true,
    };

    /// <summary>Firebase's error for an unindexed orderByChild/orderByValue query (the HTTP layer sends it as 400).</summary>
    public static string IndexNotDefinedMessage(DataPath path, string index) =>
        $"Index not defined, add \".indexOn\": \"{index}\", for path \"{path}\", to the rules";
}
