using System.Text.RegularExpressions;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Rules;

/// <summary>
/// Turns a rules file into a <see cref="RuleNode"/> tree, refusing what Firebase refuses when rules
/// are saved ("Understand Firebase Realtime Database Security Rules", core syntax; "Security Rules
/// reference"): a top level other than <c>{"rules": {…}}</c>, unknown <c>.keys</c>, non-object rule
/// nodes, two wildcards at one level or a reused wildcard name, rule values other than booleans
/// and expression strings, non-string <c>.indexOn</c>, and expressions that fail to parse or check.
/// </summary>
internal sealed partial class RuleSetLoader
{
    private readonly LineMap _lines;

    private RuleSetLoader(string text) => _lines = new LineMap(text);

    public static bool TryLoad(string text, out RuleNode? root, out RuleLoadError? error)
    {
        var loader = new RuleSetLoader(text);
        root = null;
        error = null;
        JsonValue document;
        try
        {
            document = RulesJsonReader.Parse(text);
        }
        catch (RuleSyntaxException e)
        {
            error = loader.ErrorAt(e.Message, "", e.Offset);
            return false;
        }

        try
        {
            root = loader.LoadDocument(document);
            return true;
        }
        catch (LoadException e)
        {
            error = e.Error;
            return false;
        }
    }

    private RuleNode LoadDocument(JsonValue document)
    {
        if (document is not JsonObject top)
        {
            throw Fail("Rules must be an object with a \"rules\" property.", "", document.Offset);
        }

        JsonValue? rules = null;
        foreach (var member in top.Members)
        {
            if (member.Key != "rules")
            {
                throw Fail($"Invalid key '{member.Key}'; the top level may only contain \"rules\".", "/" + member.Key, member.KeyOffset);
            }

            rules = member.Value;
        }

        if (rules is null)
        {
            throw Fail("Rules must be an object with a \"rules\" property.", "", top.Offset);
        }

        return LoadNode(rules, "/rules", new HashSet<string>(StringComparer.Ordinal));
    }

    private RuleNode LoadNode(JsonValue value, string rulePath, HashSet<string> wildcards)
    {
        if (value is not JsonObject obj)
        {
            throw Fail("Expected an object of rules.", rulePath, value.Offset);
        }

        var named = new Dictionary<string, RuleNode>(StringComparer.Ordinal);
        string? wildcardName = null;
        RuleNode? wildcard = null;
        CompiledRule? read = null, write = null, validate = null;
        IReadOnlyList<string> indexOn = [];

        foreach (var member in obj.Members)
        {
            var path = rulePath + "/" + member.Key;
            switch (member.Key)
            {
                case ".read":
                    read = LoadRule(member, path, RuleKind.Read, wildcards);
                    break;
                case ".write":
                    write = LoadRule(member, path, RuleKind.Write, wildcards);
                    break;
                case ".validate":
                    validate = LoadRule(member, path, RuleKind.Validate, wildcards);
                    break;
                case ".indexOn":
                    indexOn = LoadIndexOn(member.Value, path);
                    break;
                case var key when key.StartsWith('.'):
                    throw Fail($"Invalid key: {key}. Rule keys starting with '.' must be .read, .write, .validate or .indexOn.", path, member.KeyOffset);
                case var key when key.StartsWith('$'):
                    if (!WildcardPattern().IsMatch(key))
                    {
                        throw Fail($"Invalid wildcard name '{key}'.", path, member.KeyOffset);
                    }

                    if (wildcardName is not null)
                    {
                        throw Fail($"Invalid key: {key}. There can only be one $ wildcard at a given level (already have {wildcardName}).", path, member.KeyOffset);
                    }

                    if (wildcards.Contains(key))
                    {
                        throw Fail($"Invalid key: {key}. The wildcard name is already used above this level.", path, member.KeyOffset);
                    }

                    wildcardName = key;
                    wildcards.Add(key);
                    wildcard = LoadNode(member.Value, path, wildcards);
                    wildcards.Remove(key);
                    break;
                default:
                    if (!DataPath.IsValidKey(member.Key, out var why))
                    {
                        throw Fail($"Invalid key: {member.Key}. Firebase {why}", path, member.KeyOffset);
                    }

                    named[member.Key] = LoadNode(member.Value, path, wildcards);
                    break;
            }
        }

        return new RuleNode
        {
            Named = named,
            WildcardName = wildcardName,
            Wildcard = wildcard,
            Read = read,
            Write = write,
            Validate = validate,
            IndexOn = indexOn,
            HasValidate = validate is not null || (wildcard?.HasValidate ?? false) || named.Values.Any(n => n.HasValidate),
        };
    }

    private CompiledRule LoadRule(JsonMember member, string rulePath, RuleKind kind, HashSet<string> wildcards)
    {
        switch (member.Value)
        {
            case JsonLiteral { Value: bool constant }:
                return new CompiledRule(new LiteralExpr(constant, 0), rulePath);
            case JsonString text:
                try
                {
                    var expr = Parser.Parse(text.Value);
                    TypeChecker.CheckRule(expr, kind, wildcards);
                    return new CompiledRule(expr, rulePath);
                }
                catch (RuleSyntaxException e)
                {
                    // Map the offset in the decoded string back to the file (escapes and line breaks included).
                    var offset = text.SourceOffsets[Math.Clamp(e.Offset, 0, text.SourceOffsets.Length - 1)];
                    throw Fail(e.Message, rulePath, offset);
                }

            default:
                throw Fail($"Expected {member.Key} to be a boolean or a string.", rulePath, member.Value.Offset);
        }
    }

    private List<string> LoadIndexOn(JsonValue value, string rulePath)
    {
        var items = value switch
        {
            JsonString one => [one],
            JsonArray array => array.Items,
            _ => throw Fail(".indexOn must be a string or an array of strings.", rulePath, value.Offset),
        };

        var keys = new List<string>();
        foreach (var item in items)
        {
            if (item is not JsonString key)
            {
                throw Fail(".indexOn must be a string or an array of strings.", rulePath, item.Offset);
            }

            var normalized = key.Value.Trim('/');
            if (normalized != ".value" && (normalized.Length == 0 || !DataPath.TryParse(normalized, out _, out _)))
            {
                throw Fail($"Invalid .indexOn entry '{key.Value}'.", rulePath, key.Offset);
            }

            keys.Add(normalized);
        }

        return keys;
    }

    private RuleLoadError ErrorAt(string message, string rulePath, int offset)
    {
        var (line, column) = _lines.Locate(offset);
        return new RuleLoadError(message, rulePath, line, column);
    }

    private LoadException Fail(string message, string rulePath, int offset) => new(ErrorAt(message, rulePath, offset));

    [GeneratedRegex("^\\$[A-Za-z0-9_-]+$")]
    private static partial Regex WildcardPattern();

    private sealed class LoadException(RuleLoadError error) : Exception(error.Message)
    {
        public RuleLoadError Error { get; } = error;
    }
}
