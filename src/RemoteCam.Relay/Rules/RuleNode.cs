namespace RemoteCam.Relay.Rules;

/// <summary>A checked rule: its expression (a JSON <c>true</c>/<c>false</c> becomes a literal) and where it came from.</summary>
internal sealed record CompiledRule(Expr Expression, string RulePath);

/// <summary>
/// The rules at one level of the rules tree: named children, at most one <c>$wildcard</c> child,
/// and the node's own <c>.read</c>, <c>.write</c>, <c>.validate</c> and <c>.indexOn</c>.
/// </summary>
internal sealed class RuleNode
{
    public required IReadOnlyDictionary<string, RuleNode> Named { get; init; }

    /// <summary>The <c>$name</c> of the wildcard child, or null.</summary>
    public string? WildcardName { get; init; }

    public RuleNode? Wildcard { get; init; }

    public CompiledRule? Read { get; init; }

    public CompiledRule? Write { get; init; }

    public CompiledRule? Validate { get; init; }

    /// <summary>The <c>.indexOn</c> entries: child paths (normalised, no leading slash) or <c>.value</c>.</summary>
    public IReadOnlyList<string> IndexOn { get; init; } = [];

    /// <summary>True when this node or any node below it has a <c>.validate</c> rule (lets validation skip bare subtrees).</summary>
    public bool HasValidate { get; init; }

    /// <summary>
    /// The rules for child <paramref name="key"/>: a named child wins over the wildcard ("Security
    /// Rules": <c>$other</c> matches keys no sibling names). Adds a wildcard capture to
    /// <paramref name="wildcards"/> when the wildcard matches.
    /// </summary>
    public RuleNode? Child(string key, ref IReadOnlyDictionary<string, string> wildcards)
    {
        if (Named.TryGetValue(key, out var named))
        {
            return named;
        }

        if (Wildcard is null)
        {
            return null;
        }

        wildcards = new Dictionary<string, string>(wildcards, StringComparer.Ordinal) { [WildcardName!] = key };
        return Wildcard;
    }
}
