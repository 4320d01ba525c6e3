using System.Text;

namespace RemoteCam.Firebase;

/// <summary>Builds request URLs: <c>{base}/{escaped path}.json?{base query}&amp;{auth}&amp;{parameters}</c>.</summary>
internal sealed class FirebaseUrl
{
    private readonly string root;
    private readonly string baseQuery;

    public FirebaseUrl(Uri databaseUrl)
    {
        ArgumentNullException.ThrowIfNull(databaseUrl);
        if (!databaseUrl.IsAbsoluteUri || (databaseUrl.Scheme != Uri.UriSchemeHttps && databaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"Database URL must be an absolute http(s) URL: {databaseUrl}", nameof(databaseUrl));
        }

        // Keep any path prefix (e.g. behind a reverse proxy) and any query parameters such as ?ns=.
        root = databaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        baseQuery = databaseUrl.Query.TrimStart('?');
        Namespace = ReadParameter(baseQuery, "ns");
    }

    /// <summary>The <c>ns</c> query parameter of the database URL, if any.</summary>
    public string? Namespace { get; }

    public Uri Build(string path, IEnumerable<KeyValuePair<string, string>>? parameters = null, string? authToken = null)
    {
        var url = new StringBuilder(root).Append(EscapePath(path)).Append(".json");
        char separator = '?';
        if (baseQuery.Length > 0)
        {
            url.Append(separator).Append(baseQuery);
            separator = '&';
        }

        if (authToken is not null)
        {
            url.Append(separator).Append("auth=").Append(Uri.EscapeDataString(authToken));
            separator = '&';
        }

        foreach ((string name, string value) in parameters ?? [])
        {
            url.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(url.ToString());
    }

    /// <summary>
    /// Splits on '/', drops empty segments and percent-encodes each segment, so keys may hold spaces,
    /// unicode or characters Firebase forbids (the server then rejects them with 400).
    /// </summary>
    public static string EscapePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var result = new StringBuilder();
        foreach (string segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            // System.Uri collapses "." and ".." even when percent-encoded, so the request would address
            // another location; Firebase keys cannot contain '.' anyway.
            if (segment is "." or "..")
            {
                throw new ArgumentException($"Path segments cannot be '.' or '..': {path}", nameof(path));
            }

            result.Append('/').Append(Uri.EscapeDataString(segment));
        }

        return result.Length == 0 ? "/" : result.ToString();
    }

    /// <summary>Normalises a path to "/a/b" form ("/" for the root), unescaped.</summary>
    public static string Normalize(string path) =>
        "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Returns the redirect target, re-adding <c>auth=</c> when the credential travels in the query.</summary>
    public static Uri ResolveRedirect(Uri current, Uri location, string? authToken)
    {
        var target = new Uri(current, location);
        if (authToken is null || ReadParameter(target.Query.TrimStart('?'), "auth") is not null)
        {
            return target;
        }

        var builder = new UriBuilder(target);
        string query = builder.Query.TrimStart('?');
        builder.Query = (query.Length == 0 ? "" : query + "&") + "auth=" + Uri.EscapeDataString(authToken);
        return builder.Uri;
    }

    private static string? ReadParameter(string query, string name)
    {
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            if (key == name)
            {
                return equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }
}
