using System.Globalization;
using System.Text.RegularExpressions;

using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Http;

/// <summary>
/// A database request's parsed URL: method (after override), location, database name and the
/// documented query parameters. Parsing fails with Firebase's 400 message, never an exception.
/// </summary>
internal sealed partial class RestRequest
{
    /// <summary>Every query parameter the relay understands; anything else is a 400.</summary>
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "auth", "access_token", "auth_variable_override", "ns", "print", "shallow", "format", "timeout",
        "writeSizeLimit", "orderBy", "limitToFirst", "limitToLast", "startAt", "endAt", "equalTo",
        "startAfter", "endBefore", "callback", "download", "x-http-method-override", "disableTriggers", "ac",
    };

    /// <summary>Parameters that may go with <c>shallow=true</c>.</summary>
    private static readonly HashSet<string> ShallowCompanions = new(StringComparer.Ordinal)
    {
        "auth", "access_token", "auth_variable_override", "ns", "print", "shallow", "timeout", "ac",
    };

    public required string Method { get; init; }

    public required DataPath Path { get; init; }

    /// <summary>The request addressed <c>…/.priority</c> of <see cref="Path"/>.</summary>
    public bool Priority { get; init; }

    /// <summary>The request addressed <c>/.info/…</c>, the read-only connection information.</summary>
    public bool Info { get; init; }

    public required string? Namespace { get; init; }

    public bool Pretty { get; init; }

    public bool Silent { get; init; }

    public bool Shallow { get; init; }

    public bool Export { get; init; }

    public long WriteSizeLimit { get; init; }

    public string? Callback { get; init; }

    public string? Download { get; init; }

    /// <summary>The query (orderBy, ranges, limits), or null when there is none.</summary>
    public QuerySpec? Query { get; init; }

    public static bool TryParse(HttpRequest http, string pathWithoutJson, out RestRequest request, out string error)
    {
        request = null!;
        error = "";
        foreach (var (name, _) in http.Query)
        {
            if (!Known.Contains(name))
            {
                error = Errors.UnknownParameter(name);
                return false;
            }
        }

        var method = http.Method.ToUpperInvariant();
        if (method == "POST")
        {
            var over = http.Headers["X-HTTP-Method-Override"].ToString();
            if (string.IsNullOrEmpty(over))
            {
                over = http.Query["x-http-method-override"].ToString();
            }

            if (!string.IsNullOrEmpty(over))
            {
                method = over.Trim().ToUpperInvariant();
            }
        }

        if (method is not ("GET" or "PUT" or "POST" or "PATCH" or "DELETE"))
        {
            error = Errors.BadMethod(method);
            return false;
        }

        var rawPath = pathWithoutJson;
        var priority = false;
        if (rawPath.EndsWith("/.priority", StringComparison.Ordinal) || rawPath == ".priority")
        {
            priority = true;
            rawPath = rawPath[..^".priority".Length];
        }

        var info = false;
        var trimmed = rawPath.TrimStart('/');
        if (trimmed == ".info" || trimmed.StartsWith(".info/", StringComparison.Ordinal))
        {
            if (method != "GET")
            {
                error = Errors.InfoReadOnly;
                return false;
            }

            info = true;
            rawPath = trimmed[".info".Length..];
        }

        if (!DataPath.TryParse(rawPath, out var path, out error))
        {
            return false;
        }

        string? ns = null;
        if (http.Query.TryGetValue("ns", out var nsValue) && !string.IsNullOrEmpty(nsValue))
        {
            ns = nsValue.ToString();
            if (!Engine.DatabaseRegistry.IsValidName(ns))
            {
                error = Errors.BadNamespace(ns);
                return false;
            }
        }

        var print = http.Query["print"].ToString();
        if (print is not ("" or "pretty" or "silent"))
        {
            error = Errors.BadPrint(print);
            return false;
        }

        if (print == "silent" && method == "DELETE")
        {
            error = Errors.SilentOnDelete;
            return false;
        }

        var shallowText = http.Query["shallow"].ToString();
        if (shallowText is not ("" or "true" or "false"))
        {
            error = Errors.BadShallow(shallowText);
            return false;
        }

        var shallow = shallowText == "true";
        if (shallow)
        {
            if (method != "GET")
            {
                error = Errors.ShallowNotGet;
                return false;
            }

            if (http.Query.Keys.Any(k => !ShallowCompanions.Contains(k)))
            {
                error = Errors.ShallowMixed;
                return false;
            }
        }

        var format = http.Query["format"].ToString();
        if (format is not ("" or "export"))
        {
            error = Errors.BadFormat(format);
            return false;
        }

        if (format == "export" && method != "GET")
        {
            error = Errors.ExportNotGet;
            return false;
        }

        var timeout = http.Query["timeout"].ToString();
        if (timeout.Length > 0 && !TryTimeout(timeout, out _))
        {
            error = Errors.BadTimeout(timeout);
            return false;
        }

        var sizeText = http.Query["writeSizeLimit"].ToString();
        long sizeLimit = WriteSizeLimits.Default;
        if (sizeText.Length > 0 && !WriteSizeLimits.TryParse(sizeText, out sizeLimit))
        {
            error = Errors.BadWriteSizeLimit(sizeText);
            return false;
        }

        var callback = http.Query["callback"].ToString();
        if (callback.Length > 0 && !CallbackName().IsMatch(callback))
        {
            error = Errors.BadCallback(callback);
            return false;
        }

        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in QueryParser.QueryNames)
        {
            if (http.Query.TryGetValue(name, out var value))
            {
                query[name] = value.ToString();
            }
        }

        if (!QueryParser.TryParse(query, out var querySpec, out error))
        {
            return false;
        }

        request = new RestRequest
        {
            Method = method,
            Path = path,
            Priority = priority,
            Info = info,
            Namespace = ns,
            Pretty = print == "pretty",
            Silent = print == "silent",
            Shallow = shallow,
            Export = format == "export",
            WriteSizeLimit = sizeLimit,
            Callback = callback.Length > 0 ? callback : null,
            Download = http.Query["download"].ToString() is { Length: > 0 } download ? download : null,
            Query = querySpec,
        };
        return true;
    }

    /// <summary><c>3ms</c>, <c>3s</c> or <c>3min</c>; positive and at most 15 minutes.</summary>
    public static bool TryTimeout(string text, out TimeSpan timeout)
    {
        timeout = default;
        var match = TimeoutPattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        timeout = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(Math.Min(amount, 1_000_000)),
            _ => TimeSpan.FromMinutes(Math.Min(amount, 1_000_000)),
        };
        return timeout > TimeSpan.Zero && timeout <= TimeSpan.FromMinutes(15);
    }

    [GeneratedRegex("^([0-9]{1,12})(ms|s|min)$")]
    private static partial Regex TimeoutPattern();

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$.]{0,99}$")]
    private static partial Regex CallbackName();
}

/// <summary>
/// <c>writeSizeLimit</c>: Firebase states its levels as target times; the relay states them as
/// request body sizes so the limit is explicit and predictable.
/// </summary>
internal static class WriteSizeLimits
{
    public const long Tiny = 64 * 1024;
    public const long Small = 1024 * 1024;
    public const long Medium = 16 * 1024 * 1024;
    public const long Large = 64 * 1024 * 1024;
    public const long Unlimited = 256L * 1024 * 1024;
    public const long Default = Large;

    public static bool TryParse(string text, out long bytes)
    {
        bytes = text switch
        {
            "tiny" => Tiny,
            "small" => Small,
            "medium" => Medium,
            "large" => Large,
            "unlimited" => Unlimited,
            _ => -1,
        };
        return bytes > 0;
    }
}
