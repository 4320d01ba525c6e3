using System.Globalization;
using System.Text;

namespace RemoteCam.Fuzz;

/// <summary>One random request, reproducible from the seed.</summary>
internal sealed record FuzzRequest(int Index, string Method, string PathAndQuery, byte[]? Body, (string Name, string Value)[] Headers)
{
    /// <summary>What the answer must be beyond "no 5xx, errors in Firebase's shape"; null for none.</summary>
    public Expectation? Expected { get; init; }

    private static readonly string[] Methods =
        ["GET", "GET", "GET", "PUT", "PUT", "PUT", "POST", "POST", "PATCH", "PATCH", "DELETE", "DELETE", "OPTIONS", "HEAD", "PROPFIND", "FOO", "get", "put", "MERGE", "CONNECTX"];

    private static readonly string[] Words = ["a", "b", "users", "alan", "0", "1", "42", "-Nx1", "fuzz-watch", "stream", "ü", "日本", "🐢", "x y", "-", "_"];

    private static readonly string[] Reserved = [".", "$", "%23", "[", "]", "%2F", "%2f", "%01", "%7F", "%ZZ", "%E9", "%C3%A9", "%F0%9F%90%A2", "%25", "+", "%20", "'", "\"", "<", ">", "\\", "|", "^", "`", "{", "}", ";", ":", "@", "!", "*", "(", ")", ",", "~"];

    private static readonly Dictionary<string, string[]> Parameters = new()
    {
        ["print"] = ["pretty", "silent", "ugly", ""],
        ["shallow"] = ["true", "false", "yes"],
        ["format"] = ["export", "xml"],
        ["timeout"] = ["3ms", "3s", "3min", "15min", "0s", "16min", "abc", "99999999999999min", "-1s"],
        ["writeSizeLimit"] = ["tiny", "small", "medium", "large", "unlimited", "huge"],
        ["orderBy"] = ["%22%24key%22", "%22%24value%22", "%22%24priority%22", "%22height%22", "%22a%2Fb%22", "height", "%22", "%22%24bogus%22"],
        ["limitToFirst"] = ["1", "0", "-1", "abc", "99999999999", "1.5"],
        ["limitToLast"] = ["2", "-5", "x"],
        ["startAt"] = ["%22a%22", "3", "true", "null", "%22a%22,%22k%22", "{"],
        ["endAt"] = ["%22z%22", "10", "false", "]"],
        ["equalTo"] = ["%22x%22", "1", "null"],
        ["startAfter"] = ["1", "%22b%22"],
        ["endBefore"] = ["9"],
        ["ns"] = ["fuzz-a", "fuzz-b", "remotecam", "bad_ns", "a.b", "", new string('n', 70), "%C3%BC"],
        ["auth"] = ["owner", "junk", "", "eyJhbGciOiJub25lIn0.e30."],
        ["access_token"] = ["owner", "x"],
        ["auth_variable_override"] = ["%7B%22uid%22%3A%22u%22%7D", "null", "{bad"],
        ["callback"] = ["fn", "a.b", "1bad", "%3Cscript%3E"],
        ["download"] = ["file.json", "%22quoted%22", ""],
        ["x-http-method-override"] = ["DELETE", "PATCH", "PUT", "GET", "POST", "TRACE", "junk", ""],
        ["disableTriggers"] = ["true"],
        ["ac"] = ["token"],
        ["junk"] = ["1"],
        ["%01"] = ["x"],
        [""] = ["empty-name"],
    };

    /// <summary>
    /// Anything: a random method, path, query, body and headers, and in one request of four a
    /// token of any kind (<paramref name="tokens"/>) in <c>?auth=</c>, <c>?access_token=</c> or
    /// <c>Authorization</c>.
    /// </summary>
    public static FuzzRequest Random(Random random, int index, FuzzTokens tokens)
    {
        var method = Pick(random, Methods);
        var path = RandomPath(random);
        var query = RandomQuery(random);
        var body = random.Next(10) < 3 && method is "GET" or "DELETE" or "get" ? null : RandomBody(random);
        var headers = RandomHeaders(random);
        if (random.Next(4) == 0)
        {
            var (token, _) = tokens.Any(random);
            (query, headers) = WithToken(random, token, query, headers);
        }

        return new FuzzRequest(index, method, path + (query.Length > 0 ? "?" + query : ""), body, headers);
    }

    /// <summary>
    /// A plain read or write whose only oddity is its token, so the answer is known: an expired
    /// token is <c>401 Auth token is expired</c>, a forged, unsigned, foreign or garbage one
    /// <c>401 Could not parse auth token.</c>, a valid one whatever the rules in force decide.
    /// </summary>
    public static FuzzRequest WithToken(Random random, int index, FuzzTokens tokens)
    {
        var (token, kind) = tokens.Any(random);
        var write = random.Next(2) == 0;
        var (query, headers) = WithToken(random, token, "", []);
        var path = "/fuzz-token/" + Pick(random, Words.Where(w => !w.Contains(' ', StringComparison.Ordinal)).ToArray()) + ".json";
        var expected = kind switch
        {
            TokenKind.Valid => Expectation.OkOrDenied,
            TokenKind.Expired => new Expectation([401], "Auth token is expired"),
            _ => new Expectation([401], "Could not parse auth token."),
        };
        return new FuzzRequest(index, write ? "PUT" : "GET", path + (query.Length > 0 ? "?" + query : ""), write ? Encoding.UTF8.GetBytes("{\"v\":1}") : null, headers)
        {
            Expected = expected,
            Kind = "token:" + kind,
        };
    }

    /// <summary>A label for the report ("soup", "token:Expired", "rules", …).</summary>
    public string Kind { get; init; } = "soup";

    private static (string Query, (string Name, string Value)[] Headers) WithToken(Random random, string token, string query, (string Name, string Value)[] headers)
    {
        var where = random.Next(3);
        if (where == 2 && token.All(c => c is >= ' ' and <= '~'))
        {
            return (query, [.. headers.Where(h => !h.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)), ("Authorization", "Bearer " + token)]);
        }

        var parameter = (where == 0 ? "auth=" : "access_token=") + Uri.EscapeDataString(token);
        return (query.Length == 0 ? parameter : parameter + "&" + query, headers);
    }

    private static string RandomPath(Random random)
    {
        var builder = new StringBuilder("/");
        var depth = random.Next(20) == 0 ? random.Next(30, 40) : random.Next(0, 6);
        for (var i = 0; i < depth; i++)
        {
            if (i > 0)
            {
                builder.Append(random.Next(15) == 0 ? "//" : "/");
            }

            builder.Append(RandomSegment(random));
        }

        switch (random.Next(12))
        {
            case 0:
                builder.Append("/.priority");
                break;
            case 1:
                builder.Insert(0, "/.info");
                break;
            case 2:
                builder.Append("/.settings/rules");
                break;
        }

        return random.Next(15) switch
        {
            0 => builder.ToString(),
            1 => builder + ".JSON",
            2 => builder + ".json/extra",
            _ => builder + ".json",
        };
    }

    private static string RandomSegment(Random random)
    {
        switch (random.Next(10))
        {
            case 0:
                return Pick(random, Reserved) + Pick(random, Words);
            case 1:
                return Pick(random, Words) + Pick(random, Reserved);
            case 2:
                return Uri.EscapeDataString(RandomUnicode(random, random.Next(1, 12)));
            case 3 when random.Next(4) == 0:
                return new string('L', random.Next(700, 900));
            case 4:
                return string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => "%" + random.Next(1, 256).ToString("X2", CultureInfo.InvariantCulture)));
            default:
                return Uri.EscapeDataString(Pick(random, Words));
        }
    }

    private static string RandomUnicode(Random random, int length)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            var kind = random.Next(6);
            var c = kind switch
            {
                0 => random.Next(0x20, 0x7F),
                1 => random.Next(0xA0, 0x3000),
                2 => random.Next(0x4E00, 0x9FFF),
                3 => random.Next(0x1F300, 0x1FAFF),
                4 => random.Next(1, 0x20),
                _ => random.Next(0xE000, 0xFFFD),
            };
            builder.Append(char.ConvertFromUtf32(c));
        }

        return builder.ToString();
    }

    private static string RandomQuery(Random random)
    {
        var count = random.Next(4) == 0 ? random.Next(1, 5) : 0;
        var parts = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var name = Pick(random, Parameters.Keys.ToArray());
            parts.Add(name + "=" + Pick(random, Parameters[name]));
        }

        return string.Join('&', parts);
    }

    private static byte[]? RandomBody(Random random)
    {
        switch (random.Next(14))
        {
            case 0:
                return null;
            case 1:
                return [];
            case 2:
                var bytes = new byte[random.Next(1, 2000)];
                random.NextBytes(bytes);
                return bytes;
            case 3:
                var json = RandomJson(random, 0);
                return Encoding.UTF8.GetBytes(json[..random.Next(json.Length)]);
            case 4:
                return Encoding.UTF8.GetBytes(Pick(random, ["1e309", "-1e400", "123456789012345678901234567890", "1E-400", "0.1e1000", "-0", "NaN", "Infinity", "9007199254740993"]));
            case 5:
                var levels = random.Next(25, 300);
                return Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(random.Next(2) == 0 ? "{\"d\":" : "[", levels)) + "1"
                    + new string(random.Next(2) == 0 ? '}' : ']', levels));
            case 6:
                return Encoding.UTF8.GetBytes("\"" + new string('s', random.Next(10_000, 200_000)) + "\"");
            case 7:
                return Encoding.UTF8.GetBytes(Pick(random, ["{\".sv\":\"timestamp\"}", "{\".sv\":{\"increment\":1}}", "{\".sv\":\"nope\"}", "{\".value\":1,\".priority\":2}", "{\".priority\":{}}", "{\"a\":{\".sv\":{\"increment\":1e308}}}"]));
            default:
                return Encoding.UTF8.GetBytes(RandomJson(random, 0));
        }
    }

    private static string RandomJson(Random random, int depth)
    {
        var kind = depth > 5 ? random.Next(5) : random.Next(8);
        switch (kind)
        {
            case 0:
                return "null";
            case 1:
                return random.Next(2) == 0 ? "true" : "false";
            case 2:
                return (random.NextDouble() * Math.Pow(10, random.Next(-5, 20)) * (random.Next(2) == 0 ? 1 : -1)).ToString("R", CultureInfo.InvariantCulture);
            case 3:
                return random.Next(1000).ToString(CultureInfo.InvariantCulture);
            case 4:
                return System.Text.Json.JsonSerializer.Serialize(RandomUnicode(random, random.Next(0, 20)));
            case 5:
                return "[" + string.Join(',', Enumerable.Range(0, random.Next(0, 5)).Select(_ => RandomJson(random, depth + 1))) + "]";
            default:
                var members = Enumerable.Range(0, random.Next(0, 6)).Select(_ =>
                {
                    var key = random.Next(8) switch
                    {
                        0 => Pick(random, [".priority", ".value", ".sv", "a.b", "a/b", "", "$x", "#", "[", "]"]),
                        1 => RandomUnicode(random, random.Next(1, 6)),
                        2 => random.Next(10).ToString(CultureInfo.InvariantCulture),
                        _ => Pick(random, Words),
                    };
                    return System.Text.Json.JsonSerializer.Serialize(key) + ":" + RandomJson(random, depth + 1);
                });
                return "{" + string.Join(',', members) + "}";
        }
    }

    private static (string, string)[] RandomHeaders(Random random)
    {
        var headers = new List<(string, string)>();
        if (random.Next(6) == 0)
        {
            headers.Add(("X-Firebase-ETag", Pick(random, ["true", "false", "TRUE", "yes"])));
        }

        if (random.Next(8) == 0)
        {
            headers.Add(("if-match", Pick(random, ["null_etag", "\"null_etag\"", "*", "junk", "abc=", "\"quoted\"", "a, b"])));
        }

        if (random.Next(8) == 0)
        {
            headers.Add(("X-HTTP-Method-Override", Pick(random, ["DELETE", "PATCH", "PUT", "GET", "HEAD", "junk", " delete "])));
        }

        if (random.Next(10) == 0)
        {
            headers.Add(("Authorization", Pick(random, ["Bearer owner", "Bearer junk", "Basic abc", "Bearer"])));
        }

        if (random.Next(10) == 0)
        {
            headers.Add(("Content-Type", Pick(random, ["text/plain", "application/octet-stream", "application/json; charset=latin1"])));
        }

        if (random.Next(15) == 0)
        {
            headers.Add(("Access-Control-Request-Method", Pick(random, ["PUT", "DELETE", "junk"])));
        }

        return [.. headers];
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    public override string ToString()
    {
        var body = Body is null ? "(no body)" : Encoding.UTF8.GetString(Body);
        return $"#{Index} {Method} {(PathAndQuery.Length > 300 ? PathAndQuery[..300] + "…" : PathAndQuery)} "
            + $"[{string.Join("; ", Headers.Select(h => h.Name + ": " + h.Value))}] body {(body.Length > 200 ? body[..200] + "…" : body)}";
    }
}
