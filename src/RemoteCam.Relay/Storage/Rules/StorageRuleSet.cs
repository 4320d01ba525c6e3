using RemoteCam.Relay.Rules;

namespace RemoteCam.Relay.Storage.Rules;

/// <summary>
/// A loaded storage.rules file: a request is allowed when some <c>match</c> block whose whole
/// path matches the object's path (<c>/b/{bucket}/o/{name…}</c>) has an <c>allow</c> for the
/// request's method whose condition is true (Firebase "How Security Rules work": allows
/// combine with OR, nothing is allowed by default).
/// </summary>
internal sealed class StorageRuleSet : IStorageRules
{
    private readonly IReadOnlyList<MatchBlock> _blocks;

    private StorageRuleSet(IReadOnlyList<MatchBlock> blocks, string source)
    {
        _blocks = blocks;
        Source = source;
    }

    public string Source { get; }

    /// <summary>Loads rules text; false with "Line L, column C: …" for anything wrong or outside the subset.</summary>
    public static bool TryLoad(string text, out StorageRuleSet? rules, out string error)
    {
        rules = null;
        error = "";
        try
        {
            var blocks = Parser.ParseFile(text);
            foreach (var block in blocks)
            {
                CheckPatterns(block);
            }

            rules = new StorageRuleSet(blocks, text);
            return true;
        }
        catch (StorageRuleException e)
        {
            var (line, column) = new LineMap(text).Locate(Math.Min(e.Offset, text.Length));
            error = $"Line {line}, column {column}: {e.Message}";
            return false;
        }
    }

    /// <summary>Regular expressions written as literals must compile (RE2 syntax the non-backtracking engine accepts).</summary>
    private static void CheckPatterns(MatchBlock block)
    {
        foreach (var allow in block.Allows)
        {
            Visit(allow.Condition);
        }

        foreach (var child in block.Children)
        {
            CheckPatterns(child);
        }

        static void Visit(SExpr? expr)
        {
            switch (expr)
            {
                case SCall { Method: "matches", Arguments: [SLiteral { Value: string pattern } literal] } call:
                    if (Evaluator.Regex(pattern) is null)
                    {
                        throw new StorageRuleException($"Invalid regular expression '{pattern}'.", literal.Offset);
                    }

                    Visit(call.Target);
                    break;
                case SCall call:
                    Visit(call.Target);
                    call.Arguments.ToList().ForEach(Visit);
                    break;
                case SMember member:
                    Visit(member.Target);
                    break;
                case SIndex index:
                    Visit(index.Target);
                    Visit(index.Index);
                    break;
                case SUnary unary:
                    Visit(unary.Operand);
                    break;
                case SBinary binary:
                    Visit(binary.Left);
                    Visit(binary.Right);
                    break;
                case SConditional conditional:
                    Visit(conditional.Condition);
                    Visit(conditional.WhenTrue);
                    Visit(conditional.WhenFalse);
                    break;
                case SList list:
                    list.Items.ToList().ForEach(Visit);
                    break;
            }
        }
    }

    public bool Allows(StorageRequest request)
    {
        string[] segments = ["b", request.Bucket, "o", .. request.Path.Length == 0 ? [] : request.Path.Split('/')];
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["request"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["auth"] = AuthOf(request),
                ["resource"] = request.Proposed is null ? null : ResourceOf(request.Proposed),
                ["time"] = request.Time,
                ["path"] = "/" + string.Join('/', segments),
            },
            ["resource"] = request.Resource is null ? null : ResourceOf(request.Resource),
        };
        return _blocks.Any(block => Allows(block, segments, 0, variables, request.Method));
    }

    private static bool Allows(MatchBlock block, string[] segments, int position, Dictionary<string, object?> variables, StorageMethod method)
    {
        var scope = new Dictionary<string, object?>(variables, StringComparer.Ordinal);
        var at = position;
        foreach (var segment in block.Path)
        {
            if (segment.Rest)
            {
                scope[segment.Variable!] = string.Join('/', segments[at..]);
                at = segments.Length;
                continue;
            }

            if (at >= segments.Length || (segment.Variable is null && segments[at] != segment.Text))
            {
                return false;
            }

            if (segment.Variable is not null)
            {
                scope[segment.Variable] = segments[at];
            }

            at++;
        }

        if (at == segments.Length && block.Allows.Any(allow => allow.Methods.Contains(method) && (allow.Condition is null || Evaluator.IsTrue(allow.Condition, scope))))
        {
            return true;
        }

        return block.Children.Any(child => Allows(child, segments, at, scope, method));
    }

    private static object? AuthOf(StorageRequest request)
    {
        if (request.Auth.Uid is null)
        {
            return null;
        }

        var token = request.Auth.Claims is { } claims ? Evaluator.FromJson(claims) : new Dictionary<string, object?>();
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["uid"] = request.Auth.Uid,
            ["token"] = token,
        };
    }

    /// <summary>The fields of a resource in rules (Firebase "Storage rules reference", Resource).</summary>
    private static Dictionary<string, object?> ResourceOf(ObjectMetadata m) => new(StringComparer.Ordinal)
    {
        ["name"] = m.Name,
        ["bucket"] = m.Bucket,
        ["size"] = m.Size,
        ["contentType"] = m.ContentType,
        ["metadata"] = m.Metadata.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal),
        ["md5Hash"] = m.Md5Hash,
        ["crc32c"] = m.Crc32cBase64,
        ["etag"] = m.ETag,
        ["generation"] = m.Generation,
        ["metageneration"] = m.Metageneration,
        ["timeCreated"] = m.TimeCreated,
        ["updated"] = m.Updated,
        ["contentEncoding"] = m.ContentEncoding,
        ["contentDisposition"] = m.ContentDisposition,
        ["contentLanguage"] = m.ContentLanguage,
        ["cacheControl"] = m.CacheControl,
    };
}
