namespace RemoteCam.Relay.Rules;

/// <summary>Which variables a rule may use: <c>newData</c> only in <c>.write</c>/<c>.validate</c>, <c>query</c> only in <c>.read</c>.</summary>
internal enum RuleKind
{
    Read,
    Write,
    Validate,
}

/// <summary>
/// Load-time checks (Firebase "Security Rules reference", Variables and RuleDataSnapshot/String
/// methods): unknown variables (including <c>newData</c> in <c>.read</c> and <c>$vars</c> outside
/// their scope), unknown members, wrong argument counts and definitely wrong argument types, and a
/// rule whose type cannot be boolean. Only definite mismatches are refused; a value read from data
/// (<see cref="RuleType.Any"/>) is checked again at run time.
/// </summary>
internal sealed class TypeChecker
{
    /// <summary>Bounds recursion here and in the evaluator (left-deep operator chains are not bounded by the parser).</summary>
    public const int MaxDepth = 300;

    private readonly RuleKind _kind;
    private readonly IReadOnlySet<string> _wildcards;

    private TypeChecker(RuleKind kind, IReadOnlySet<string> wildcards)
    {
        _kind = kind;
        _wildcards = wildcards;
    }

    public static void CheckRule(Expr expr, RuleKind kind, IReadOnlySet<string> wildcards)
    {
        var type = new TypeChecker(kind, wildcards).Check(expr, 0);
        if ((type & RuleType.Boolean) == 0)
        {
            throw new RuleSyntaxException("Expression must evaluate to a boolean.", StartOf(expr));
        }
    }

    /// <summary>Where an expression's text begins (operators record their own offset).</summary>
    private static int StartOf(Expr expr) => expr switch
    {
        BinaryExpr binary => StartOf(binary.Left),
        MemberExpr member => StartOf(member.Target),
        IndexExpr index => StartOf(index.Target),
        CallExpr call => StartOf(call.Callee),
        ConditionalExpr conditional => StartOf(conditional.Condition),
        _ => expr.Offset,
    };

    private RuleType Check(Expr expr, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new RuleSyntaxException("Expression is too deeply nested.", expr.Offset);
        }

        depth++;
        switch (expr)
        {
            case LiteralExpr literal:
                return literal.Value switch
                {
                    null => RuleType.Null,
                    bool => RuleType.Boolean,
                    double => RuleType.Number,
                    _ => RuleType.String,
                };
            case RegexExpr:
                return RuleType.Regex;
            case ArrayExpr array:
                foreach (var item in array.Items)
                {
                    Check(item, depth);
                }

                return RuleType.Array;
            case IdentifierExpr id:
                return Variable(id);
            case MemberExpr member:
                return Member(member, Check(member.Target, depth), called: false, []);
            case CallExpr call:
                if (call.Callee is not MemberExpr callee)
                {
                    throw new RuleSyntaxException("Only methods can be called.", call.Offset);
                }

                return Member(callee, Check(callee.Target, depth), called: true, call.Arguments.Select(a => (a, Check(a, depth))).ToList());
            case IndexExpr index:
                {
                    var target = Check(index.Target, depth);
                    var key = Check(index.Index, depth);
                    Require(target, RuleType.Map | RuleType.Array | RuleType.Null, index.Offset, "Type error: [] only applies to maps such as auth.token.");
                    Require(key, RuleType.String | RuleType.Number, index.Index.Offset, "Type error: an index must be a string or a number.");
                    return RuleType.Any;
                }

            case UnaryExpr unary:
                {
                    var operand = Check(unary.Operand, depth);
                    if (unary.Operator == "!")
                    {
                        Require(operand, RuleType.Boolean, unary.Offset, "Type error: ! only applies to booleans.");
                        return RuleType.Boolean;
                    }

                    Require(operand, RuleType.Number, unary.Offset, "Type error: unary - only applies to numbers.");
                    return RuleType.Number;
                }

            case BinaryExpr binary:
                return Binary(binary, Check(binary.Left, depth), Check(binary.Right, depth));
            case ConditionalExpr conditional:
                Require(Check(conditional.Condition, depth), RuleType.Boolean, conditional.Offset, "Type error: the condition of ?: must be a boolean.");
                return Check(conditional.WhenTrue, depth) | Check(conditional.WhenFalse, depth);
            default:
                throw new RuleSyntaxException("Unsupported expression.", expr.Offset);
        }
    }

    private RuleType Variable(IdentifierExpr id) => id.Name switch
    {
        "auth" => RuleType.Map | RuleType.Null,
        "now" => RuleType.Number,
        "root" or "data" => RuleType.Snapshot,
        "newData" when _kind != RuleKind.Read => RuleType.Snapshot,
        "query" when _kind == RuleKind.Read => RuleType.Map,
        _ when id.Name.StartsWith('$') && _wildcards.Contains(id.Name) => RuleType.String,
        _ => throw new RuleSyntaxException($"Unknown variable '{id.Name}'.", id.Offset),
    };

    private static RuleType Binary(BinaryExpr binary, RuleType left, RuleType right)
    {
        switch (binary.Operator)
        {
            case "&&" or "||":
                Require(left, RuleType.Boolean, binary.Left.Offset, $"Type error: {binary.Operator} only applies to booleans.");
                Require(right, RuleType.Boolean, binary.Right.Offset, $"Type error: {binary.Operator} only applies to booleans.");
                return RuleType.Boolean;
            case "==" or "!=" or "===" or "!==":
                Refuse(left | right, RuleType.Snapshot | RuleType.Regex, binary.Offset, $"Type error: {binary.Operator} cannot compare snapshots or regular expressions; use val().");
                return RuleType.Boolean;
            case "<" or "<=" or ">" or ">=":
                Require(left, RuleType.Number | RuleType.String, binary.Left.Offset, $"Type error: {binary.Operator} only compares numbers or strings.");
                Require(right, RuleType.Number | RuleType.String, binary.Right.Offset, $"Type error: {binary.Operator} only compares numbers or strings.");
                return RuleType.Boolean;
            case "+":
                Require(left, RuleType.Number | RuleType.String, binary.Left.Offset, "Type error: + only operates on numbers and strings.");
                Require(right, RuleType.Number | RuleType.String, binary.Right.Offset, "Type error: + only operates on numbers and strings.");
                if (left == RuleType.Number && right == RuleType.Number)
                {
                    return RuleType.Number;
                }

                return left == RuleType.String || right == RuleType.String ? RuleType.String : RuleType.Number | RuleType.String;
            default:
                Require(left, RuleType.Number, binary.Left.Offset, $"Type error: {binary.Operator} only operates on numbers.");
                Require(right, RuleType.Number, binary.Right.Offset, $"Type error: {binary.Operator} only operates on numbers.");
                return RuleType.Number;
        }
    }

    private static RuleType Member(MemberExpr member, RuleType target, bool called, List<(Expr Expr, RuleType Type)> args)
    {
        var signature = Members.Find(target, member.Name);
        if (signature is null)
        {
            if ((target & (RuleType.Map | RuleType.Null)) != 0 && !called)
            {
                return RuleType.Any;
            }

            throw new RuleSyntaxException($"No such method/property '{member.Name}'.", member.Offset);
        }

        if (signature.IsProperty)
        {
            if (called)
            {
                throw new RuleSyntaxException($"Type error: '{member.Name}' is a property, not a method.", member.Offset);
            }

            return signature.Result;
        }

        if (!called)
        {
            throw new RuleSyntaxException($"Type error: '{member.Name}' is a method; call it with ().", member.Offset);
        }

        if (args.Count < signature.MinArguments || args.Count > signature.Parameters.Length)
        {
            throw new RuleSyntaxException($"Type error: {member.Name}() takes {signature.ArgumentCountText} argument(s).", member.Offset);
        }

        for (var i = 0; i < args.Count; i++)
        {
            Require(args[i].Type, signature.Parameters[i], args[i].Expr.Offset, $"Type error: invalid argument {i + 1} to {member.Name}().");
            if (signature.Parameters[i] == RuleType.Array && args[i].Expr is ArrayExpr array)
            {
                foreach (var item in array.Items)
                {
                    Require(TypeOfLiteral(item), RuleType.String, item.Offset, $"Type error: {member.Name}() expects an array of strings.");
                }
            }
        }

        return signature.Result;
    }

    private static RuleType TypeOfLiteral(Expr expr) => expr switch
    {
        LiteralExpr { Value: string } => RuleType.String,
        LiteralExpr { Value: null } => RuleType.Null,
        LiteralExpr { Value: bool } => RuleType.Boolean,
        LiteralExpr => RuleType.Number,
        ArrayExpr => RuleType.Array,
        RegexExpr => RuleType.Regex,
        _ => RuleType.Any,
    };

    /// <summary>Refuses a value that cannot be any of <paramref name="allowed"/>.</summary>
    private static void Require(RuleType actual, RuleType allowed, int offset, string message)
    {
        if ((actual & allowed) == 0)
        {
            throw new RuleSyntaxException(message, offset);
        }
    }

    /// <summary>Refuses a value that is definitely one of <paramref name="forbidden"/>.</summary>
    private static void Refuse(RuleType actual, RuleType forbidden, int offset, string message)
    {
        if (actual != RuleType.None && (actual & ~forbidden) == 0)
        {
            throw new RuleSyntaxException(message, offset);
        }
    }
}
