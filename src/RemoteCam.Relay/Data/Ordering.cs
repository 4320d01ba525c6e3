namespace RemoteCam.Relay.Data;

/// <summary>
/// A child's position in a query order, the SDK's <c>NamedNode</c> "post": the index value
/// (null, bool, double, string or <see cref="Ordering.ObjectValue"/>) and the key name.
/// </summary>
internal readonly record struct QueryPost(object? Value, string Name);

/// <summary>
/// Firebase's query orders, as the JS SDK implements them (packages/database/src/core/snap/indexes/
/// KeyIndex, ValueIndex, PriorityIndex, PathIndex; LeafNode.compareTo; util nameCompare):
/// index values compare first, then keys break ties in <see cref="KeyOrder"/>.
/// </summary>
internal static class Ordering
{
    /// <summary>The SDK's MIN_NAME: before every key (util/util.ts).</summary>
    public const string MinName = "[MIN_NAME]";

    /// <summary>The SDK's MAX_NAME: after every key.</summary>
    public const string MaxName = "[MAX_NAME]";

    /// <summary>The index value of an object: after every leaf, and equal to every other object (ChildrenNode.compareTo).</summary>
    public static readonly object ObjectValue = new ObjectMarker();

    /// <summary>The SDK's <c>nameCompare</c>: the sentinels first/last, then <see cref="KeyOrder"/>.</summary>
    public static int CompareNames(string x, string y)
    {
        if (string.Equals(x, y, StringComparison.Ordinal))
        {
            return 0;
        }

        if (x == MinName || y == MaxName)
        {
            return -1;
        }

        if (y == MinName || x == MaxName)
        {
            return 1;
        }

        return KeyOrder.Comparer.Compare(x, y);
    }

    /// <summary>
    /// Index values: null (no value, no priority) first, then false, true, numbers ascending,
    /// strings in UTF-16 code-unit order (JS <c>&lt;</c>), then objects, all equal to each other.
    /// LeafNode.compareTo orders leaf types by VALUE_TYPE_ORDER (boolean, number, string).
    /// </summary>
    public static int CompareValues(object? x, object? y)
    {
        var byRank = Rank(x).CompareTo(Rank(y));
        if (byRank != 0)
        {
            return byRank;
        }

        return (x, y) switch
        {
            (bool a, bool b) => a.CompareTo(b),
            (double a, double b) => a.CompareTo(b), // -0 equals 0, as with JS < and ===
            (string a, string b) => Math.Sign(string.CompareOrdinal(a, b)),
            _ => 0,
        };
    }

    /// <summary>Compares posts: index value first, then key name.</summary>
    public static int Compare(QueryPost x, QueryPost y)
    {
        var byValue = CompareValues(x.Value, y.Value);
        return byValue != 0 ? byValue : CompareNames(x.Name, y.Name);
    }

    /// <summary>
    /// The value a child is ordered by. Key order uses no value (all null, so names decide).
    /// Child order reads the child path; through a leaf or a missing child it is null, as
    /// LeafNode.getChild returns the empty node; an object there orders as an object.
    /// </summary>
    public static object? IndexValue(QuerySpec spec, Node child) => spec.OrderBy switch
    {
        QueryOrder.Key => null,
        QueryOrder.Value => ValueOf(child),
        QueryOrder.Priority => child.Priority.Value,
        QueryOrder.Child => ValueOf(Tree.Get(child, spec.ChildPath ?? DataPath.Root)),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.OrderBy, "Unknown query order."),
    };

    public static QueryPost PostOf(QuerySpec spec, string key, Node child) => new(IndexValue(spec, child), key);

    /// <summary>A comparer of children in the query's order.</summary>
    public static IComparer<KeyValuePair<string, Node>> For(QuerySpec spec) => new ChildComparer(spec);

    private static object? ValueOf(Node? node) => node switch
    {
        LeafNode leaf => leaf.Value,
        ObjectNode => ObjectValue,
        _ => null,
    };

    private static int Rank(object? value) => value switch
    {
        null => 0,
        bool => 1,
        double => 2,
        string => 3,
        _ => 4,
    };

    private sealed class ObjectMarker
    {
        public override string ToString() => "[object]";
    }

    private sealed class ChildComparer(QuerySpec spec) : IComparer<KeyValuePair<string, Node>>
    {
        public int Compare(KeyValuePair<string, Node> x, KeyValuePair<string, Node> y) =>
            Ordering.Compare(PostOf(spec, x.Key, x.Value), PostOf(spec, y.Key, y.Value));
    }
}
