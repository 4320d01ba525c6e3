using System.Globalization;
using System.Text.Json;

using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Http;

using static RemoteCam.Relay.Http.Responses;

namespace RemoteCam.Relay.Storage;

/// <summary>
/// The Cloud Storage JSON API subset Google.Cloud.Storage.V1 uses (docs/storage.md):
/// <c>/storage/v1/b/{bucket}</c> (get, lifecycle patch), <c>…/o</c> (list), <c>…/o/{object}</c>
/// (metadata, <c>alt=media</c>, delete), <c>/download/storage/v1/…</c> (media) and
/// <c>/upload/storage/v1/b/{bucket}/o</c> (media, multipart and resumable uploads with 308 +
/// Range). Only the admin may use it (<c>Bearer owner</c> from this machine, or the admin key):
/// like the emulator's, this API is not subject to storage rules.
/// </summary>
internal sealed class GcsEndpoint(StorageService storage, Authentication authentication)
{
    public const string JsonPrefix = "/storage/v1/";
    public const string UploadPrefix = "/upload/storage/v1/";
    public const string DownloadPrefix = "/download/storage/v1/";

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.AccessControlExposeHeaders = StorageHttp.ExposedHeaders;
        var segments = StorageHttp.RawSegments(context);
        var route = segments[0] == "storage" ? segments[2..] : segments[3..];
        var kind = segments[0];
        var token = Authentication.TokenOf(context.Request);
        if (token is null)
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, StorageErrors.Anonymous, "required");
            return;
        }

        var who = authentication.IdentifyToken(token, context.Connection.RemoteIpAddress, out _);
        if (who is not { IsAdmin: true })
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, StorageErrors.BadToken, "authError");
            return;
        }

        if (route.Length < 2 || route[0] != "b" || !ObjectStore.IsValidBucketName(route[1]))
        {
            await ErrorAsync(context, route.Length >= 2 && route[0] == "b" ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound,
                route.Length >= 2 && route[0] == "b" ? StorageErrors.BadBucketName(route[1]) : StorageErrors.NotImplemented,
                route.Length >= 2 && route[0] == "b" ? "invalid" : "notFound");
            return;
        }

        var bucket = route[1];
        var method = context.Request.Method;
        var name = route.Length > 3 && route[2] == "o" ? string.Join('/', route[3..]) : null;
        var task = (kind, route.Length, method, name) switch
        {
            ("upload", 3, "POST" or "PUT", _) when route[2] == "o" => UploadAsync(context, bucket, who),
            ("upload", 3, "DELETE", _) when route[2] == "o" => CancelAsync(context),
            ("download", > 3, "GET" or "HEAD", not null) => MediaAsync(context, bucket, name),
            ("storage", 2, "GET", _) => GetBucketAsync(context, bucket),
            ("storage", 2, "PATCH" or "PUT", _) => PatchBucketAsync(context, bucket),
            ("storage", 3, "GET", _) when route[2] == "o" => ListAsync(context, bucket),
            ("storage", > 3, "GET" or "HEAD", not null) when context.Request.Query["alt"] == "media" => MediaAsync(context, bucket, name),
            ("storage", > 3, "GET", not null) => GetObjectAsync(context, bucket, name),
            ("storage", > 3, "DELETE", not null) => DeleteAsync(context, bucket, name),
            _ => ErrorAsync(context, StatusCodes.Status501NotImplemented, StorageErrors.NotImplemented, "notImplemented"),
        };
        await task;
    }

    private static Task ErrorAsync(HttpContext context, int code, string message, string reason) =>
        WriteGoogleErrorAsync(context, code, message, reason);

    private async Task GetBucketAsync(HttpContext context, string bucket)
    {
        if (bucket == storage.Settings.DefaultBucket)
        {
            storage.Store.EnsureBucket(bucket);
        }

        var info = storage.Store.GetBucket(bucket);
        if (info is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoBucket, "notFound");
            return;
        }

        await WriteBucketAsync(context, info);
    }

    private Task WriteBucketAsync(HttpContext context, BucketInfo info) =>
        WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "storage#bucket");
            w.WriteString("id", info.Name);
            w.WriteString("name", info.Name);
            w.WriteString("selfLink", $"{StorageHttp.Origin(context)}/storage/v1/b/{info.Name}");
            w.WriteString("projectNumber", "0");
            w.WriteString("metageneration", "1");
            w.WriteString("location", "US");
            w.WriteString("storageClass", "STANDARD");
            w.WriteString("etag", "CAE=");
            w.WriteString("timeCreated", StorageHttp.Date(info.Created));
            w.WriteString("updated", StorageHttp.Date(info.Created));
            if (info.LifecycleJson is not null)
            {
                w.WritePropertyName("lifecycle");
                using var lifecycle = JsonDocument.Parse(info.LifecycleJson);
                lifecycle.RootElement.WriteTo(w);
            }

            w.WriteEndObject();
        });

    /// <summary>PATCH (or PUT) of a bucket: only its <c>lifecycle</c> can change; other fields are refused rather than ignored.</summary>
    private async Task PatchBucketAsync(HttpContext context, string bucket)
    {
        var body = await StorageHttp.ReadSmallBodyAsync(context.Request, context.RequestAborted);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body ?? []);
        }
        catch (JsonException)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid bucket resource: not JSON.", "parseError");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid bucket resource: not a JSON object.", "invalid");
                return;
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("lifecycle" or "name" or "id" or "kind" or "etag" or "selfLink" or "projectNumber" or "metageneration" or "location" or "storageClass" or "timeCreated" or "updated"))
                {
                    await ErrorAsync(context, StatusCodes.Status501NotImplemented, $"Bucket field '{property.Name}' cannot be changed on the relay (only lifecycle).", "notImplemented");
                    return;
                }
            }

            if (!storage.Store.EnsureBucket(bucket))
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.TooManyBuckets(ObjectStore.MaxBuckets), "invalid");
                return;
            }

            if (root.TryGetProperty("lifecycle", out var lifecycle))
            {
                if (!LifecycleSweeper.TryValidate(lifecycle, out var error))
                {
                    await ErrorAsync(context, StatusCodes.Status400BadRequest, error, "invalid");
                    return;
                }

                var empty = lifecycle.ValueKind == JsonValueKind.Null
                    || !lifecycle.TryGetProperty("rule", out var rules) || rules.GetArrayLength() == 0;
                storage.Store.SetLifecycle(bucket, empty ? null : lifecycle.GetRawText());
            }

            await WriteBucketAsync(context, storage.Store.GetBucket(bucket)!);
        }
    }

    private async Task ListAsync(HttpContext context, string bucket)
    {
        var query = context.Request.Query;
        var prefix = query["prefix"].ToString();
        var delimiter = query["delimiter"].ToString();
        var pageToken = query["pageToken"].ToString();
        var maxResults = 1000;
        if (query.TryGetValue("maxResults", out var max) && (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out maxResults) || maxResults < 1))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadParameter("maxResults", max.ToString()), "invalid");
            return;
        }

        if (pageToken.Length > 0 && !ObjectStore.IsValidPageToken(pageToken))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadParameter("pageToken", pageToken), "invalid");
            return;
        }

        if (!storage.Store.BucketExists(bucket) && bucket != storage.Settings.DefaultBucket)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoBucket, "notFound");
            return;
        }

        var page = storage.Store.List(bucket, prefix, delimiter.Length > 0 ? delimiter : null, pageToken.Length > 0 ? pageToken : null, Math.Min(maxResults, 1000));
        var origin = StorageHttp.Origin(context) ?? "";
        await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "storage#objects");
            if (page.NextPageToken is not null)
            {
                w.WriteString("nextPageToken", page.NextPageToken);
            }

            if (page.Prefixes.Count > 0)
            {
                w.WriteStartArray("prefixes");
                foreach (var p in page.Prefixes)
                {
                    w.WriteStringValue(p);
                }

                w.WriteEndArray();
            }

            w.WriteStartArray("items");
            foreach (var item in page.Items)
            {
                StorageHttp.WriteGcsObject(w, item.Metadata, origin);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private async Task GetObjectAsync(HttpContext context, string bucket, string name)
    {
        var stored = storage.Store.Get(bucket, name);
        if (stored is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoSuchObject(bucket, name), "notFound");
            return;
        }

        var origin = StorageHttp.Origin(context) ?? "";
        await WriteJsonAsync(context, StatusCodes.Status200OK, w => StorageHttp.WriteGcsObject(w, stored.Metadata, origin));
    }

    private async Task MediaAsync(HttpContext context, string bucket, string name)
    {
        var stored = storage.Store.Get(bucket, name);
        if (stored is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoSuchObject(bucket, name), "notFound");
            return;
        }

        await StorageHttp.SendMediaAsync(context, stored, (code, message) => ErrorAsync(context, code, message, code == 416 ? "requestedRangeNotSatisfiable" : "notFound"));
    }

    private async Task DeleteAsync(HttpContext context, string bucket, string name)
    {
        if (!storage.Store.Delete(bucket, name))
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoSuchObject(bucket, name), "notFound");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task CancelAsync(HttpContext context)
    {
        var session = storage.Sessions.Find(context.Request.Query["upload_id"].ToString());
        if (session is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoSuchUpload, "notFound");
            return;
        }

        await session.Gate.WaitAsync(context.RequestAborted);
        storage.Sessions.End(session);
        session.Gate.Release();
        await ErrorAsync(context, 499, StorageErrors.UploadCancelled, "clientClosedRequest");
    }

    private async Task UploadAsync(HttpContext context, string bucket, Identity who)
    {
        var query = context.Request.Query;
        if (query.TryGetValue("upload_id", out var id))
        {
            await ChunkAsync(context, id.ToString(), who);
            return;
        }

        var type = query["uploadType"].ToString();
        if (type.Length == 0 && context.Request.Headers["X-Goog-Upload-Protocol"].ToString() == "resumable")
        {
            type = "resumable";
        }

        switch (type)
        {
            case "resumable":
                await StartResumableAsync(context, bucket);
                return;
            case "media" or "multipart":
                break;
            default:
                await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadParameter("uploadType", type), "invalidParameter");
                return;
        }

        if (!storage.TryBeginUpload())
        {
            await ErrorAsync(context, StatusCodes.Status429TooManyRequests, StorageErrors.TooManyUploads(storage.Settings.MaxUploadsInFlight), "rateLimitExceeded");
            return;
        }

        try
        {
            using var bytes = storage.NewIncoming();
            ObjectDraft draft;
            if (type == "multipart")
            {
                var (ok, parsed, mediaType, tooBig, error) = await StorageHttp.ReadMultipartAsync(context.Request, bytes, context.RequestAborted);
                if (tooBig)
                {
                    await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, StorageErrors.TooBig(storage.Settings.MaxObjectBytes), "uploadTooLarge");
                    return;
                }

                if (!ok)
                {
                    await ErrorAsync(context, StatusCodes.Status400BadRequest, error, "invalid");
                    return;
                }

                draft = parsed with { ContentType = parsed.ContentType ?? mediaType, Name = query["name"].ToString() is { Length: > 0 } n ? n : parsed.Name };
            }
            else
            {
                if (!await bytes.CopyFromAsync(StorageHttp.Body(context.Request), null, context.RequestAborted))
                {
                    await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, StorageErrors.TooBig(storage.Settings.MaxObjectBytes), "uploadTooLarge");
                    return;
                }

                draft = new ObjectDraft { Name = query["name"].ToString(), ContentType = context.Request.ContentType };
            }

            await FinishAsync(context, bytes, bucket, draft, who, declaredSize: null);
        }
        catch (InvalidDataException)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.GzipBody, "invalid");
        }
        finally
        {
            storage.EndUpload();
        }
    }

    private async Task FinishAsync(HttpContext context, IncomingBytes bytes, string bucket, ObjectDraft draft, Identity who, long? declaredSize)
    {
        var name = draft.Name ?? "";
        if (!ObjectStore.IsValidObjectName(name))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadObjectName(name), "invalid");
            return;
        }

        long? ifGeneration = long.TryParse(context.Request.Query["ifGenerationMatch"], NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : null;
        var result = storage.Finish(bytes, bucket, name, draft, who,
            StorageHttp.HashClaim(context.Request, "crc32c"), StorageHttp.HashClaim(context.Request, "md5"), declaredSize, ifGeneration, firebase: false);
        var origin = StorageHttp.Origin(context) ?? "";
        await (result.Outcome switch
        {
            UploadOutcome.Stored => WriteJsonAsync(context, StatusCodes.Status200OK, w => StorageHttp.WriteGcsObject(w, result.Object!, origin)),
            UploadOutcome.PreconditionFailed => ErrorAsync(context, StatusCodes.Status412PreconditionFailed, result.Message, "conditionNotMet"),
            UploadOutcome.Denied => ErrorAsync(context, StatusCodes.Status403Forbidden, result.Message, "forbidden"),
            _ => ErrorAsync(context, StatusCodes.Status400BadRequest, result.Message, "invalid"),
        });
    }

    /// <summary>
    /// Starts a resumable upload: the (possibly gzipped) body is the object resource; the reply's
    /// absolute <c>Location</c> is where the client PUTs the bytes.
    /// </summary>
    private async Task StartResumableAsync(HttpContext context, string bucket)
    {
        var body = await StorageHttp.ReadSmallBodyAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.GzipBody, "invalid");
            return;
        }

        if (!ObjectDraft.TryParse(body, out var draft, out var error))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, error, "parseError");
            return;
        }

        var query = context.Request.Query;
        draft = draft with
        {
            Name = query["name"].ToString() is { Length: > 0 } n ? n : draft.Name,
            ContentType = draft.ContentType ?? (context.Request.Headers["X-Upload-Content-Type"].ToString() is { Length: > 0 } t ? t : null),
        };
        if (!ObjectStore.IsValidObjectName(draft.Name ?? ""))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadObjectName(draft.Name ?? ""), "invalid");
            return;
        }

        long? declared = long.TryParse(context.Request.Headers["X-Upload-Content-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;
        if (declared > storage.Settings.MaxObjectBytes)
        {
            await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, StorageErrors.TooBig(storage.Settings.MaxObjectBytes), "uploadTooLarge");
            return;
        }

        var origin = StorageHttp.Origin(context);
        if (origin is null)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, Errors.BadHost, "invalid");
            return;
        }

        var session = storage.Sessions.Start(bucket, draft, declared);
        if (session is null)
        {
            await ErrorAsync(context, StatusCodes.Status429TooManyRequests, StorageErrors.TooManySessions(storage.Sessions.Max), "rateLimitExceeded");
            return;
        }

        var generation = query["ifGenerationMatch"].ToString();
        context.Response.Headers.Location = $"{origin}/upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?uploadType=resumable&upload_id={session.Id}"
            + (generation.Length > 0 ? "&ifGenerationMatch=" + Uri.EscapeDataString(generation) : "");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }

    /// <summary>
    /// One PUT of a resumable upload (<c>Content-Range: bytes A-B/TOTAL</c>, <c>bytes A-B/*</c>,
    /// <c>bytes */TOTAL</c> to finish, <c>bytes */*</c> to ask): non-final chunks are fsynced and
    /// answered 308 with <c>Range: bytes=0-LAST</c>; the final one stores the object (200).
    /// </summary>
    private async Task ChunkAsync(HttpContext context, string id, Identity who)
    {
        var session = storage.Sessions.Find(id);
        if (session is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoSuchUpload, "notFound");
            return;
        }

        if (!TryParseContentRange(context.Request.Headers.ContentRange.ToString(), out var first, out var total))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadContentRange, "invalid");
            return;
        }

        await session.Gate.WaitAsync(context.RequestAborted);
        try
        {
            if (session.Finished)
            {
                await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoSuchUpload, "notFound");
                return;
            }

            var bytes = session.Bytes!;
            if (first is { } start)
            {
                if (start > bytes.Length)
                {
                    // A gap: the client must resend from what we have.
                    Resume(context, bytes.Length);
                    return;
                }

                if (!storage.TryBeginUpload())
                {
                    await ErrorAsync(context, StatusCodes.Status429TooManyRequests, StorageErrors.TooManyUploads(storage.Settings.MaxUploadsInFlight), "rateLimitExceeded");
                    return;
                }

                try
                {
                    if (!await bytes.CopyFromAsync(context.Request.Body, bytes.Length - start, context.RequestAborted))
                    {
                        storage.Sessions.End(session);
                        await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, StorageErrors.TooBig(storage.Settings.MaxObjectBytes), "uploadTooLarge");
                        return;
                    }
                }
                finally
                {
                    storage.EndUpload();
                }
            }

            if (total == -1)
            {
                total = bytes.Length; // No Content-Range: this body was the whole object.
            }

            var declared = total ?? session.DeclaredSize;
            if (total is null || bytes.Length < total)
            {
                bytes.FlushToDisk();
                Resume(context, bytes.Length);
                return;
            }

            await FinishAsync(context, bytes, session.Bucket, session.Draft, who, declared);
            storage.Sessions.End(session);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private static void Resume(HttpContext context, long received)
    {
        context.Response.StatusCode = 308;
        if (received > 0)
        {
            context.Response.Headers["Range"] = $"bytes=0-{received - 1}";
        }

        context.Response.ContentLength = 0;
    }

    /// <summary>
    /// <c>bytes A-B/TOTAL</c>, <c>bytes A-B/*</c>, <c>bytes */TOTAL</c> or <c>bytes */*</c>; a
    /// missing header means the body is the whole object (first 0, total unknown until read).
    /// </summary>
    private static bool TryParseContentRange(string header, out long? first, out long? total)
    {
        first = 0;
        total = null;
        if (header.Length == 0)
        {
            first = 0;
            total = -1;
            return true;
        }

        if (!header.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var spec = header["bytes ".Length..].Trim();
        var slash = spec.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return false;
        }

        var range = spec[..slash];
        var size = spec[(slash + 1)..];
        if (size != "*")
        {
            if (!long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                return false;
            }

            total = t;
        }

        if (range == "*")
        {
            first = null;
            return true;
        }

        var dash = range.IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            && long.TryParse(range[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var a)
            && long.TryParse(range[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
            && b >= a
            && (first = a) is not null;
    }
}
