using System.Globalization;
using System.Text;

namespace RemoteCam.Relay.Rules;

/// <summary>
/// Tokenizer of the rules expression language (Firebase "Security Rules reference", Operators and
/// literals): numbers, '…'/"…" strings with JavaScript escapes, regex literals, identifiers
/// (including <c>$wildcard</c> names) and operators. A <c>/</c> after an operand is division,
/// elsewhere it opens a regex literal, as in JavaScript.
/// </summary>
internal static class Lexer
{
    private static readonly string[] Operators =
    [
        "===", "!==", "==", "!=", "<=", ">=", "&&", "||",
        "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", ".", ",", "(", ")", "[", "]",
    ];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var pos = 0;
        while (true)
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }

            if (pos >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", null, pos));
                return tokens;
            }

            var c = text[pos];
            var previous = tokens.Count > 0 ? tokens[^1] : default;
            if (char.IsAsciiLetter(c) || c is '_' or '$')
            {
                var start = pos;
                while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] is '_' or '$'))
                {
                    pos++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..pos], null, start));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && pos + 1 < text.Length && char.IsAsciiDigit(text[pos + 1])))
            {
                tokens.Add(ReadNumber(text, ref pos));
            }
            else if (c is '\'' or '"')
            {
                tokens.Add(ReadString(text, ref pos));
            }
            else if (c == '/' && (tokens.Count == 0 || !previous.EndsOperand))
            {
                tokens.Add(ReadRegex(text, ref pos));
            }
            else
            {
                var op = Array.Find(Operators, o => string.CompareOrdinal(text, pos, o, 0, o.Length) == 0)
                    ?? throw new RuleSyntaxException(c == '=' ? "Unexpected '='; use '==' to compare." : $"Unexpected character '{c}'.", pos);
                tokens.Add(new Token(TokenKind.Operator, op, null, pos));
                pos += op.Length;
            }
        }
    }

    private static Token ReadNumber(string text, ref int pos)
    {
        var start = pos;
        while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] == '.'))
        {
            pos++;
        }

        if (pos < text.Length && text[pos] is 'e' or 'E')
        {
            pos++;
            if (pos < text.Length && text[pos] is '+' or '-')
            {
                pos++;
            }

            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }
        }

        if (pos < text.Length && (char.IsAsciiLetter(text[pos]) || text[pos] is '_' or '$')
            || !double.TryParse(text.AsSpan(start, pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value))
        {
            throw new RuleSyntaxException("Invalid number.", start);
        }

        return new Token(TokenKind.Number, text[start..pos], value, start);
    }

    private static Token ReadString(string text, ref int pos)
    {
        var start = pos;
        var quote = text[pos++];
        var value = new StringBuilder();
        while (true)
        {
            if (pos >= text.Length || text[pos] is '\n' or '\r')
            {
                throw new RuleSyntaxException("Unterminated string literal.", start);
            }

            var c = text[pos++];
            if (c == quote)
            {
                return new Token(TokenKind.String, text[start..pos], value.ToString(), start);
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (pos >= text.Length)
            {
                throw new RuleSyntaxException("Unterminated string literal.", start);
            }

            var e = text[pos++];
            switch (e)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'v': value.Append('\v'); break;
                case '0': value.Append('\0'); break;
                case 'x': value.Append(ReadHex(text, ref pos, 2)); break;
                case 'u': value.Append(ReadHex(text, ref pos, 4)); break;
                default: value.Append(e); break;
            }
        }
    }

    private static char ReadHex(string text, ref int pos, int digits)
    {
        if (pos + digits <= text.Length
            && int.TryParse(text.AsSpan(pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            pos += digits;
            return (char)code;
        }

        throw new RuleSyntaxException("Invalid escape sequence.", pos);
    }

    private static Token ReadRegex(string text, ref int pos)
    {
        var start = pos++;
        var pattern = new StringBuilder();
        var inClass = false;
        while (true)
        {
            if (pos >= text.Length || text[pos] is '\n' or '\r')
            {
                throw new RuleSyntaxException("Unterminated regular expression.", start);
            }

            var c = text[pos++];
            if (c == '\\' && pos < text.Length)
            {
                pattern.Append(c).Append(text[pos++]);
                continue;
            }

            if (c == '/' && !inClass)
            {
                break;
            }

            inClass = c == '[' || (inClass && c != ']');
            pattern.Append(c);
        }

        var flagsStart = pos;
        while (pos < text.Length && char.IsAsciiLetterOrDigit(text[pos]))
        {
            pos++;
        }

        var flags = text[flagsStart..pos];
        var regex = RuleRegex.Create(pattern.ToString(), flags, start);
        return new Token(TokenKind.Regex, text[start..pos], regex, start);
    }
}
