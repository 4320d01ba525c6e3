namespace RemoteCam.Relay.Rules;

internal enum TokenKind
{
    End,
    Identifier,
    Number,
    String,
    Regex,
    Operator,
}

/// <summary>A token of a rule expression; <see cref="Offset"/> indexes the decoded rule string.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, object? Value, int Offset)
{
    public bool Is(string op) => Kind == TokenKind.Operator && Text == op;

    /// <summary>True when a following <c>/</c> is division rather than the start of a regex literal.</summary>
    public bool EndsOperand =>
        Kind is TokenKind.Identifier or TokenKind.Number or TokenKind.String or TokenKind.Regex
        || (Kind == TokenKind.Operator && Text is ")" or "]");
}
