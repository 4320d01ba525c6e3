using System.Globalization;
using System.Text.Json;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Rules;

/// <summary>A rule failed at run time (method on null, wrong operand type, …): that rule is false.</summary>
internal class RuleRuntimeException(string message) : Exception(message);

/// <summary>The per-decision evaluation budget ran out: every remaining rule of the decision is false.</summary>
internal sealed class RuleBudgetException() : RuleRuntimeException("Rule evaluation budget exceeded.");

/// <summary>
/// A RuleDataSnapshot (Firebase "Security Rules reference", RuleDataSnapshot): the data at
/// <see cref="Path"/> of one version of the tree (<c>root</c>/<c>data</c> before the write,
/// <c>newData</c> after it).
/// </summary>
internal sealed class SnapshotValue(Node? treeRoot, DataPath path)
{
    private Node? _node;
    private bool _resolved;

    public Node? TreeRoot { get; } = treeRoot;

    public DataPath Path { get; } = path;

    public Node? Node
    {
        get
        {
            if (!_resolved)
            {
                _node = Tree.Get(TreeRoot, Path);
                _resolved = true;
            }

            return _node;
        }
    }
}

/// <summary>What <c>val()</c> returns for a node with children: a value equal to nothing and usable by no operator.</summary>
internal sealed class ObjectValue
{
    public static readonly ObjectValue Instance = new();
}

/// <summary>Builders of the <c>auth</c> and <c>query</c> variables and JavaScript-like helpers.</summary>
internal static class RuleValues
{
    private const int MaxClaimDepth = 32;

    /// <summary>
    /// <c>auth</c> (Firebase "Security Rules reference", auth): null when signed out, otherwise
    /// <c>{uid, provider, token}</c> where <c>token</c> holds the ID token's claims.
    /// </summary>
    public static object? Auth(Identity who)
    {
        if (!who.IsSignedIn)
        {
            return null;
        }

        var token = who.Claims is { ValueKind: JsonValueKind.Object } claims
            ? FromJson(claims, 0)
            : new Dictionary<string, object?>(StringComparer.Ordinal);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["uid"] = who.Uid,
            ["provider"] = who.Provider,
            ["token"] = token,
        };
    }

    /// <summary>
    /// <c>query</c> (Firebase "Security Rules reference", query; rules-conditions "Query-based
    /// rules"): without a query every order flag is false and every bound null.
    /// </summary>
    public static Dictionary<string, object?> Query(QuerySpec? spec)
    {
        var ordered = spec is not null;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["orderByKey"] = ordered && spec!.OrderBy == QueryOrder.Key,
            ["orderByPriority"] = ordered && spec!.OrderBy == QueryOrder.Priority,
            ["orderByValue"] = ordered && spec!.OrderBy == QueryOrder.Value,
            ["orderByChild"] = spec is { OrderBy: QueryOrder.Child, ChildPath: { } child } ? string.Join('/', child.Keys) : null,
            ["startAt"] = spec?.StartAt?.Value,
            ["endAt"] = spec?.EndAt?.Value,
            ["equalTo"] = spec?.EqualTo?.Value,
            ["limitToFirst"] = spec?.LimitToFirst is { } first ? (double)first : null,
            ["limitToLast"] = spec?.LimitToLast is { } last ? (double)last : null,
        };
    }

    private static object? FromJson(JsonElement element, int depth)
    {
        if (depth > MaxClaimDepth)
        {
            return null;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    map[property.Name] = FromJson(property.Value, depth + 1);
                }

                return map;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(e => FromJson(e, depth + 1)).ToList();
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>JavaScript's ToString for the values <c>+</c> may concatenate.</summary>
    public static string ToText(object? value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        double d when double.IsNaN(d) => "NaN",
        double d when double.IsPositiveInfinity(d) => "Infinity",
        double d when double.IsNegativeInfinity(d) => "-Infinity",
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e21 => ((decimal)d).ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        null => "null",
        _ => throw new RuleRuntimeException("Type error: cannot convert to a string."),
    };

    public static string TypeName(object? value) => value switch
    {
        null => "null",
        bool => "boolean",
        double => "number",
        string => "string",
        SnapshotValue => "snapshot",
        RuleRegex => "regexp",
        _ => "object",
    };
}
