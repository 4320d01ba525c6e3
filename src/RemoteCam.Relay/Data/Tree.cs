namespace RemoteCam.Relay.Data;

/// <summary>Path operations on immutable trees; each write returns a new root sharing unchanged parts.</summary>
internal static class Tree
{
    public static Node? Get(Node? root, DataPath path)
    {
        var node = root;
        foreach (var key in path.Keys)
        {
            if (node is not ObjectNode obj)
            {
                return null;
            }

            node = obj.Child(key);
        }

        return node;
    }

    /// <summary>Sets (or with null, deletes) the value at <paramref name="path"/>.</summary>
    public static Node? Set(Node? root, DataPath path, Node? value) => Set(root, path, 0, value);

    private static Node? Set(Node? node, DataPath path, int index, Node? value)
    {
        if (index == path.Count)
        {
            return value;
        }

        var key = path.Keys[index];
        var obj = node as ObjectNode;
        var oldChild = obj?.Child(key);
        var newChild = Set(oldChild, path, index + 1, value);
        if (ReferenceEquals(oldChild, newChild))
        {
            return node;
        }

        if (obj is null)
        {
            // A leaf (or nothing) becomes an object; a leaf keeps its priority, as in Firebase.
            return newChild is null ? node : new ObjectNode(ObjectNode.NoChildren.Add(key, newChild), node?.Priority ?? default);
        }

        return obj.With(key, newChild);
    }

    /// <summary>Sets the priority of the node at <paramref name="path"/>; nothing happens where there is no node.</summary>
    public static Node? SetPriority(Node? root, DataPath path, Priority priority)
    {
        var node = Get(root, path);
        return node is null ? root : Set(root, path, node.WithPriority(priority));
    }

    /// <summary>Applies a multi-path update: each relative path is set in turn.</summary>
    public static Node? Update(Node? root, DataPath path, IReadOnlyList<KeyValuePair<DataPath, Node?>> children)
    {
        foreach (var (relative, value) in children)
        {
            root = Set(root, path.Concat(relative), value);
        }

        return root;
    }

    /// <summary>Counts nodes (for limits and statistics).</summary>
    public static long CountNodes(Node? node) => node switch
    {
        null => 0,
        ObjectNode obj => 1 + obj.Children.Values.Sum(CountNodes),
        _ => 1,
    };
}
