using System.Text.Json;

namespace RemoteCam.Relay.Data;

/// <summary>
/// Server values: <c>{".sv":"timestamp"}</c> becomes the server's epoch milliseconds and
/// <c>{".sv":{"increment":n}}</c> adds n to the value already stored at that location (a missing
/// or non-numeric value counts as zero), both resolved when the write is applied.
/// </summary>
internal static class ServerValues
{
    public static bool TryParse(JsonElement sv, out ServerValueNode node, out string error)
    {
        node = null!;
        error = "";
        if (sv.ValueKind == JsonValueKind.String && sv.GetString() == "timestamp")
        {
            node = new ServerValueNode(ServerValueKind.Timestamp, 0);
            return true;
        }

        if (sv.ValueKind == JsonValueKind.Object)
        {
            var properties = sv.EnumerateObject().ToList();
            if (properties.Count == 1 && properties[0].Name == "increment")
            {
                if (properties[0].Value.ValueKind == JsonValueKind.Number
                    && properties[0].Value.TryGetDouble(out var delta) && double.IsFinite(delta))
                {
                    node = new ServerValueNode(ServerValueKind.Increment, delta);
                    return true;
                }

                error = "Invalid data; the increment server value needs a number";
                return false;
            }
        }

        error = $"Invalid data; unknown server value {sv.GetRawText()}";
        return false;
    }

    /// <summary>True when the node contains a placeholder anywhere (a priority too).</summary>
    public static bool Contains(Node? node) => node switch
    {
        null => false,
        _ when node.Priority.IsPending => true,
        ServerValueNode => true,
        ObjectNode obj => obj.Children.Values.Any(Contains),
        _ => false,
    };

    /// <summary>Replaces placeholders in <paramref name="node"/>, which will be written over <paramref name="existing"/>.</summary>
    public static Node? Resolve(Node? node, Node? existing, long nowMs)
    {
        var resolved = ResolveValue(node, existing, nowMs);
        if (resolved?.Priority.Value is not ServerValueNode pending)
        {
            return resolved;
        }

        var value = pending.Kind == ServerValueKind.Timestamp
            ? nowMs
            : (existing?.Priority.Value is double d ? d : 0) + pending.Delta;
        return resolved.WithPriority(Priority.Of(value));
    }

    private static Node? ResolveValue(Node? node, Node? existing, long nowMs)
    {
        switch (node)
        {
            case ServerValueNode { Kind: ServerValueKind.Timestamp } sv:
                return LeafNode.Of(nowMs, sv.Priority);
            case ServerValueNode sv:
                var current = existing is LeafNode { Value: double d } ? d : 0;
                return LeafNode.Of(current + sv.Delta, sv.Priority);
            case ObjectNode obj when Contains(obj):
                var builder = obj.Children.ToBuilder();
                foreach (var (key, child) in obj.Children)
                {
                    var resolved = Resolve(child, (existing as ObjectNode)?.Child(key), nowMs);
                    if (resolved is null)
                    {
                        builder.Remove(key);
                    }
                    else
                    {
                        builder[key] = resolved;
                    }
                }

                return builder.Count == 0 ? null : new ObjectNode(builder.ToImmutable(), obj.Priority);
            default:
                return node;
        }
    }
}
