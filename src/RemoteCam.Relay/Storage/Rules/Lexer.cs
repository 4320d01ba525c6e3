using System.Globalization;
using System.Text;

namespace RemoteCam.Relay.Storage.Rules;

internal enum STokenKind
{
    End,
    Identifier,
    Integer,
    Float,
    String,
    Path,
    Operator,
}

internal readonly record struct SToken(STokenKind Kind, string Text, object? Value, int Offset)
{
    public bool Is(string op) => Kind == STokenKind.Operator && Text == op;

    public bool IsWord(string word) => Kind == STokenKind.Identifier && Text == word;
}

/// <summary>
/// Tokenizer of storage.rules (Firebase "Rules language" reference): identifiers, integers,
/// floats, '…'/"…" strings, operators, <c>//</c> and <c>/* */</c> comments, and after the word
/// <c>match</c> one path token (<c>/b/{bucket}/o</c>, <c>/clips/{rest=**}</c>).
/// </summary>
internal static class Lexer
{
    private static readonly string[] Operators =
    [
        "==", "!=", "<=", ">=", "&&", "||",
        "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", ";", ".", ",", "(", ")", "[", "]", "{", "}", "=",
    ];

    public static List<SToken> Tokenize(string text)
    {
        var tokens = new List<SToken>();
        var pos = 0;
        while (true)
        {
            SkipSpaceAndComments(text, ref pos);
            if (pos >= text.Length)
            {
                tokens.Add(new SToken(STokenKind.End, "", null, pos));
                return tokens;
            }

            var c = text[pos];
            var start = pos;
            if (tokens.Count > 0 && tokens[^1].IsWord("match"))
            {
                tokens.Add(ReadPath(text, ref pos));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] == '_'))
                {
                    pos++;
                }

                tokens.Add(new SToken(STokenKind.Identifier, text[start..pos], null, start));
            }
            else if (char.IsAsciiDigit(c))
            {
                while (pos < text.Length && char.IsAsciiDigit(text[pos]))
                {
                    pos++;
                }

                var isFloat = pos + 1 < text.Length && text[pos] == '.' && char.IsAsciiDigit(text[pos + 1]);
                if (isFloat)
                {
                    pos++;
                    while (pos < text.Length && char.IsAsciiDigit(text[pos]))
                    {
                        pos++;
                    }
                }

                if (pos < text.Length && (char.IsAsciiLetter(text[pos]) || text[pos] == '_'))
                {
                    throw new StorageRuleException("Invalid number.", start);
                }

                var literal = text[start..pos];
                if (isFloat)
                {
                    tokens.Add(new SToken(STokenKind.Float, literal, double.Parse(literal, CultureInfo.InvariantCulture), start));
                }
                else if (long.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    tokens.Add(new SToken(STokenKind.Integer, literal, value, start));
                }
                else
                {
                    throw new StorageRuleException("Integer literal out of range.", start);
                }
            }
            else if (c is '\'' or '"')
            {
                tokens.Add(ReadString(text, ref pos));
            }
            else
            {
                var op = Array.Find(Operators, o => string.CompareOrdinal(text, pos, o, 0, o.Length) == 0)
                    ?? throw new StorageRuleException($"Unexpected character '{c}'.", pos);
                tokens.Add(new SToken(STokenKind.Operator, op, null, pos));
                pos += op.Length;
            }
        }
    }

    private static void SkipSpaceAndComments(string text, ref int pos)
    {
        while (pos < text.Length)
        {
            if (char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
            else if (text.AsSpan(pos).StartsWith("//"))
            {
                while (pos < text.Length && text[pos] != '\n')
                {
                    pos++;
                }
            }
            else if (text.AsSpan(pos).StartsWith("/*"))
            {
                var end = text.IndexOf("*/", pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new StorageRuleException("Unterminated comment.", pos);
                }

                pos = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>A path: '/'-separated segments, each a literal or a <c>{…}</c> wildcard; it ends at white space or a '{' that does not follow '/'.</summary>
    private static SToken ReadPath(string text, ref int pos)
    {
        var start = pos;
        if (text[pos] != '/')
        {
            throw new StorageRuleException("Expected a path starting with '/' after 'match'.", pos);
        }

        while (pos < text.Length && !char.IsWhiteSpace(text[pos]))
        {
            if (text[pos] == '{')
            {
                if (text[pos - 1] != '/')
                {
                    break;
                }

                var close = text.IndexOf('}', pos);
                if (close < 0)
                {
                    throw new StorageRuleException("Unterminated path wildcard: expected '}'.", pos);
                }

                pos = close + 1;
                continue;
            }

            pos++;
        }

        return new SToken(STokenKind.Path, text[start..pos], null, start);
    }

    private static SToken ReadString(string text, ref int pos)
    {
        var start = pos;
        var quote = text[pos++];
        var value = new StringBuilder();
        while (true)
        {
            if (pos >= text.Length || text[pos] is '\n' or '\r')
            {
                throw new StorageRuleException("Unterminated string literal.", start);
            }

            var c = text[pos++];
            if (c == quote)
            {
                return new SToken(STokenKind.String, text[start..pos], value.ToString(), start);
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (pos >= text.Length)
            {
                throw new StorageRuleException("Unterminated string literal.", start);
            }

            var e = text[pos++];
            value.Append(e switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '\\' or '\'' or '"' => e,
                // Kept as written so regular expressions like '\\d' and '\.' reach the regex engine.
                _ => throw new StorageRuleException($"Invalid escape sequence '\\{e}' (use \\\\ for a backslash).", pos - 2),
            });
        }
    }
}

/// <summary>A load-time problem at an offset of the rules text.</summary>
internal sealed class StorageRuleException(string message, int offset) : Exception(message)
{
    public int Offset { get; } = offset;
}
