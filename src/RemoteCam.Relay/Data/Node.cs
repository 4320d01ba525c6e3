using System.Collections.Immutable;

namespace RemoteCam.Relay.Data;

/// <summary>
/// A node of the immutable JSON tree. An absent value (null in JSON) is represented by a null
/// reference, never by a node, so "exists" is simply "not null". Immutability lets a stream,
/// a snapshot writer and a reader hold a root without locks while writers build the next one.
/// </summary>
internal abstract class Node
{
    protected Node(Priority priority) => Priority = priority;

    /// <summary>The node's priority, or <see cref="Priority.None"/>.</summary>
    public Priority Priority { get; }

    public abstract Node WithPriority(Priority priority);
}

/// <summary>A string, number or boolean.</summary>
internal sealed class LeafNode : Node
{
    private LeafNode(object value, Priority priority) : base(priority) => Value = value;

    /// <summary>A <see cref="string"/>, <see cref="double"/> or <see cref="bool"/>.</summary>
    public object Value { get; }

    public static LeafNode Of(string value, Priority priority = default) => new(value, priority);

    public static LeafNode Of(double value, Priority priority = default) => new(value, priority);

    public static LeafNode Of(bool value, Priority priority = default) => new(value, priority);

    public override Node WithPriority(Priority priority) => new LeafNode(Value, priority);
}

/// <summary>An object with at least one child; children are kept in Firebase key order.</summary>
internal sealed class ObjectNode : Node
{
    public static readonly ImmutableSortedDictionary<string, Node> NoChildren =
        ImmutableSortedDictionary.Create<string, Node>(KeyOrder.Comparer);

    public ObjectNode(ImmutableSortedDictionary<string, Node> children, Priority priority = default)
        : base(priority)
    {
        Children = children;
    }

    public ImmutableSortedDictionary<string, Node> Children { get; }

    public Node? Child(string key) => Children.TryGetValue(key, out var child) ? child : null;

    public override Node WithPriority(Priority priority) => new ObjectNode(Children, priority);

    /// <summary>Returns the object with <paramref name="key"/> set (or removed when null); null when nothing is left.</summary>
    public ObjectNode? With(string key, Node? child)
    {
        var children = child is null ? Children.Remove(key) : Children.SetItem(key, child);
        if (ReferenceEquals(children, Children))
        {
            return this;
        }

        return children.IsEmpty ? null : new ObjectNode(children, Priority);
    }
}

/// <summary>
/// A server value placeholder (<c>{".sv": …}</c>) as parsed from a request. It never reaches the
/// stored tree: <see cref="ServerValues"/> resolves it before a write is applied.
/// </summary>
internal sealed class ServerValueNode : Node
{
    public ServerValueNode(ServerValueKind kind, double delta, Priority priority = default)
        : base(priority)
    {
        Kind = kind;
        Delta = delta;
    }

    public ServerValueKind Kind { get; }

    public double Delta { get; }

    public override Node WithPriority(Priority priority) => new ServerValueNode(Kind, Delta, priority);
}

internal enum ServerValueKind
{
    Timestamp,
    Increment,
}

/// <summary>A node priority: absent, a number or a string.</summary>
internal readonly record struct Priority
{
    private Priority(object? value) => Value = value;

    public static Priority None => default;

    /// <summary>Null, a <see cref="double"/> or a <see cref="string"/> (in a request not yet applied, also a <see cref="ServerValueNode"/>).</summary>
    public object? Value { get; }

    public bool IsNone => Value is null;

    public static Priority Of(double value) => new(value);

    public static Priority Of(string value) => new(value);

    /// <summary>A priority given as a server value (<c>".priority": {".sv": "timestamp"}</c>), resolved with the write.</summary>
    public static Priority Pending(ServerValueNode value) => new(value);

    public bool IsPending => Value is ServerValueNode;
}
