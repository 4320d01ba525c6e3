using System.Globalization;

using Microsoft.AspNetCore.Http;

namespace RemoteCam.Relay.Http;

/// <summary>
/// The built pages (<see cref="RelayOptions.WebRoot"/>): GET and HEAD of the files in one folder.
/// <c>/</c> and <c>dir/</c> serve that folder's <c>index.html</c>; nothing lists a folder. A URL
/// resolves only through names of letters, digits, <c>. _ ~ -</c> not starting with a dot, so
/// <c>..</c>, hidden files and encoded slashes never reach the file system, and the resolved path
/// is checked to lie inside the folder. Only the file types in <see cref="ContentTypes"/> are
/// served (a <c>.json</c> URL is a database path and never reaches here). Names are not
/// content-hashed, so every answer says <c>Cache-Control: no-cache</c> and carries an ETag that a
/// revalidation (<c>If-None-Match</c>) answers with 304.
/// </summary>
internal sealed class StaticPages
{
    /// <summary>Scripts and styles only from this origin; the pages may talk to this origin, to https: (Firebase, Google sign-in) and to wss: (Firebase's realtime WebSocket, on the host its handshake names).</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; " +
        "media-src 'self' blob: mediastream:; connect-src 'self' https: wss:; object-src 'none'; base-uri 'none'; " +
        "form-action 'self'; frame-ancestors 'none'";

    public static readonly IReadOnlyDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".map"] = "application/json; charset=utf-8",
        [".webmanifest"] = "application/manifest+json; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".ico"] = "image/x-icon",
        [".txt"] = "text/plain; charset=utf-8",
        [".woff2"] = "font/woff2",
        [".wasm"] = "application/wasm",
    };

    private readonly string? _root;

    public StaticPages(string? webRoot)
    {
        _root = webRoot is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(webRoot)) + Path.DirectorySeparatorChar;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var file = Resolve(context.Request.Path.Value);
        if (file is null)
        {
            await Responses.WriteErrorAsync(context, StatusCodes.Status404NotFound, Errors.NotFound);
            return;
        }

        if (await Responses.RejectUnlessReadAsync(context))
        {
            return;
        }

        var method = context.Request.Method;

        var response = context.Response;
        var headers = response.Headers;
        var etag = ETagOf(file);
        headers.ETag = etag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        if (Matches(context.Request.Headers.IfNoneMatch.ToString(), etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Removed between the check and the open (the pages are being rebuilt).
            headers.Remove("ETag");
            await Responses.WriteErrorAsync(context, StatusCodes.Status404NotFound, Errors.NotFound);
            return;
        }

        await using (stream)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentTypes[file.Extension];
            response.ContentLength = stream.Length;
            if (HttpMethods.IsHead(method))
            {
                return;
            }

            await stream.CopyToAsync(response.Body, context.RequestAborted);
        }
    }

    /// <summary>The file a URL path names, or null when there is none or the path is not a plain one.</summary>
    internal FileInfo? Resolve(string? urlPath)
    {
        if (_root is null || string.IsNullOrEmpty(urlPath) || urlPath[0] != '/')
        {
            return null;
        }

        var relative = urlPath[1..];
        if (relative.Length == 0 || relative.EndsWith('/'))
        {
            relative += "index.html";
        }

        var segments = relative.Split('/');
        if (!segments.All(IsPlainName))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(_root, Path.Combine(segments)));
        if (!full.StartsWith(_root, StringComparison.Ordinal) || !ContentTypes.ContainsKey(Path.GetExtension(full)))
        {
            return null;
        }

        var file = new FileInfo(full);
        return file.Exists ? file : null;
    }

    private static bool IsPlainName(string segment) =>
        segment.Length is > 0 and <= 255
        && segment[0] != '.'
        && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or '-');

    private static string ETagOf(FileInfo file) =>
        "\"" + (file.LastWriteTimeUtc.Ticks ^ file.Length).ToString("x", CultureInfo.InvariantCulture) + "\"";

    /// <summary>Whether an <c>If-None-Match</c> list names <paramref name="etag"/> (weak comparison, as RFC 9110 asks for it).</summary>
    private static bool Matches(string ifNoneMatch, string etag)
    {
        foreach (var candidate in ifNoneMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate == "*" || (candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate) == etag)
            {
                return true;
            }
        }

        return false;
    }
}
