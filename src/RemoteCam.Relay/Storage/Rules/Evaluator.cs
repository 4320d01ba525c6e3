using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RemoteCam.Relay.Storage.Rules;

/// <summary>
/// Evaluates storage rule expressions over values: null, bool, long, double, string,
/// <see cref="IReadOnlyList{T}"/> of values, <see cref="IReadOnlyDictionary{TKey,TValue}"/>
/// maps and <see cref="DateTimeOffset"/> timestamps. A type error, a missing map key or a bad
/// regex is an error value, which denies unless <c>||</c>/<c>&amp;&amp;</c> decide without it (as
/// the rules language does).
/// </summary>
internal static class Evaluator
{
    /// <summary>The error value.</summary>
    public static readonly object Error = new();

    private static readonly ConcurrentDictionary<string, Regex?> Patterns = new(StringComparer.Ordinal);

    public static bool IsTrue(SExpr expr, IReadOnlyDictionary<string, object?> variables) => Evaluate(expr, variables) is true;

    public static object? Evaluate(SExpr expr, IReadOnlyDictionary<string, object?> vars)
    {
        switch (expr)
        {
            case SLiteral literal:
                return literal.Value;
            case SList list:
                {
                    var items = new List<object?>(list.Items.Count);
                    foreach (var item in list.Items)
                    {
                        var value = Evaluate(item, vars);
                        if (ReferenceEquals(value, Error))
                        {
                            return Error;
                        }

                        items.Add(value);
                    }

                    return items;
                }

            case SIdentifier id:
                return vars.TryGetValue(id.Name, out var v) ? v : Error;
            case SMember member:
                return Member(Evaluate(member.Target, vars), member.Name);
            case SIndex index:
                {
                    var target = Evaluate(index.Target, vars);
                    var key = Evaluate(index.Index, vars);
                    return (target, key) switch
                    {
                        (IReadOnlyDictionary<string, object?> map, string k) => map.TryGetValue(k, out var found) ? found : Error,
                        (IReadOnlyList<object?> items, long i) when i >= 0 && i < items.Count => items[(int)i],
                        _ => Error,
                    };
                }

            case SCall call:
                return Call(Evaluate(call.Target, vars), call.Method, [.. call.Arguments.Select(a => Evaluate(a, vars))]);
            case SUnary { Operator: "!" } not:
                return Evaluate(not.Operand, vars) is bool b ? !b : Error;
            case SUnary negate:
                return Evaluate(negate.Operand, vars) switch
                {
                    long l => -l,
                    double d => -d,
                    _ => Error,
                };
            case SConditional conditional:
                return Evaluate(conditional.Condition, vars) switch
                {
                    true => Evaluate(conditional.WhenTrue, vars),
                    false => Evaluate(conditional.WhenFalse, vars),
                    _ => Error,
                };
            case SBinary { Operator: "||" } or:
                {
                    var left = Evaluate(or.Left, vars);
                    if (left is true)
                    {
                        return true;
                    }

                    var right = Evaluate(or.Right, vars);
                    return right is true ? true : left is false && right is false ? false : Error;
                }

            case SBinary { Operator: "&&" } and:
                {
                    var left = Evaluate(and.Left, vars);
                    if (left is false)
                    {
                        return false;
                    }

                    var right = Evaluate(and.Right, vars);
                    return right is false ? false : left is true && right is true ? true : Error;
                }

            case SBinary binary:
                return Binary(binary.Operator, Evaluate(binary.Left, vars), Evaluate(binary.Right, vars));
            default:
                return Error;
        }
    }

    private static object? Member(object? target, string name) => target switch
    {
        IReadOnlyDictionary<string, object?> map => map.TryGetValue(name, out var value) ? value : Error,
        _ => Error,
    };

    private static object? Binary(string op, object? left, object? right)
    {
        if (ReferenceEquals(left, Error) || ReferenceEquals(right, Error))
        {
            return Error;
        }

        switch (op)
        {
            case "==":
                return ValueEquals(left, right);
            case "!=":
                return !ValueEquals(left, right);
            case "in":
                return right switch
                {
                    IReadOnlyDictionary<string, object?> map => left is string key ? map.ContainsKey(key) : Error,
                    IReadOnlyList<object?> list => list.Any(item => ValueEquals(item, left)),
                    _ => Error,
                };
            case "<" or "<=" or ">" or ">=":
                {
                    var order = Compare(left, right);
                    if (order is null)
                    {
                        return Error;
                    }

                    return op switch
                    {
                        "<" => order < 0,
                        "<=" => order <= 0,
                        ">" => order > 0,
                        _ => order >= 0,
                    };
                }
        }

        return (op, left, right) switch
        {
            ("+", string a, string b) => a + b,
            ("+", long a, long b) => Checked(() => a + b),
            ("-", long a, long b) => Checked(() => a - b),
            ("*", long a, long b) => Checked(() => a * b),
            ("/", long a, long b) => b == 0 ? Error : a / b,
            ("%", long a, long b) => b == 0 ? Error : a % b,
            (_, long or double, long or double) when op is "+" or "-" or "*" or "/" => Arithmetic(op, Convert.ToDouble(left, System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(right, System.Globalization.CultureInfo.InvariantCulture)),
            _ => Error,
        };
    }

    private static object Checked(Func<long> compute)
    {
        try
        {
            return checked(compute());
        }
        catch (OverflowException)
        {
            return Error;
        }
    }

    private static object Arithmetic(string op, double a, double b) => op switch
    {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        _ => a / b,
    };

    private static bool ValueEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (long x, double y) => x == y,
        (double x, long y) => x == y,
        (IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Count == y.Count && x.Zip(y).All(p => ValueEquals(p.First, p.Second)),
        (IReadOnlyDictionary<string, object?> x, IReadOnlyDictionary<string, object?> y) =>
            x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var other) && ValueEquals(p.Value, other)),
        _ => a.Equals(b),
    };

    private static int? Compare(object? a, object? b) => (a, b) switch
    {
        (long x, long y) => x.CompareTo(y),
        (long or double, long or double) => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture)),
        (string x, string y) => string.CompareOrdinal(x, y),
        (DateTimeOffset x, DateTimeOffset y) => x.CompareTo(y),
        _ => null,
    };

    private static object? Call(object? target, string method, object?[] args)
    {
        if (ReferenceEquals(target, Error) || args.Any(a => ReferenceEquals(a, Error)))
        {
            return Error;
        }

        return (method, target, args) switch
        {
            ("matches", string s, [string pattern]) => Regex(pattern) is { } regex ? regex.IsMatch(s) : Error,
            ("size", string s, []) => (long)s.Length,
            ("size", IReadOnlyList<object?> list, []) => (long)list.Count,
            ("size", IReadOnlyDictionary<string, object?> map, []) => (long)map.Count,
            ("lower", string s, []) => s.ToLowerInvariant(),
            ("upper", string s, []) => s.ToUpperInvariant(),
            ("keys", IReadOnlyDictionary<string, object?> map, []) => (IReadOnlyList<object?>)[.. map.Keys],
            ("hasAll", IReadOnlyList<object?> list, [IReadOnlyList<object?> other]) => other.All(o => list.Any(i => ValueEquals(i, o))),
            ("hasAny", IReadOnlyList<object?> list, [IReadOnlyList<object?> other]) => other.Any(o => list.Any(i => ValueEquals(i, o))),
            ("hasOnly", IReadOnlyList<object?> list, [IReadOnlyList<object?> other]) => list.All(i => other.Any(o => ValueEquals(i, o))),
            _ => Error,
        };
    }

    /// <summary>The rules' <c>matches</c> is a whole-string RE2 match; .NET's non-backtracking engine keeps untrusted patterns linear.</summary>
    public static Regex? Regex(string pattern) => Patterns.GetOrAdd(pattern, p =>
    {
        try
        {
            return new Regex("^(?:" + p + ")$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return null;
        }
    });

    /// <summary>A JSON value (an ID token's claims) as a rules value.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => (IReadOnlyDictionary<string, object?>)element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => (IReadOnlyList<object?>)[.. element.EnumerateArray().Select(FromJson)],
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
