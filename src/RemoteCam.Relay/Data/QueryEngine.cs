namespace RemoteCam.Relay.Data;

/// <summary>
/// Evaluates a <see cref="QuerySpec"/> on a location's value, as the JS SDK's view filters do
/// (core/view/filter/IndexedFilter, RangedFilter, LimitedFilter): keep the children between the
/// start and end posts, then the first or last <c>limit</c> of them in the query order.
/// </summary>
internal static class QueryEngine
{
    /// <summary>
    /// The filtered value. A bare <c>orderBy</c> returns <paramref name="value"/> unchanged
    /// (IndexedFilter). With a range or limit, only an object's children are filtered; a leaf gives
    /// null, as RangedFilter/LimitedFilter.updateFullNode turn a leaf into the empty node. The
    /// result has no priority (the filters call updatePriority(EMPTY_NODE)) and is null when no
    /// child is left. Children stay in key order: REST returns filtered results as an object whose
    /// order is undefined, and clients sort them.
    /// </summary>
    public static Node? Apply(Node? value, QuerySpec spec)
    {
        if (!spec.HasFilter)
        {
            return value;
        }

        if (value is not ObjectNode obj)
        {
            return null;
        }

        var needsOrder = spec.LimitToFirst is not null || spec.LimitToLast is not null;
        var selected = Select(obj, spec, needsOrder);
        if (selected.Count == 0)
        {
            return null;
        }

        if (selected.Count == obj.Children.Count)
        {
            return obj.Priority.IsNone ? obj : obj.WithPriority(Priority.None);
        }

        var children = ObjectNode.NoChildren.ToBuilder();
        foreach (var entry in selected)
        {
            children.Add(entry.Post.Name, entry.Node);
        }

        return new ObjectNode(children.ToImmutable());
    }

    /// <summary>The children the query selects, in query order; empty for a leaf or null.</summary>
    public static IReadOnlyList<KeyValuePair<string, Node>> Ordered(Node? value, QuerySpec spec)
    {
        if (value is not ObjectNode obj)
        {
            return [];
        }

        return Select(obj, spec, needsOrder: true).ConvertAll(e => KeyValuePair.Create(e.Post.Name, e.Node));
    }

    /// <summary>O(n) range filter, then an O(m log m) sort when an order is needed.</summary>
    private static List<Entry> Select(ObjectNode obj, QuerySpec spec, bool needsOrder)
    {
        var (start, startInclusive) = StartPost(spec);
        var (end, endInclusive) = EndPost(spec);
        var entries = new List<Entry>(obj.Children.Count);
        foreach (var (key, child) in obj.Children)
        {
            var post = Ordering.PostOf(spec, key, child);
            var fromStart = start is null ? 1 : Ordering.Compare(post, start.Value);
            var toEnd = end is null ? -1 : Ordering.Compare(post, end.Value);
            if ((fromStart > 0 || (startInclusive && fromStart == 0)) && (toEnd < 0 || (endInclusive && toEnd == 0)))
            {
                entries.Add(new Entry(post, child));
            }
        }

        // Children are already in key order, which is the $key query order.
        if (needsOrder && spec.OrderBy != QueryOrder.Key)
        {
            entries.Sort(static (x, y) => Ordering.Compare(x.Post, y.Post));
        }

        if (spec.LimitToFirst is { } first && entries.Count > first)
        {
            entries.RemoveRange(first, entries.Count - first);
        }

        if (spec.LimitToLast is { } last && entries.Count > last)
        {
            entries.RemoveRange(0, entries.Count - last);
        }

        return entries;
    }

    /// <summary>
    /// QueryParams' start post. Without a key name, startAt starts before every key of the value
    /// (MIN_NAME) and startAfter after every key (queryParamsStartAfter uses MAX_NAME). Under
    /// $key order the value is the key name itself (KeyIndex.makePost).
    /// </summary>
    private static (QueryPost? Post, bool Inclusive) StartPost(QuerySpec spec)
    {
        if ((spec.StartAt ?? spec.EqualTo) is { } inclusive)
        {
            return (MakePost(spec, inclusive, Ordering.MinName), true);
        }

        return spec.StartAfter is { } exclusive ? (MakePost(spec, exclusive, Ordering.MaxName), false) : (null, true);
    }

    /// <summary>The end post: endAt ends after every key (MAX_NAME), endBefore before every key (MIN_NAME).</summary>
    private static (QueryPost? Post, bool Inclusive) EndPost(QuerySpec spec)
    {
        if ((spec.EndAt ?? spec.EqualTo) is { } inclusive)
        {
            return (MakePost(spec, inclusive, Ordering.MaxName), true);
        }

        return spec.EndBefore is { } exclusive ? (MakePost(spec, exclusive, Ordering.MinName), false) : (null, true);
    }

    private static QueryPost MakePost(QuerySpec spec, QueryBound bound, string defaultName) =>
        spec.OrderBy == QueryOrder.Key
            ? new QueryPost(null, bound.Value as string ?? "")
            : new QueryPost(bound.Value, bound.Key ?? defaultName);

    private readonly record struct Entry(QueryPost Post, Node Node);
}
