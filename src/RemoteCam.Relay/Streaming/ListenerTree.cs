using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Streaming;

/// <summary>
/// Listeners indexed by path, so a write visits only the listeners at, above or below the
/// written location rather than every open stream. Not thread-safe: the database guards it.
/// </summary>
internal sealed class ListenerTree
{
    private readonly TreeNode _root = new(null, "");

    public int Count { get; private set; }

    public void Add(EventStream stream)
    {
        var node = _root;
        foreach (var key in stream.Path.Keys)
        {
            node.Children ??= new Dictionary<string, TreeNode>(StringComparer.Ordinal);
            if (!node.Children.TryGetValue(key, out var child))
            {
                child = new TreeNode(node, key);
                node.Children[key] = child;
            }

            node = child;
        }

        node.Streams ??= [];
        node.Streams.Add(stream);
        Count++;
    }

    public void Remove(EventStream stream)
    {
        var node = Find(stream.Path);
        if (node?.Streams is null || !node.Streams.Remove(stream))
        {
            return;
        }

        Count--;
        // Prune empty branches so closed streams leave nothing behind.
        while (node.Parent is not null && node.Streams is not { Count: > 0 } && node.Children is not { Count: > 0 })
        {
            node.Parent.Children!.Remove(node.Key);
            node = node.Parent;
        }
    }

    /// <summary>Calls <paramref name="visit"/> with each listened path at or above <paramref name="path"/> that has streams.</summary>
    public void ForEachAtOrAbove(DataPath path, Action<DataPath, List<EventStream>> visit)
    {
        var node = _root;
        var depth = 0;
        while (true)
        {
            if (node.Streams is { Count: > 0 })
            {
                visit(path.Prefix(depth), node.Streams);
            }

            if (depth == path.Count || node.Children is null || !node.Children.TryGetValue(path.Keys[depth], out var next))
            {
                return;
            }

            node = next;
            depth++;
        }
    }

    /// <summary>Calls <paramref name="visit"/> with each listened path strictly below <paramref name="path"/>.</summary>
    public void ForEachBelow(DataPath path, Action<DataPath, List<EventStream>> visit)
    {
        var start = Find(path);
        if (start?.Children is null)
        {
            return;
        }

        foreach (var child in start.Children.Values)
        {
            Walk(child, path.Child(child.Key), visit);
        }
    }

    public void ForEach(Action<EventStream> visit) => Walk(_root, DataPath.Root, (_, streams) => streams.ForEach(visit));

    private static void Walk(TreeNode node, DataPath path, Action<DataPath, List<EventStream>> visit)
    {
        if (node.Streams is { Count: > 0 })
        {
            visit(path, node.Streams);
        }

        if (node.Children is null)
        {
            return;
        }

        foreach (var child in node.Children.Values)
        {
            Walk(child, path.Child(child.Key), visit);
        }
    }

    private TreeNode? Find(DataPath path)
    {
        var node = _root;
        foreach (var key in path.Keys)
        {
            if (node.Children is null || !node.Children.TryGetValue(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    private sealed class TreeNode(TreeNode? parent, string key)
    {
        public TreeNode? Parent { get; } = parent;

        public string Key { get; } = key;

        public Dictionary<string, TreeNode>? Children { get; set; }

        public List<EventStream>? Streams { get; set; }
    }
}
