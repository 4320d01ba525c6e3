namespace RemoteCam.Relay.Storage.Rules;

/// <summary>A node of a storage rule expression; <see cref="Offset"/> indexes the rules text.</summary>
internal abstract record SExpr(int Offset);

/// <summary>null, a <see cref="bool"/>, a <see cref="long"/>, a <see cref="double"/> or a <see cref="string"/>.</summary>
internal sealed record SLiteral(object? Value, int Offset) : SExpr(Offset);

internal sealed record SList(IReadOnlyList<SExpr> Items, int Offset) : SExpr(Offset);

internal sealed record SIdentifier(string Name, int Offset) : SExpr(Offset);

internal sealed record SMember(SExpr Target, string Name, int Offset) : SExpr(Offset);

internal sealed record SIndex(SExpr Target, SExpr Index, int Offset) : SExpr(Offset);

/// <summary>A method call on a value: <c>x.matches('…')</c>, <c>x.size()</c>.</summary>
internal sealed record SCall(SExpr Target, string Method, IReadOnlyList<SExpr> Arguments, int Offset) : SExpr(Offset);

internal sealed record SUnary(string Operator, SExpr Operand, int Offset) : SExpr(Offset);

internal sealed record SBinary(string Operator, SExpr Left, SExpr Right, int Offset) : SExpr(Offset);

internal sealed record SConditional(SExpr Condition, SExpr WhenTrue, SExpr WhenFalse, int Offset) : SExpr(Offset);

/// <summary>One path segment of a <c>match</c>: a literal, <c>{name}</c> (one segment) or <c>{name=**}</c> (the rest, possibly empty).</summary>
internal sealed record PathSegment(string Text, string? Variable, bool Rest);

/// <summary><c>allow get, list: if …;</c> — the condition is null for a bare <c>allow read;</c> (always).</summary>
internal sealed record AllowStatement(IReadOnlySet<StorageMethod> Methods, SExpr? Condition, int Offset);

/// <summary>A <c>match</c> block: its own path segments, its allows and the blocks nested in it.</summary>
internal sealed record MatchBlock(IReadOnlyList<PathSegment> Path, IReadOnlyList<AllowStatement> Allows, IReadOnlyList<MatchBlock> Children, int Offset);
