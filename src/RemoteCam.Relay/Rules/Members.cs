namespace RemoteCam.Relay.Rules;

/// <summary>A method or property of snapshots or strings: its parameter types and result type.</summary>
internal sealed record MemberSignature(RuleType Result, RuleType[] Parameters, int MinArguments, bool IsProperty = false)
{
    public string ArgumentCountText => MinArguments == Parameters.Length ? $"{MinArguments}" : $"{MinArguments} to {Parameters.Length}";
}

/// <summary>
/// The members the language knows (Firebase "Security Rules reference": RuleDataSnapshot methods
/// and String properties/methods). Used by the checker; the evaluator implements the same names.
/// </summary>
internal static class Members
{
    private static readonly Dictionary<string, MemberSignature> Snapshot = new(StringComparer.Ordinal)
    {
        ["val"] = new(RuleType.Any, [], 0),
        ["child"] = new(RuleType.Snapshot, [RuleType.String], 1),
        ["parent"] = new(RuleType.Snapshot, [], 0),
        ["hasChild"] = new(RuleType.Boolean, [RuleType.String], 1),
        ["hasChildren"] = new(RuleType.Boolean, [RuleType.Array], 0),
        ["exists"] = new(RuleType.Boolean, [], 0),
        ["getPriority"] = new(RuleType.Null | RuleType.Number | RuleType.String, [], 0),
        ["isNumber"] = new(RuleType.Boolean, [], 0),
        ["isString"] = new(RuleType.Boolean, [], 0),
        ["isBoolean"] = new(RuleType.Boolean, [], 0),
    };

    private static readonly Dictionary<string, MemberSignature> String = new(StringComparer.Ordinal)
    {
        ["length"] = new(RuleType.Number, [], 0, IsProperty: true),
        ["contains"] = new(RuleType.Boolean, [RuleType.String], 1),
        ["beginsWith"] = new(RuleType.Boolean, [RuleType.String], 1),
        ["endsWith"] = new(RuleType.Boolean, [RuleType.String], 1),
        ["replace"] = new(RuleType.String, [RuleType.String, RuleType.String], 2),
        ["toLowerCase"] = new(RuleType.String, [], 0),
        ["toUpperCase"] = new(RuleType.String, [], 0),
        ["matches"] = new(RuleType.Boolean, [RuleType.Regex], 1),
    };

    /// <summary>The member <paramref name="name"/> on a value that may have <paramref name="target"/> types, or null.</summary>
    public static MemberSignature? Find(RuleType target, string name)
    {
        if ((target & RuleType.Snapshot) != 0 && Snapshot.TryGetValue(name, out var snapshot))
        {
            return snapshot;
        }

        if ((target & RuleType.String) != 0 && String.TryGetValue(name, out var str))
        {
            return str;
        }

        return null;
    }
}
