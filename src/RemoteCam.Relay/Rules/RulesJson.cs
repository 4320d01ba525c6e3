using System.Globalization;
using System.Text;

namespace RemoteCam.Relay.Rules;

/// <summary>A value of the rules file, with the offset where it starts.</summary>
internal abstract record JsonValue(int Offset);

internal sealed record JsonObject(IReadOnlyList<JsonMember> Members, int Offset) : JsonValue(Offset);

internal sealed record JsonMember(string Key, int KeyOffset, JsonValue Value);

internal sealed record JsonArray(IReadOnlyList<JsonValue> Items, int Offset) : JsonValue(Offset);

/// <summary>A string; <see cref="SourceOffsets"/>[i] is the file offset of decoded character i (one extra entry for the end).</summary>
internal sealed record JsonString(string Value, int[] SourceOffsets, int Offset) : JsonValue(Offset);

/// <summary>true, false, null or a number (<see cref="double"/>).</summary>
internal sealed record JsonLiteral(object? Value, int Offset) : JsonValue(Offset);

/// <summary>
/// The lenient JSON Firebase accepts for rules files (Firebase docs, "Understand Firebase Realtime
/// Database Security Rules" / core syntax): <c>//</c> and <c>/* */</c> comments, and raw line breaks
/// inside strings (the rules-conditions guide writes long rules over several lines). Positions are
/// kept so errors can name a line and column. Nesting is bounded because the file is untrusted.
/// </summary>
internal sealed class RulesJsonReader
{
    private const int MaxDepth = 128;

    private readonly string _text;
    private int _pos;
    private int _depth;

    private RulesJsonReader(string text) => _text = text;

    /// <summary>Parses the whole text; throws <see cref="RuleSyntaxException"/> with the offset of the problem.</summary>
    public static JsonValue Parse(string text)
    {
        var reader = new RulesJsonReader(text);
        reader.SkipTrivia();
        var value = reader.ReadValue();
        reader.SkipTrivia();
        if (reader._pos < text.Length)
        {
            throw new RuleSyntaxException("Unexpected content after the end of the rules object.", reader._pos);
        }

        return value;
    }

    private JsonValue ReadValue()
    {
        if (_pos >= _text.Length)
        {
            throw new RuleSyntaxException("Unexpected end of input.", _pos);
        }

        var c = _text[_pos];
        return c switch
        {
            '{' => ReadObject(),
            '[' => ReadArray(),
            '"' => ReadString(),
            't' => ReadWord("true", true),
            'f' => ReadWord("false", false),
            'n' => ReadWord("null", null),
            '-' or (>= '0' and <= '9') => ReadNumber(),
            _ => throw new RuleSyntaxException($"Unexpected character '{c}'.", _pos),
        };
    }

    private JsonObject ReadObject()
    {
        var start = _pos++;
        Enter(start);
        var members = new List<JsonMember>();
        SkipTrivia();
        if (Peek() == '}')
        {
            _pos++;
            _depth--;
            return new JsonObject(members, start);
        }

        while (true)
        {
            SkipTrivia();
            if (Peek() != '"')
            {
                throw new RuleSyntaxException("Expected a quoted key.", _pos);
            }

            var key = ReadString();
            SkipTrivia();
            Expect(':');
            SkipTrivia();
            var value = ReadValue();
            if (members.Exists(m => m.Key == key.Value))
            {
                // Rejected rather than "last one wins": a silently shadowed rule is a security bug.
                throw new RuleSyntaxException($"Duplicate key '{key.Value}'.", key.Offset);
            }

            members.Add(new JsonMember(key.Value, key.Offset, value));
            SkipTrivia();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }

            Expect('}');
            _depth--;
            return new JsonObject(members, start);
        }
    }

    private JsonArray ReadArray()
    {
        var start = _pos++;
        Enter(start);
        var items = new List<JsonValue>();
        SkipTrivia();
        if (Peek() == ']')
        {
            _pos++;
            _depth--;
            return new JsonArray(items, start);
        }

        while (true)
        {
            SkipTrivia();
            items.Add(ReadValue());
            SkipTrivia();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }

            Expect(']');
            _depth--;
            return new JsonArray(items, start);
        }
    }

    private JsonString ReadString()
    {
        var start = _pos++;
        var value = new StringBuilder();
        var offsets = new List<int>();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new RuleSyntaxException("Unterminated string.", start);
            }

            var at = _pos;
            var c = _text[_pos++];
            if (c == '"')
            {
                offsets.Add(at);
                return new JsonString(value.ToString(), [.. offsets], start);
            }

            if (c == '\\')
            {
                c = ReadEscape(at);
            }

            value.Append(c);
            offsets.Add(at);
        }
    }

    private char ReadEscape(int at)
    {
        if (_pos >= _text.Length)
        {
            throw new RuleSyntaxException("Unterminated string.", at);
        }

        var e = _text[_pos++];
        switch (e)
        {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                if (_pos + 4 <= _text.Length
                    && int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    _pos += 4;
                    return (char)code;
                }

                throw new RuleSyntaxException("Invalid \\u escape in string.", at);
            default:
                throw new RuleSyntaxException($"Invalid escape '\\{e}' in string.", at);
        }
    }

    private JsonLiteral ReadNumber()
    {
        var start = _pos;
        if (Peek() == '-')
        {
            _pos++;
        }

        while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] is '.' or 'e' or 'E' or '+' or '-'))
        {
            _pos++;
        }

        var span = _text.AsSpan(start, _pos - start);
        if (!double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            throw new RuleSyntaxException("Invalid number.", start);
        }

        return new JsonLiteral(number, start);
    }

    private JsonLiteral ReadWord(string word, object? value)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
        {
            throw new RuleSyntaxException($"Unexpected character '{_text[_pos]}'.", _pos);
        }

        var start = _pos;
        _pos += word.Length;
        return new JsonLiteral(value, start);
    }

    private void Enter(int at)
    {
        if (++_depth > MaxDepth)
        {
            throw new RuleSyntaxException("Rules are nested too deeply.", at);
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw new RuleSyntaxException(_pos >= _text.Length ? "Unexpected end of input." : $"Expected '{c}'.", _pos);
        }

        _pos++;
    }

    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is ' ' or '\t' or '\r' or '\n' or '\uFEFF')
            {
                _pos++;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                while (_pos < _text.Length && _text[_pos] is not '\n' and not '\r')
                {
                    _pos++;
                }
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '*')
            {
                var end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new RuleSyntaxException("Unterminated comment.", _pos);
                }

                _pos = end + 2;
            }
            else
            {
                return;
            }
        }
    }
}
