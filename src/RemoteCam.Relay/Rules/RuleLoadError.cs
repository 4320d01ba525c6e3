namespace RemoteCam.Relay.Rules;

/// <summary>
/// Why a rules file was rejected: the message, the JSON path of the offending rule (for example
/// <c>/rules/rooms/$room/.write</c>) and its line and column (1-based) in the file.
/// </summary>
public sealed record RuleLoadError(string Message, string RulePath, int Line, int Column)
{
    /// <summary>The text Firebase returns in <c>400 {"error": …}</c>: <c>Error saving rules - Line 5: Unknown variable 'foo'.</c></summary>
    public string FirebaseMessage => $"Error saving rules - Line {Line}: {Message}";

    public override string ToString() => $"{FirebaseMessage} (at {RulePath}, column {Column})";
}

/// <summary>A load-time failure at a character offset of the rules text; turned into a <see cref="RuleLoadError"/>.</summary>
internal sealed class RuleSyntaxException(string message, int offset) : Exception(message)
{
    /// <summary>Offset in the text being parsed (the JSON file, or the decoded rule string).</summary>
    public int Offset { get; } = offset;
}

/// <summary>Maps character offsets of the rules file to 1-based line and column.</summary>
internal sealed class LineMap
{
    private readonly List<int> _lineStarts = [0];

    public LineMap(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public (int Line, int Column) Locate(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return (index + 1, offset - _lineStarts[index] + 1);
    }
}
