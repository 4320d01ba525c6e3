using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Rules;

/// <summary>Member access and method calls (Firebase "Security Rules reference": RuleDataSnapshot and String).</summary>
internal sealed partial class Evaluator
{
    private static object? Property(object? target, string name) => target switch
    {
        string s when name == "length" => (double)s.Length,
        IReadOnlyDictionary<string, object?> map => map.TryGetValue(name, out var value) ? value : null,
        null => throw Error($"cannot read '{name}' of null"),
        _ => throw Error($"no property '{name}' on a {RuleValues.TypeName(target)}"),
    };

    private static object? Index(object? target, object? index) => (target, index) switch
    {
        (IReadOnlyDictionary<string, object?> map, string key) => map.TryGetValue(key, out var value) ? value : null,
        (IReadOnlyList<object?> list, double i) => i >= 0 && i < list.Count && i == Math.Floor(i) ? list[(int)i] : null,
        (null, _) => throw Error("cannot index null"),
        _ => throw Error("invalid index"),
    };

    private static object? Call(object? target, string name, object?[] args) => target switch
    {
        SnapshotValue snapshot => SnapshotMethod(snapshot, name, args),
        string s => StringMethod(s, name, args),
        null => throw Error($"cannot call {name}() on null"),
        _ => throw Error($"no method {name}() on a {RuleValues.TypeName(target)}"),
    };

    private static object? SnapshotMethod(SnapshotValue snapshot, string name, object?[] args)
    {
        switch (name)
        {
            case "val":
                return snapshot.Node switch
                {
                    null => null,
                    LeafNode leaf => leaf.Value,
                    _ => ObjectValue.Instance,
                };
            case "child":
                return new SnapshotValue(snapshot.TreeRoot, snapshot.Path.Concat(ChildPath(args[0])));
            case "parent":
                return snapshot.Path.IsRoot ? throw Error("the root has no parent") : new SnapshotValue(snapshot.TreeRoot, snapshot.Path.Parent);
            case "hasChild":
                return Tree.Get(snapshot.Node, ChildPath(args[0])) is not null;
            case "hasChildren":
                if (args.Length == 0)
                {
                    return snapshot.Node is ObjectNode;
                }

                if (args[0] is not IReadOnlyList<object?> names)
                {
                    throw Error("hasChildren() needs an array of strings");
                }

                foreach (var child in names)
                {
                    if (Tree.Get(snapshot.Node, ChildPath(child)) is null)
                    {
                        return false;
                    }
                }

                return true;
            case "exists":
                return snapshot.Node is not null;
            case "getPriority":
                return snapshot.Node?.Priority.Value;
            case "isNumber":
                return snapshot.Node is LeafNode { Value: double };
            case "isString":
                return snapshot.Node is LeafNode { Value: string };
            case "isBoolean":
                return snapshot.Node is LeafNode { Value: bool };
            default:
                throw Error($"no method {name}() on a snapshot");
        }
    }

    /// <summary>A child path argument: slash-separated keys, empty segments ignored, invalid keys an error.</summary>
    private static DataPath ChildPath(object? arg)
    {
        if (arg is not string text)
        {
            throw Error("a child path must be a string");
        }

        return DataPath.TryParse(text, out var path, out _) ? path : throw Error($"invalid child path '{text}'");
    }

    private static object? StringMethod(string s, string name, object?[] args)
    {
        switch (name)
        {
            case "contains":
                return s.Contains(Text(args[0]), StringComparison.Ordinal);
            case "beginsWith":
                return s.StartsWith(Text(args[0]), StringComparison.Ordinal);
            case "endsWith":
                return s.EndsWith(Text(args[0]), StringComparison.Ordinal);
            case "replace":
                {
                    // All occurrences, as in the legacy reference's example (not JavaScript's first-only).
                    var find = Text(args[0]);
                    return find.Length == 0 ? s : s.Replace(find, Text(args[1]), StringComparison.Ordinal);
                }

            case "toLowerCase":
                return s.ToLowerInvariant();
            case "toUpperCase":
                return s.ToUpperInvariant();
            case "matches":
                return args[0] is RuleRegex regex ? regex.IsMatch(s) : throw Error("matches() needs a regular expression literal");
            default:
                throw Error($"no method {name}() on a string");
        }
    }

    private static string Text(object? arg) => arg as string ?? throw Error("expected a string argument");
}
