namespace RemoteCam.Relay.Rules;

/// <summary>A node of a parsed rule expression; <see cref="Offset"/> indexes the decoded rule string.</summary>
internal abstract record Expr(int Offset);

/// <summary>null, a <see cref="bool"/>, a <see cref="double"/> or a <see cref="string"/>.</summary>
internal sealed record LiteralExpr(object? Value, int Offset) : Expr(Offset);

internal sealed record RegexExpr(RuleRegex Regex, int Offset) : Expr(Offset);

/// <summary>An array literal; the language only uses them for <c>hasChildren([…])</c>.</summary>
internal sealed record ArrayExpr(IReadOnlyList<Expr> Items, int Offset) : Expr(Offset);

internal sealed record IdentifierExpr(string Name, int Offset) : Expr(Offset);

internal sealed record MemberExpr(Expr Target, string Name, int Offset) : Expr(Offset);

internal sealed record IndexExpr(Expr Target, Expr Index, int Offset) : Expr(Offset);

internal sealed record CallExpr(Expr Callee, IReadOnlyList<Expr> Arguments, int Offset) : Expr(Offset);

internal sealed record UnaryExpr(string Operator, Expr Operand, int Offset) : Expr(Offset);

internal sealed record BinaryExpr(string Operator, Expr Left, Expr Right, int Offset) : Expr(Offset);

internal sealed record ConditionalExpr(Expr Condition, Expr WhenTrue, Expr WhenFalse, int Offset) : Expr(Offset);
