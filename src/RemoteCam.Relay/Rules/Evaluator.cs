namespace RemoteCam.Relay.Rules;

/// <summary>
/// Evaluates a checked rule expression (Firebase "Security Rules reference", Operators). Operators
/// are JavaScript's, made strict as the reference describes: <c>==</c> is <c>===</c>, relational
/// operators need two numbers or two strings, <c>&amp;&amp; || ! ?:</c> need booleans. Any run-time
/// error makes the whole rule false (<see cref="Evaluate"/> never throws).
/// </summary>
internal sealed partial class Evaluator
{
    private readonly EvaluationContext _context;
    private readonly RuleLocation _location;

    private Evaluator(EvaluationContext context, RuleLocation location)
    {
        _context = context;
        _location = location;
    }

    /// <summary>True only when the rule evaluates to the boolean true without error.</summary>
    public static bool Evaluate(Expr rule, EvaluationContext context, RuleLocation location)
    {
        try
        {
            return new Evaluator(context, location).Eval(rule, 0) is true;
        }
        catch (RuleRuntimeException)
        {
            return false;
        }
        catch (InsufficientExecutionStackException)
        {
            return false;
        }
    }

    private object? Eval(Expr expr, int depth)
    {
        _context.Step();
        if (depth > TypeChecker.MaxDepth + 10)
        {
            throw new RuleRuntimeException("Expression is too deeply nested.");
        }

        depth++;
        switch (expr)
        {
            case LiteralExpr literal:
                return literal.Value;
            case RegexExpr regex:
                return regex.Regex;
            case ArrayExpr array:
                return array.Items.Select(i => Eval(i, depth)).ToList();
            case IdentifierExpr id:
                return Variable(id.Name);
            case MemberExpr member:
                return Property(Eval(member.Target, depth), member.Name);
            case IndexExpr index:
                return Index(Eval(index.Target, depth), Eval(index.Index, depth));
            case CallExpr { Callee: MemberExpr callee } call:
                {
                    var target = Eval(callee.Target, depth);
                    var args = new object?[call.Arguments.Count];
                    for (var i = 0; i < args.Length; i++)
                    {
                        args[i] = Eval(call.Arguments[i], depth);
                    }

                    return Call(target, callee.Name, args);
                }

            case UnaryExpr unary:
                {
                    var operand = Eval(unary.Operand, depth);
                    return unary.Operator == "!"
                        ? !(operand as bool? ?? throw Error("! needs a boolean"))
                        : -(operand as double? ?? throw Error("unary - needs a number"));
                }

            case BinaryExpr { Operator: "&&" } and:
                return Boolean(Eval(and.Left, depth), "&&") && Boolean(Eval(and.Right, depth), "&&");
            case BinaryExpr { Operator: "||" } or:
                return Boolean(Eval(or.Left, depth), "||") || Boolean(Eval(or.Right, depth), "||");
            case BinaryExpr binary:
                return Binary(binary.Operator, Eval(binary.Left, depth), Eval(binary.Right, depth));
            case ConditionalExpr conditional:
                return Boolean(Eval(conditional.Condition, depth), "?:") ? Eval(conditional.WhenTrue, depth) : Eval(conditional.WhenFalse, depth);
            default:
                throw Error("unsupported expression");
        }
    }

    private object? Variable(string name)
    {
        switch (name)
        {
            case "auth": return _context.Auth;
            case "now": return _context.Now;
            case "root": return new SnapshotValue(_context.Root, Data.DataPath.Root);
            case "data": return new SnapshotValue(_context.Root, _location.Path);
            case "newData": return new SnapshotValue(_context.NewRoot, _location.Path);
            case "query": return _context.Query;
            default:
                return _location.Wildcards.TryGetValue(name, out var captured) ? captured : throw Error($"unknown variable '{name}'");
        }
    }

    private static bool Boolean(object? value, string op) => value as bool? ?? throw Error($"{op} needs booleans");

    /// <summary>Strict equality (JavaScript <c>===</c>): no conversions; values of different types are unequal.</summary>
    private static bool StrictEquals(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (double a, double b) => a == b,
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        (bool a, bool b) => a == b,
        (SnapshotValue, _) or (_, SnapshotValue) => throw Error("snapshots cannot be compared; use val()"),
        _ => false,
    };

    private static object? Binary(string op, object? left, object? right)
    {
        switch (op)
        {
            case "==" or "===":
                return StrictEquals(left, right);
            case "!=" or "!==":
                return !StrictEquals(left, right);
            case "<" or "<=" or ">" or ">=":
                {
                    var order = (left, right) switch
                    {
                        (double a, double b) when !double.IsNaN(a) && !double.IsNaN(b) => a.CompareTo(b),
                        (string a, string b) => string.CompareOrdinal(a, b),
                        _ => throw Error($"{op} needs two numbers or two strings"),
                    };
                    return op switch
                    {
                        "<" => order < 0,
                        "<=" => order <= 0,
                        ">" => order > 0,
                        _ => order >= 0,
                    };
                }

            case "+":
                return (left, right) switch
                {
                    (double a, double b) => a + b,
                    (string a, string or double) => a + RuleValues.ToText(right),
                    (double, string b) => RuleValues.ToText(left) + b,
                    _ => throw Error("+ needs numbers or strings"),
                };
            default:
                if (left is not double x || right is not double y)
                {
                    throw Error($"{op} needs numbers");
                }

                return op switch
                {
                    "-" => x - y,
                    "*" => x * y,
                    "/" => x / y,
                    _ => x % y,
                };
        }
    }

    private static RuleRuntimeException Error(string message) => new($"Error: {message}.");
}
