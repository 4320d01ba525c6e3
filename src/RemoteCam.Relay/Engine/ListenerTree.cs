using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Engine;

/// <summary>
/// Listeners indexed by path, so a write visits only the listeners at, above or below the
/// written location rather than every open stream. Not thread-safe: the database guards it.
/// </summary>
internal sealed class ListenerTree
{
    private readonly TreeNode _root = new(null, "");

    public int Count { get; private set; }

    public void Add(IListener listener)
    {
        var node = _root;
        foreach (var key in listener.Path.Keys)
        {
            node.Children ??= new Dictionary<string, TreeNode>(StringComparer.Ordinal);
            if (!node.Children.TryGetValue(key, out var child))
            {
                child = new TreeNode(node, key);
                node.Children[key] = child;
            }

            node = child;
        }

        node.Listeners ??= [];
        node.Listeners.Add(listener);
        Count++;
    }

    public void Remove(IListener listener)
    {
        var node = Find(listener.Path);
        if (node?.Listeners is null || !node.Listeners.Remove(listener))
        {
            return;
        }

        Count--;
        // Prune empty branches so closed listeners leave nothing behind.
        while (node.Parent is not null && node.Listeners is not { Count: > 0 } && node.Children is not { Count: > 0 })
        {
            node.Parent.Children!.Remove(node.Key);
            node = node.Parent;
        }
    }

    /// <summary>Calls <paramref name="visit"/> with each listened path at or above <paramref name="path"/> that has listeners.</summary>
    public void ForEachAtOrAbove(DataPath path, Action<DataPath, List<IListener>> visit)
    {
        var node = _root;
        var depth = 0;
        while (true)
        {
            if (node.Listeners is { Count: > 0 })
            {
                visit(path.Prefix(depth), node.Listeners);
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
    public void ForEachBelow(DataPath path, Action<DataPath, List<IListener>> visit)
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

    public void ForEach(Action<IListener> visit) => Walk(_root, DataPath.Root, (_, listeners) => listeners.ForEach(visit));

    private static void Walk(TreeNode node, DataPath path, Action<DataPath, List<IListener>> visit)
    {
        if (node.Listeners is { Count: > 0 })
        {
            visit(path, node.Listeners);
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

        public List<IListener>? Listeners { get; set; }
    }
}
