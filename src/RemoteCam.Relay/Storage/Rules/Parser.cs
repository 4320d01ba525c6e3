namespace RemoteCam.Relay.Storage.Rules;

/// <summary>
/// Recursive-descent parser of the storage.rules subset (docs/storage.md): <c>rules_version =
/// '2';</c>, <c>service firebase.storage { match /b/{bucket}/o { … } }</c>, nested <c>match</c>
/// blocks and <c>allow</c> statements. Expressions: <c>?:</c> below binary operators parsed by
/// precedence climbing, unary <c>! -</c>, then members, indexing and method calls. Names are
/// checked here (variables in scope, members of <c>request</c>, known methods), so anything
/// outside the subset is refused at load with its position, never silently allowed.
/// </summary>
internal sealed class Parser
{
    public const int MaxDepth = 100;

    private static readonly HashSet<string> RequestMembers = ["auth", "resource", "time", "path"];
    private static readonly HashSet<string> Methods = ["matches", "size", "lower", "upper", "keys", "hasAll", "hasAny", "hasOnly"];

    private readonly List<SToken> _tokens;
    private int _index;
    private int _depth;

    private Parser(List<SToken> tokens) => _tokens = tokens;

    private SToken Current => _tokens[_index];

    /// <summary>Parses a whole rules file into its one top-level <c>match /b/{bucket}/o</c> blocks.</summary>
    public static IReadOnlyList<MatchBlock> ParseFile(string text)
    {
        var parser = new Parser(Lexer.Tokenize(text));
        return parser.File();
    }

    /// <summary>Parses one expression with the given variables in scope (for tests and tools).</summary>
    public static SExpr ParseExpression(string text, IReadOnlySet<string> variables)
    {
        var parser = new Parser(Lexer.Tokenize(text));
        var expr = parser.Conditional(variables);
        if (parser.Current.Kind != STokenKind.End)
        {
            throw new StorageRuleException($"Unexpected '{parser.Current.Text}'.", parser.Current.Offset);
        }

        return expr;
    }

    private List<MatchBlock> File()
    {
        if (!Current.IsWord("rules_version"))
        {
            throw new StorageRuleException("The file must start with rules_version = '2'; (the relay serves version 2 only).", Current.Offset);
        }

        _index++;
        Expect("=");
        if (Current.Kind != STokenKind.String || (string)Current.Value! != "2")
        {
            throw new StorageRuleException("Only rules_version = '2' is supported.", Current.Offset);
        }

        _index++;
        Expect(";");
        ExpectWord("service");
        var service = Current.Offset;
        ExpectWord("firebase");
        Expect(".");
        if (!Current.IsWord("storage"))
        {
            throw new StorageRuleException("Expected 'service firebase.storage' (this file is for Cloud Storage rules).", service);
        }

        _index++;
        Expect("{");
        var blocks = new List<MatchBlock>();
        while (!Current.Is("}"))
        {
            if (!Current.IsWord("match"))
            {
                throw new StorageRuleException(Current.IsWord("function")
                    ? "Functions are not supported by the relay's rules subset."
                    : $"Expected 'match' but found '{Current.Text}'.", Current.Offset);
            }

            var offset = Current.Offset;
            var block = Match(new HashSet<string>());
            if (block.Path is not [{ Variable: null, Text: "b" }, { Variable: not null, Rest: false }, { Variable: null, Text: "o" }])
            {
                throw new StorageRuleException("The top-level match must be 'match /b/{bucket}/o'.", offset);
            }

            blocks.Add(block);
        }

        _index++;
        if (Current.Kind != STokenKind.End)
        {
            throw new StorageRuleException($"Unexpected '{Current.Text}' after the service block.", Current.Offset);
        }

        return blocks;
    }

    private MatchBlock Match(IReadOnlySet<string> outer)
    {
        var offset = Current.Offset;
        _index++; // match
        if (++_depth > 32)
        {
            throw new StorageRuleException("match blocks are nested too deeply.", offset);
        }

        var pathToken = Current;
        if (pathToken.Kind != STokenKind.Path)
        {
            throw new StorageRuleException("Expected a path after 'match'.", pathToken.Offset);
        }

        _index++;
        var path = ParsePath(pathToken);
        var scope = new HashSet<string>(outer);
        foreach (var segment in path.Where(s => s.Variable is not null))
        {
            if (segment.Variable is "request" or "resource" || !scope.Add(segment.Variable!))
            {
                throw new StorageRuleException($"The wildcard name '{segment.Variable}' is already in use.", pathToken.Offset);
            }
        }

        Expect("{");
        var allows = new List<AllowStatement>();
        var children = new List<MatchBlock>();
        while (!Current.Is("}"))
        {
            if (Current.IsWord("match"))
            {
                children.Add(Match(scope));
            }
            else if (Current.IsWord("allow"))
            {
                allows.Add(Allow(scope));
            }
            else if (Current.Kind == STokenKind.End)
            {
                throw new StorageRuleException("Expected '}' before the end of the file.", Current.Offset);
            }
            else
            {
                throw new StorageRuleException(Current.IsWord("function")
                    ? "Functions are not supported by the relay's rules subset."
                    : $"Expected 'match', 'allow' or '}}' but found '{Current.Text}'.", Current.Offset);
            }
        }

        _index++;
        _depth--;
        return new MatchBlock(path, allows, children, offset);
    }

    private static List<PathSegment> ParsePath(SToken token)
    {
        var segments = new List<PathSegment>();
        var parts = token.Text[1..].Split('/');
        var offset = token.Offset + 1;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
            {
                throw new StorageRuleException("Empty path segment.", offset);
            }

            if (part.StartsWith('{'))
            {
                if (!part.EndsWith('}'))
                {
                    throw new StorageRuleException("A wildcard must be a whole segment: {name} or {name=**}.", offset);
                }

                var inner = part[1..^1];
                var rest = inner.EndsWith("=**", StringComparison.Ordinal);
                var variable = rest ? inner[..^3] : inner;
                if (variable.Length == 0 || !char.IsAsciiLetter(variable[0]) && variable[0] != '_' || !variable.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    throw new StorageRuleException($"Invalid wildcard '{part}': use {{name}} or {{name=**}}.", offset);
                }

                if (rest && i != parts.Length - 1)
                {
                    throw new StorageRuleException("A {name=**} wildcard must be the last segment.", offset);
                }

                segments.Add(new PathSegment(part, variable, rest));
            }
            else
            {
                if (part.Contains('{', StringComparison.Ordinal) || part.Contains('}', StringComparison.Ordinal) || part.Contains('*', StringComparison.Ordinal))
                {
                    throw new StorageRuleException($"Invalid path segment '{part}'.", offset);
                }

                segments.Add(new PathSegment(part, null, false));
            }

            offset += part.Length + 1;
        }

        return segments;
    }

    private AllowStatement Allow(IReadOnlySet<string> scope)
    {
        var offset = Current.Offset;
        _index++; // allow
        var methods = new HashSet<StorageMethod>();
        while (true)
        {
            var token = Current;
            StorageMethod[] named = token.Kind != STokenKind.Identifier ? [] : token.Text switch
            {
                "read" => [StorageMethod.Get, StorageMethod.List],
                "write" => [StorageMethod.Create, StorageMethod.Update, StorageMethod.Delete],
                "get" => [StorageMethod.Get],
                "list" => [StorageMethod.List],
                "create" => [StorageMethod.Create],
                "update" => [StorageMethod.Update],
                "delete" => [StorageMethod.Delete],
                _ => [],
            };
            if (named.Length == 0)
            {
                throw new StorageRuleException($"Unknown method '{token.Text}': use read, write, get, list, create, update or delete.", token.Offset);
            }

            methods.UnionWith(named);
            _index++;
            if (!Current.Is(","))
            {
                break;
            }

            _index++;
        }

        SExpr? condition = null;
        if (Current.Is(":"))
        {
            _index++;
            ExpectWord("if");
            condition = Conditional(scope);
        }

        Expect(";");
        return new AllowStatement(methods, condition, offset);
    }

    private static int Precedence(SToken token) => token.Kind switch
    {
        STokenKind.Operator => token.Text switch
        {
            "||" => 1,
            "&&" => 2,
            "==" or "!=" => 3,
            "<" or "<=" or ">" or ">=" => 4,
            "+" or "-" => 5,
            "*" or "/" or "%" => 6,
            _ => 0,
        },
        STokenKind.Identifier when token.Text == "in" => 4,
        _ => 0,
    };

    private SExpr Conditional(IReadOnlySet<string> scope)
    {
        Enter();
        var condition = Binary(1, scope);
        if (Current.Is("?"))
        {
            var offset = Current.Offset;
            _index++;
            var whenTrue = Conditional(scope);
            Expect(":");
            var whenFalse = Conditional(scope);
            condition = new SConditional(condition, whenTrue, whenFalse, offset);
        }

        _depth--;
        return condition;
    }

    private SExpr Binary(int minPrecedence, IReadOnlySet<string> scope)
    {
        var left = Unary(scope);
        while (true)
        {
            var op = Current;
            if (op.IsWord("is"))
            {
                throw new StorageRuleException("The 'is' operator is not supported by the relay's rules subset.", op.Offset);
            }

            var precedence = Precedence(op);
            if (precedence == 0 || precedence < minPrecedence)
            {
                return left;
            }

            _index++;
            Enter();
            var right = Binary(precedence + 1, scope);
            _depth--;
            left = new SBinary(op.Text, left, right, op.Offset);
        }
    }

    private SExpr Unary(IReadOnlySet<string> scope)
    {
        if (Current.Is("!") || Current.Is("-"))
        {
            var op = Current;
            _index++;
            Enter();
            var operand = Unary(scope);
            _depth--;
            return new SUnary(op.Text, operand, op.Offset);
        }

        return Postfix(Primary(scope));
    }

    private SExpr Postfix(SExpr expr)
    {
        var chain = 0;
        while (true)
        {
            var token = Current;
            if (++chain > MaxDepth)
            {
                throw new StorageRuleException("Expression is too deeply nested.", token.Offset);
            }

            if (token.Is("."))
            {
                _index++;
                var name = Current;
                if (name.Kind != STokenKind.Identifier)
                {
                    throw new StorageRuleException("Expected a name after '.'.", name.Offset);
                }

                _index++;
                if (Current.Is("("))
                {
                    if (!Methods.Contains(name.Text))
                    {
                        throw new StorageRuleException($"Function '{name.Text}' is not supported by the relay's rules subset.", name.Offset);
                    }

                    _index++;
                    expr = new SCall(expr, name.Text, List(")"), name.Offset);
                }
                else
                {
                    if (expr is SIdentifier { Name: "request" } && !RequestMembers.Contains(name.Text))
                    {
                        throw new StorageRuleException($"Unknown property 'request.{name.Text}' (the relay knows request.auth, request.resource, request.time and request.path).", name.Offset);
                    }

                    expr = new SMember(expr, name.Text, name.Offset);
                }
            }
            else if (token.Is("["))
            {
                _index++;
                var index = Conditional(_scope);
                Expect("]");
                expr = new SIndex(expr, index, token.Offset);
            }
            else
            {
                return expr;
            }
        }
    }

    private IReadOnlySet<string> _scope = new HashSet<string>();

    private SExpr Primary(IReadOnlySet<string> scope)
    {
        _scope = scope;
        var token = Current;
        switch (token.Kind)
        {
            case STokenKind.Integer:
            case STokenKind.Float:
            case STokenKind.String:
                _index++;
                return new SLiteral(token.Value, token.Offset);
            case STokenKind.Identifier:
                _index++;
                switch (token.Text)
                {
                    case "true":
                        return new SLiteral(true, token.Offset);
                    case "false":
                        return new SLiteral(false, token.Offset);
                    case "null":
                        return new SLiteral(null, token.Offset);
                }

                if (Current.Is("("))
                {
                    throw new StorageRuleException($"Function '{token.Text}' is not supported by the relay's rules subset (storage rules there cannot call functions or read databases).", token.Offset);
                }

                if (token.Text is not ("request" or "resource") && !scope.Contains(token.Text))
                {
                    throw new StorageRuleException($"Unknown variable '{token.Text}'.", token.Offset);
                }

                return new SIdentifier(token.Text, token.Offset);
            case STokenKind.Operator when token.Text == "(":
                {
                    _index++;
                    var inner = Conditional(scope);
                    Expect(")");
                    return inner;
                }

            case STokenKind.Operator when token.Text == "[":
                _index++;
                return new SList(List("]"), token.Offset);
            case STokenKind.End:
                throw new StorageRuleException("Unexpected end of the file in an expression.", token.Offset);
            default:
                throw new StorageRuleException($"Unexpected '{token.Text}'.", token.Offset);
        }
    }

    private List<SExpr> List(string close)
    {
        var scope = _scope;
        var items = new List<SExpr>();
        if (Current.Is(close))
        {
            _index++;
            return items;
        }

        while (true)
        {
            items.Add(Conditional(scope));
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
            throw new StorageRuleException(
                Current.Kind == STokenKind.End ? $"Expected '{op}' before the end of the file." : $"Expected '{op}' but found '{Current.Text}'.",
                Current.Offset);
        }

        _index++;
    }

    private void ExpectWord(string word)
    {
        if (!Current.IsWord(word))
        {
            throw new StorageRuleException($"Expected '{word}' but found '{(Current.Kind == STokenKind.End ? "the end of the file" : Current.Text)}'.", Current.Offset);
        }

        _index++;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new StorageRuleException("Expression is too deeply nested.", Current.Offset);
        }
    }
}
