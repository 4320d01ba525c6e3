using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

using RemoteCam.Relay.Http;

namespace RemoteCam.Relay.Storage;

/// <summary>
/// What the two storage APIs share on the wire: the raw path (object names keep their
/// <c>%2F</c>, which Kestrel leaves undecoded in <c>Request.Path</c>), request bodies (gzip
/// when <c>Content-Encoding: gzip</c>), media responses with ranges and <c>x-goog-hash</c>, and
/// the two object resource shapes.
/// </summary>
internal static class StorageHttp
{
    /// <summary>Response headers a browser page must be able to read (the Firebase JS SDK reads the upload ones).</summary>
    public const string ExposedHeaders =
        "ETag, Content-Range, X-Goog-Upload-URL, X-Goog-Upload-Status, X-Goog-Upload-Size-Received, X-Goog-Upload-Command, "
        + "X-Goog-Upload-Chunk-Granularity, X-Goog-Upload-Control-URL, X-Goog-Hash, X-Goog-Generation, Location, Range";

    /// <summary>The request path's segments, each percent-decoded on its own (so <c>%2F</c> stays inside a segment).</summary>
    public static string[] RawSegments(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }

        return [.. raw.Split('/', StringSplitOptions.None).Skip(1).Select(Uri.UnescapeDataString)];
    }

    /// <summary>The origin the client used (scheme and a checked Host), for absolute upload URLs; null with a bad Host.</summary>
    public static string? Origin(HttpContext context)
    {
        var host = context.Request.Headers.Host.ToString();
        return FirebaseInit.IsValidHost(host) ? $"{(context.Request.IsHttps ? "https" : "http")}://{host}" : null;
    }

    /// <summary>The request body, gunzipped when it says <c>Content-Encoding: gzip</c>.</summary>
    public static Stream Body(HttpRequest request) =>
        request.Headers.ContentEncoding.ToString().Trim().Equals("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true)
            : request.Body;

    /// <summary>Reads a small JSON body (metadata), at most 1 MiB; null when larger or broken gzip.</summary>
    public static async Task<byte[]?> ReadSmallBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = Body(request);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > 1024 * 1024)
                {
                    return null;
                }
            }

            return buffer.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The value of one <c>name=value</c> item of <c>x-goog-hash</c> (e.g. <c>crc32c=AAAAAA==,md5=…</c>).</summary>
    public static string? HashClaim(HttpRequest request, string name)
    {
        foreach (var header in request.Headers["x-goog-hash"])
        {
            foreach (var item in (header ?? "").Split(','))
            {
                var equals = item.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && item[..equals].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return item[(equals + 1)..].Trim();
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Sends an object's bytes: the whole object (200, with <c>x-goog-hash</c> so clients can
    /// validate) or one range (206 with <c>Content-Range</c>; no hash, because it would be the
    /// whole object's and Google.Cloud.Storage.V1 rejects that on a partial body).
    /// </summary>
    public static async Task SendMediaAsync(HttpContext context, StoredObject stored, Func<int, string, Task> error)
    {
        var metadata = stored.Metadata;
        var response = context.Response;
        var size = metadata.Size;
        long start = 0, end = size - 1;
        var ranged = false;
        var range = context.Request.Headers.Range.ToString();
        if (range.Length > 0)
        {
            if (!TryParseRange(range, size, out start, out end, out var satisfiable))
            {
                start = 0;
                end = size - 1;
            }
            else if (!satisfiable)
            {
                response.Headers.ContentRange = $"bytes */{size}";
                await error(StatusCodes.Status416RangeNotSatisfiable, StorageErrors.BadRange);
                return;
            }
            else
            {
                ranged = start != 0 || end != size - 1;
            }
        }

        FileStream file;
        try
        {
            file = new FileStream(stored.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            await error(StatusCodes.Status404NotFound, StorageErrors.NoSuchObject(metadata.Bucket, metadata.Name));
            return;
        }

        await using (file)
        {
            response.StatusCode = ranged ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
            response.ContentType = metadata.ContentType;
            response.Headers.AcceptRanges = "bytes";
            response.Headers.ETag = "\"" + metadata.ETag + "\"";
            response.Headers.CacheControl = metadata.CacheControl ?? "private, max-age=0";
            response.Headers["x-goog-generation"] = metadata.Generation.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-goog-metageneration"] = metadata.Metageneration.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-goog-stored-content-length"] = size.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-goog-stored-content-encoding"] = metadata.ContentEncoding ?? "identity";
            response.Headers["x-goog-storage-class"] = "STANDARD";
            if (metadata.ContentDisposition is not null)
            {
                response.Headers.ContentDisposition = metadata.ContentDisposition;
            }

            if (ranged)
            {
                response.Headers.ContentRange = $"bytes {start}-{end}/{size}";
            }
            else
            {
                response.Headers["x-goog-hash"] = $"crc32c={metadata.Crc32cBase64},md5={metadata.Md5Hash}";
            }

            var length = size == 0 ? 0 : end - start + 1;
            response.ContentLength = length;
            if (HttpMethods.IsHead(context.Request.Method) || length == 0)
            {
                return;
            }

            file.Position = start;
            var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
            try
            {
                var left = length;
                while (left > 0)
                {
                    var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), context.RequestAborted);
                    if (read == 0)
                    {
                        break;
                    }

                    await response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                    left -= read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>One <c>bytes=</c> range (a-b, a-, -n); false when the header is not one we read (then the whole object is sent, as HTTP allows).</summary>
    private static bool TryParseRange(string header, long size, out long start, out long end, out bool satisfiable)
    {
        start = 0;
        end = size - 1;
        satisfiable = true;
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        var spec = header["bytes=".Length..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return false;
        }

        var first = spec[..dash];
        var last = spec[(dash + 1)..];
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
            {
                return false;
            }

            start = Math.Max(0, size - suffix);
            satisfiable = suffix > 0 && size > 0;
            return true;
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out start))
        {
            return false;
        }

        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start)
            {
                return false;
            }

            end = Math.Min(end, size - 1);
        }

        satisfiable = start < size;
        return true;
    }

    public static string Date(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The Cloud Storage JSON API object resource (<c>storage#object</c>).</summary>
    public static void WriteGcsObject(Utf8JsonWriter w, ObjectMetadata m, string origin)
    {
        var inv = CultureInfo.InvariantCulture;
        var path = $"b/{Uri.EscapeDataString(m.Bucket)}/o/{Uri.EscapeDataString(m.Name)}";
        w.WriteStartObject();
        w.WriteString("kind", "storage#object");
        w.WriteString("id", $"{m.Bucket}/{m.Name}/{m.Generation}");
        w.WriteString("selfLink", $"{origin}/storage/v1/{path}");
        w.WriteString("mediaLink", $"{origin}/download/storage/v1/{path}?generation={m.Generation}&alt=media");
        w.WriteString("name", m.Name);
        w.WriteString("bucket", m.Bucket);
        w.WriteString("generation", m.Generation.ToString(inv));
        w.WriteString("metageneration", m.Metageneration.ToString(inv));
        w.WriteString("contentType", m.ContentType);
        w.WriteString("storageClass", "STANDARD");
        w.WriteString("size", m.Size.ToString(inv));
        w.WriteString("md5Hash", m.Md5Hash);
        w.WriteString("crc32c", m.Crc32cBase64);
        w.WriteString("etag", m.ETag);
        w.WriteString("timeCreated", Date(m.TimeCreated));
        w.WriteString("updated", Date(m.Updated));
        w.WriteString("timeStorageClassUpdated", Date(m.TimeCreated));
        WriteOptional(w, m);
        if (m.Metadata.Count > 0 || m.DownloadTokens.Length > 0)
        {
            w.WriteStartObject("metadata");
            foreach (var (key, value) in m.Metadata)
            {
                w.WriteString(key, value);
            }

            if (m.DownloadTokens.Length > 0)
            {
                w.WriteString("firebaseStorageDownloadTokens", m.DownloadTokens);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>The Firebase Storage object metadata the JS SDK reads (sizes and numbers as strings, crc32c in decimal).</summary>
    public static void WriteFirebaseObject(Utf8JsonWriter w, ObjectMetadata m)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteStartObject();
        w.WriteString("name", m.Name);
        w.WriteString("bucket", m.Bucket);
        w.WriteString("generation", m.Generation.ToString(inv));
        w.WriteString("metageneration", m.Metageneration.ToString(inv));
        w.WriteString("contentType", m.ContentType);
        w.WriteString("timeCreated", Date(m.TimeCreated));
        w.WriteString("updated", Date(m.Updated));
        w.WriteString("storageClass", "STANDARD");
        w.WriteString("size", m.Size.ToString(inv));
        w.WriteString("md5Hash", m.Md5Hash);
        w.WriteString("contentEncoding", m.ContentEncoding ?? "identity");
        w.WriteString("contentDisposition", m.ContentDisposition ?? "inline");
        if (m.ContentLanguage is not null)
        {
            w.WriteString("contentLanguage", m.ContentLanguage);
        }

        if (m.CacheControl is not null)
        {
            w.WriteString("cacheControl", m.CacheControl);
        }

        w.WriteString("crc32c", m.Crc32c.ToString(inv));
        w.WriteString("etag", m.ETag);
        w.WriteString("downloadTokens", m.DownloadTokens);
        w.WriteStartObject("metadata");
        foreach (var (key, value) in m.Metadata)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, ObjectMetadata m)
    {
        if (m.ContentEncoding is not null)
        {
            w.WriteString("contentEncoding", m.ContentEncoding);
        }

        if (m.ContentDisposition is not null)
        {
            w.WriteString("contentDisposition", m.ContentDisposition);
        }

        if (m.ContentLanguage is not null)
        {
            w.WriteString("contentLanguage", m.ContentLanguage);
        }

        if (m.CacheControl is not null)
        {
            w.WriteString("cacheControl", m.CacheControl);
        }
    }

    /// <summary>Parses a <c>multipart/related</c> upload: the JSON metadata part, then the media part streamed into <paramref name="into"/>.</summary>
    public static async Task<(bool Ok, ObjectDraft Draft, string? MediaType, bool TooBig, string Error)> ReadMultipartAsync(
        HttpRequest request, IncomingBytes into, CancellationToken cancellationToken)
    {
        var contentType = request.ContentType ?? "";
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !media.MediaType.Equals("multipart/related", StringComparison.OrdinalIgnoreCase)
            || media.Boundary.Length == 0)
        {
            return (false, new ObjectDraft(), null, false, StorageErrors.BadMultipart);
        }

        var boundary = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(media.Boundary).ToString();
        var reader = new Microsoft.AspNetCore.WebUtilities.MultipartReader(boundary, Body(request)) { HeadersLengthLimit = 64 * 1024 };
        try
        {
            var first = await reader.ReadNextSectionAsync(cancellationToken);
            if (first is null)
            {
                return (false, new ObjectDraft(), null, false, StorageErrors.BadMultipart);
            }

            using var json = new MemoryStream();
            await first.Body.CopyToAsync(json, cancellationToken);
            if (json.Length > 1024 * 1024)
            {
                return (false, new ObjectDraft(), null, false, StorageErrors.MetadataNotObject);
            }

            if (!ObjectDraft.TryParse(json.ToArray(), out var draft, out var error))
            {
                return (false, new ObjectDraft(), null, false, error);
            }

            var second = await reader.ReadNextSectionAsync(cancellationToken);
            if (second is null)
            {
                return (false, new ObjectDraft(), null, false, StorageErrors.BadMultipart);
            }

            if (!await into.CopyFromAsync(second.Body, null, cancellationToken))
            {
                return (false, draft, null, true, "");
            }

            return (true, draft, second.ContentType, false, "");
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return (false, new ObjectDraft(), null, false, StorageErrors.BadMultipart);
        }
    }
}
