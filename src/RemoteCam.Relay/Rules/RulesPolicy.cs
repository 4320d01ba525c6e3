using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Rules;

/// <summary>
/// Access decisions from a <see cref="RuleSet"/>, following the Firebase guides "Understand
/// Firebase Realtime Database Security Rules" (Rules cascade; Rules are not filters) and
/// "Use conditions in Realtime Database Security Rules" (validate):
/// <list type="bullet">
/// <item>A read of P is allowed when some <c>.read</c> on the way from the root down to P (inclusive)
/// is true, each evaluated with <c>data</c> at its own location. Rules below P are never consulted:
/// reading a parent fails even when every child is readable, and a deeper rule cannot revoke a
/// shallower grant.</item>
/// <item>A write of P likewise needs a true <c>.write</c> at P or above (with <c>data</c> and
/// <c>newData</c> at the rule's location). <c>.write</c> rules below P are not consulted: the docs
/// state grants cascade down and never up, so writing a parent whose children alone are writable
/// is denied (the same "not filters" rule as reads; targaryen behaves the same).</item>
/// <item>Then every applicable <c>.validate</c> must be true: those on P's ancestors and on P
/// (their <c>newData</c> changes too, so a parent's <c>hasChildren([…])</c> constrains writes of a
/// single child, a documented Firebase pitfall), and those on every node of the new data below P.
/// A <c>.validate</c> is skipped where the new data is null, so deletes only face the ancestors'
/// rules. A named key's rules are used instead of the sibling wildcard's.</item>
/// <item>A multi-path update calls <see cref="CanWrite"/> once per location with the same merged
/// <c>newRoot</c>, so each location's ancestors validate against the combined result; the database
/// rejects the whole update when any call is false.</item>
/// </list>
/// A rule that fails at run time is false. Evaluation is bounded per decision.
/// </summary>
internal sealed class RulesPolicy(RuleSet rules) : IAccessPolicy
{
    public RuleSet Rules { get; } = rules;

    public bool CanRead(Identity who, DataPath path, Node? root, long nowMs) => CanRead(who, path, root, nowMs, null);

    /// <summary>A read or query; <paramref name="query"/> supplies the <c>query.*</c> variables (null for a plain read).</summary>
    public bool CanRead(Identity who, DataPath path, Node? root, long nowMs, QuerySpec? query)
    {
        var context = new EvaluationContext(RuleValues.Auth(who), nowMs, root, null, RuleValues.Query(query));
        foreach (var (node, location) in Walk(path))
        {
            if (node.Read is { } rule && Evaluator.Evaluate(rule.Expression, context, location))
            {
                return true;
            }
        }

        return false;
    }

    public bool CanWrite(Identity who, DataPath path, Node? root, Node? newRoot, long nowMs)
    {
        var context = new EvaluationContext(RuleValues.Auth(who), nowMs, root, newRoot, null);
        var levels = Walk(path).ToList();
        if (!levels.Exists(level => level.Node.Write is { } rule && Evaluator.Evaluate(rule.Expression, context, level.Location)))
        {
            return false;
        }

        foreach (var (node, location) in levels)
        {
            if (Tree.Get(newRoot, location.Path) is null)
            {
                return true;
            }

            if (node.Validate is { } rule && !Evaluator.Evaluate(rule.Expression, context, location))
            {
                return false;
            }
        }

        if (levels.Count < path.Count + 1)
        {
            return true;
        }

        var (target, at) = levels[^1];
        return ValidateBelow(target, at, Tree.Get(newRoot, path), context, 0);
    }

    /// <summary>The rule nodes matching each prefix of <paramref name="path"/>, root first, until no rule matches.</summary>
    private IEnumerable<(RuleNode Node, RuleLocation Location)> Walk(DataPath path)
    {
        IReadOnlyDictionary<string, string> wildcards = new Dictionary<string, string>(StringComparer.Ordinal);
        RuleNode? node = Rules.Root;
        for (var depth = 0; ; depth++)
        {
            yield return (node, new RuleLocation(path.Prefix(depth), wildcards));
            if (depth == path.Count)
            {
                yield break;
            }

            node = node.Child(path.Keys[depth], ref wildcards);
            if (node is null)
            {
                yield break;
            }
        }
    }

    /// <summary>Runs the <c>.validate</c> rules of every non-null new node strictly below <paramref name="location"/>.</summary>
    private static bool ValidateBelow(RuleNode node, RuleLocation location, Node? newNode, EvaluationContext context, int depth)
    {
        if (newNode is not ObjectNode obj || depth > DataPath.MaxDepth)
        {
            return true;
        }

        foreach (var (key, child) in obj.Children)
        {
            var wildcards = location.Wildcards;
            var rules = node.Child(key, ref wildcards);
            if (rules is null || !rules.HasValidate)
            {
                continue;
            }

            var childLocation = new RuleLocation(location.Path.Child(key), wildcards);
            if (rules.Validate is { } rule && !Evaluator.Evaluate(rule.Expression, context, childLocation))
            {
                return false;
            }

            if (!ValidateBelow(rules, childLocation, child, context, depth + 1))
            {
                return false;
            }
        }

        return true;
    }
}
