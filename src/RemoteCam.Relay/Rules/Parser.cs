namespace RemoteCam.Relay.Rules;

/// <summary>
/// Recursive-descent parser of rule expressions (Firebase "Security Rules reference", Operators):
/// <c>?:</c> below binary operators parsed by precedence climbing, then unary <c>! -</c>, then
/// member access, indexing and calls. Nesting is bounded because rules files are untrusted.
/// </summary>
internal sealed class Parser
{
    public const int MaxDepth = 100;

    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;

    private Parser(List<Token> tokens) => _tokens = tokens;

    /// <summary>Parses a whole rule string; throws <see cref="RuleSyntaxException"/> with an offset in <paramref name="text"/>.</summary>
    public static Expr Parse(string text)
    {
        var parser = new Parser(Lexer.Tokenize(text));
        if (parser.Current.Kind == TokenKind.End)
        {
            throw new RuleSyntaxException("Empty expression.", 0);
        }

        var expr = parser.ParseConditional();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw new RuleSyntaxException($"Unexpected '{parser.Current.Text}'.", parser.Current.Offset);
        }

        return expr;
    }

    private Token Current => _tokens[_index];

    private static int Precedence(Token token) => token.Kind != TokenKind.Operator ? 0 : token.Text switch
    {
        "||" => 1,
        "&&" => 2,
        "==" or "!=" or "===" or "!==" => 3,
        "<" or "<=" or ">" or ">=" => 4,
        "+" or "-" => 5,
        "*" or "/" or "%" => 6,
        _ => 0,
    };

    private Expr ParseConditional()
    {
        Enter();
        var condition = ParseBinary(1);
        if (Current.Is("?"))
        {
            var offset = Current.Offset;
            _index++;
            var whenTrue = ParseConditional();
            Expect(":");
            var whenFalse = ParseConditional();
            condition = new ConditionalExpr(condition, whenTrue, whenFalse, offset);
        }

        _depth--;
        return condition;
    }

    /// <summary>Precedence climbing: all binary operators are left-associative.</summary>
    private Expr ParseBinary(int minPrecedence)
    {
        var left = ParseUnary();
        while (true)
        {
            var op = Current;
            var precedence = Precedence(op);
            if (precedence < minPrecedence || precedence == 0)
            {
                return left;
            }

            _index++;
            Enter();
            var right = ParseBinary(precedence + 1);
            _depth--;
            left = new BinaryExpr(op.Text, left, right, op.Offset);
        }
    }

    private Expr ParseUnary()
    {
        if (Current.Is("!") || Current.Is("-"))
        {
            var op = Current;
            _index++;
            Enter();
            var operand = ParseUnary();
            _depth--;
            return new UnaryExpr(op.Text, operand, op.Offset);
        }

        return ParsePostfix(ParsePrimary());
    }

    private Expr ParsePostfix(Expr expr)
    {
        var chain = 0;
        while (true)
        {
            var token = Current;
            if (++chain > MaxDepth)
            {
                throw new RuleSyntaxException("Expression is too deeply nested.", token.Offset);
            }

            if (token.Is("."))
            {
                _index++;
                if (Current.Kind != TokenKind.Identifier)
                {
                    throw new RuleSyntaxException("Expected a property name after '.'.", Current.Offset);
                }

                expr = new MemberExpr(expr, Current.Text, Current.Offset);
                _index++;
            }
            else if (token.Is("["))
            {
                _index++;
                var index = ParseConditional();
                Expect("]");
                expr = new IndexExpr(expr, index, token.Offset);
            }
            else if (token.Is("("))
            {
                _index++;
                expr = new CallExpr(expr, ParseList(")"), token.Offset);
            }
            else
            {
                return expr;
            }
        }
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
            case TokenKind.String:
                _index++;
                return new LiteralExpr(token.Value, token.Offset);
            case TokenKind.Regex:
                _index++;
                return new RegexExpr((RuleRegex)token.Value!, token.Offset);
            case TokenKind.Identifier:
                _index++;
                return token.Text switch
                {
                    "true" => new LiteralExpr(true, token.Offset),
                    "false" => new LiteralExpr(false, token.Offset),
                    "null" => new LiteralExpr(null, token.Offset),
                    _ => new IdentifierExpr(token.Text, token.Offset),
                };
            case TokenKind.Operator when token.Text == "(":
                {
                    _index++;
                    var inner = ParseConditional();
                    Expect(")");
                    return inner;
                }

            case TokenKind.Operator when token.Text == "[":
                _index++;
                return new ArrayExpr(ParseList("]"), token.Offset);
            case TokenKind.End:
                throw new RuleSyntaxException("Unexpected end of expression.", token.Offset);
            default:
                throw new RuleSyntaxException($"Unexpected '{token.Text}'.", token.Offset);
        }
    }

    private List<Expr> ParseList(string close)
    {
        var items = new List<Expr>();
        if (Current.Is(close))
        {
            _index++;
            return items;
        }

        while (true)
        {
            items.Add(ParseConditional());
            if (Current.Is(","))
            {
                _index++;
                continue;
            }

            Expect(close);
            return items;
        }
    }

    private void Expect(string op)
    {
        if (!Current.Is(op))
        {
            throw new RuleSyntaxException(
                Current.Kind == TokenKind.End ? $"Expected '{op}' before the end of the expression." : $"Expected '{op}' but found '{Current.Text}'.",
                Current.Offset);
        }

        _index++;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new RuleSyntaxException("Expression is too deeply nested.", Current.Offset);
        }
    }
}
