using System.Globalization;

using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Http;

using static RemoteCam.Relay.Http.Responses;

namespace RemoteCam.Relay.Storage;

/// <summary>
/// The Firebase Storage REST subset the Firebase JS SDK and the pages use (docs/storage.md):
/// <c>POST /v0/b/{bucket}/o?name=…</c> (multipart, resumable with <c>X-Goog-Upload-*</c>, or
/// raw), <c>GET /v0/b/{bucket}/o/{object}</c> (metadata, or the bytes with <c>alt=media</c>),
/// <c>DELETE</c>, and listing <c>GET /v0/b/{bucket}/o</c>. Requests carry
/// <c>Authorization: Firebase &lt;ID token&gt;</c> (checked as the database checks them) and are
/// decided by storage.rules, except for the admin (<c>owner</c> from this machine, the admin key).
/// </summary>
internal sealed class FirebaseStorageEndpoint(StorageService storage, Authentication authentication)
{
    public const string Prefix = "/v0/";

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.AccessControlExposeHeaders = StorageHttp.ExposedHeaders;
        var segments = StorageHttp.RawSegments(context);
        var who = Identify(context, out var authError);
        if (who is null)
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, authError);
            return;
        }

        if (segments.Length < 4 || segments[1] != "b" || segments[3] != "o")
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NotImplemented);
            return;
        }

        var bucket = segments[2];
        if (!ObjectStore.IsValidBucketName(bucket))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadBucketName(bucket));
            return;
        }

        var name = segments.Length > 4 ? string.Join('/', segments[4..]) : null;
        var method = context.Request.Method;
        await ((method, name) switch
        {
            ("POST" or "PUT", _) => UploadAsync(context, bucket, name ?? context.Request.Query["name"].ToString(), who),
            ("GET", null) => ListAsync(context, bucket, who),
            ("GET" or "HEAD", not null) when context.Request.Query["alt"] == "media" => MediaAsync(context, bucket, name, who),
            ("GET", not null) => MetadataAsync(context, bucket, name, who),
            ("DELETE", not null) => DeleteAsync(context, bucket, name, who),
            _ => ErrorAsync(context, StatusCodes.Status501NotImplemented, StorageErrors.NotImplemented),
        });
    }

    /// <summary><c>Authorization: Firebase &lt;token&gt;</c> (or <c>Bearer</c>); none is nobody (request.auth == null).</summary>
    private Identity? Identify(HttpContext context, out string error)
    {
        error = "";
        var header = context.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (header.Length == 0)
        {
            return Identity.Anonymous;
        }

        var scheme = space > 0 ? header[..space] : header;
        if (space < 0 || !(scheme.Equals("Firebase", StringComparison.OrdinalIgnoreCase) || scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)))
        {
            error = Errors.InvalidToken;
            return null;
        }

        return authentication.IdentifyToken(header[(space + 1)..].Trim(), context.Connection.RemoteIpAddress, out error);
    }

    private static Task ErrorAsync(HttpContext context, int code, string message) => WriteGoogleErrorAsync(context, code, message);

    private static Task DeniedAsync(HttpContext context) => ErrorAsync(context, StatusCodes.Status403Forbidden, StorageErrors.PermissionDenied);

    private static Task NotFoundAsync(HttpContext context, string bucket, string name) =>
        ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoSuchObject(bucket, name));

    private async Task MetadataAsync(HttpContext context, string bucket, string name, Identity who)
    {
        var stored = storage.Store.Get(bucket, name);
        if (!storage.Allows(StorageMethod.Get, bucket, name, who, stored?.Metadata, null))
        {
            await DeniedAsync(context);
            return;
        }

        if (stored is null)
        {
            await NotFoundAsync(context, bucket, name);
            return;
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, w => StorageHttp.WriteFirebaseObject(w, stored.Metadata));
    }

    private async Task MediaAsync(HttpContext context, string bucket, string name, Identity who)
    {
        var stored = storage.Store.Get(bucket, name);
        var token = context.Request.Query["token"].ToString();
        var byToken = stored is not null && token.Length > 0 && stored.Metadata.DownloadTokens.Split(',').Contains(token, StringComparer.Ordinal);
        if (!byToken && !storage.Allows(StorageMethod.Get, bucket, name, who, stored?.Metadata, null))
        {
            await DeniedAsync(context);
            return;
        }

        if (stored is null)
        {
            await NotFoundAsync(context, bucket, name);
            return;
        }

        await StorageHttp.SendMediaAsync(context, stored, (code, message) => ErrorAsync(context, code, message));
    }

    private async Task DeleteAsync(HttpContext context, string bucket, string name, Identity who)
    {
        var stored = storage.Store.Get(bucket, name);
        if (!storage.Allows(StorageMethod.Delete, bucket, name, who, stored?.Metadata, null))
        {
            await DeniedAsync(context);
            return;
        }

        if (stored is null || !storage.Store.Delete(bucket, name, current => current.Metadata.Generation == stored.Metadata.Generation))
        {
            await NotFoundAsync(context, bucket, name);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>The SDK's <c>list()</c>: <c>prefix</c> (empty or ending in '/'), <c>delimiter=/</c>, <c>pageToken</c>, <c>maxResults</c> 1–1000.</summary>
    private async Task ListAsync(HttpContext context, string bucket, Identity who)
    {
        var query = context.Request.Query;
        var prefix = query["prefix"].ToString();
        if (prefix.Length > 0 && !prefix.EndsWith('/'))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "The prefix must be empty or end with '/'.");
            return;
        }

        var maxResults = 1000;
        if (query.TryGetValue("maxResults", out var max) && (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out maxResults) || maxResults is < 1 or > 1000))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadParameter("maxResults", max.ToString()));
            return;
        }

        var pageToken = query["pageToken"].ToString();
        if (pageToken.Length > 0 && !ObjectStore.IsValidPageToken(pageToken))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadParameter("pageToken", pageToken));
            return;
        }

        if (!storage.Allows(StorageMethod.List, bucket, prefix.TrimEnd('/'), who, null, null))
        {
            await DeniedAsync(context);
            return;
        }

        var delimiter = query["delimiter"].ToString();
        var page = storage.Store.List(bucket, prefix, delimiter.Length > 0 ? delimiter : null, pageToken.Length > 0 ? pageToken : null, maxResults);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("prefixes");
            foreach (var p in page.Prefixes)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
            w.WriteStartArray("items");
            foreach (var item in page.Items)
            {
                w.WriteStartObject();
                w.WriteString("name", item.Metadata.Name);
                w.WriteString("bucket", item.Metadata.Bucket);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (page.NextPageToken is not null)
            {
                w.WriteString("nextPageToken", page.NextPageToken);
            }

            w.WriteEndObject();
        });
    }

    private async Task UploadAsync(HttpContext context, string bucket, string name, Identity who)
    {
        var headers = context.Request.Headers;
        var query = context.Request.Query;
        var command = headers["X-Goog-Upload-Command"].ToString().Trim().ToLowerInvariant();
        var protocol = headers["X-Goog-Upload-Protocol"].ToString().Trim().ToLowerInvariant();
        if (query.TryGetValue("upload_id", out var id))
        {
            await SessionCommandAsync(context, id.ToString(), command, who);
            return;
        }

        if (!ObjectStore.IsValidObjectName(name))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadObjectName(name));
            return;
        }

        if (protocol == "resumable" || command.Length > 0)
        {
            if (command != "start")
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadCommand);
                return;
            }

            await StartAsync(context, bucket, name);
            return;
        }

        if (!storage.TryBeginUpload())
        {
            await ErrorAsync(context, StatusCodes.Status429TooManyRequests, StorageErrors.TooManyUploads(storage.Settings.MaxUploadsInFlight));
            return;
        }

        try
        {
            using var bytes = storage.NewIncoming();
            ObjectDraft draft;
            if (protocol == "multipart")
            {
                var (ok, parsed, mediaType, tooBig, error) = await StorageHttp.ReadMultipartAsync(context.Request, bytes, context.RequestAborted);
                if (tooBig)
                {
                    await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, StorageErrors.TooBig(storage.Settings.MaxObjectBytes));
                    return;
                }

                if (!ok)
                {
                    await ErrorAsync(context, StatusCodes.Status400BadRequest, error);
                    return;
                }

                draft = parsed with { ContentType = parsed.ContentType ?? mediaType };
            }
            else
            {
                if (!await bytes.CopyFromAsync(StorageHttp.Body(context.Request), null, context.RequestAborted))
                {
                    await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, StorageErrors.TooBig(storage.Settings.MaxObjectBytes));
                    return;
                }

                draft = new ObjectDraft { ContentType = context.Request.ContentType };
            }

            await FinishAsync(context, bytes, bucket, name, draft, who, null);
        }
        catch (InvalidDataException)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.GzipBody);
        }
        finally
        {
            storage.EndUpload();
        }
    }

    private async Task FinishAsync(HttpContext context, IncomingBytes bytes, string bucket, string name, ObjectDraft draft, Identity who, long? declaredSize)
    {
        var result = storage.Finish(bytes, bucket, name, draft, who, StorageHttp.HashClaim(context.Request, "crc32c"), StorageHttp.HashClaim(context.Request, "md5"), declaredSize, null, firebase: true);
        context.Response.Headers["X-Goog-Upload-Status"] = "final";
        await (result.Outcome switch
        {
            UploadOutcome.Stored => WriteJsonAsync(context, StatusCodes.Status200OK, w => StorageHttp.WriteFirebaseObject(w, result.Object!)),
            UploadOutcome.Denied => DeniedAsync(context),
            UploadOutcome.PreconditionFailed => ErrorAsync(context, StatusCodes.Status412PreconditionFailed, result.Message),
            _ => ErrorAsync(context, StatusCodes.Status400BadRequest, result.Message),
        });
    }

    /// <summary>The resumable start: the body is the metadata JSON; the reply names the absolute upload URL.</summary>
    private async Task StartAsync(HttpContext context, string bucket, string name)
    {
        var body = await StorageHttp.ReadSmallBodyAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.GzipBody);
            return;
        }

        if (!ObjectDraft.TryParse(body, out var draft, out var error))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        var headers = context.Request.Headers;
        draft = draft with
        {
            Name = name,
            ContentType = draft.ContentType ?? (headers["X-Goog-Upload-Header-Content-Type"].ToString() is { Length: > 0 } t ? t : null),
        };
        long? declared = long.TryParse(headers["X-Goog-Upload-Header-Content-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;
        if (declared > storage.Settings.MaxObjectBytes)
        {
            await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, StorageErrors.TooBig(storage.Settings.MaxObjectBytes));
            return;
        }

        var origin = StorageHttp.Origin(context);
        if (origin is null)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, Errors.BadHost);
            return;
        }

        var session = storage.Sessions.Start(bucket, draft, declared);
        if (session is null)
        {
            await ErrorAsync(context, StatusCodes.Status429TooManyRequests, StorageErrors.TooManySessions(storage.Sessions.Max));
            return;
        }

        var response = context.Response;
        response.Headers["X-Goog-Upload-Status"] = "active";
        response.Headers["X-Goog-Upload-URL"] = $"{origin}/v0/b/{Uri.EscapeDataString(bucket)}/o?name={Uri.EscapeDataString(name)}&upload_id={session.Id}&upload_protocol=resumable";
        response.Headers["X-Goog-Upload-Chunk-Granularity"] = "262144";
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = 0;
    }

    /// <summary>
    /// <c>upload</c>, <c>upload, finalize</c>, <c>finalize</c>, <c>query</c> or <c>cancel</c> on a
    /// session, at <c>X-Goog-Upload-Offset</c>; chunks are fsynced before they are acknowledged.
    /// </summary>
    private async Task SessionCommandAsync(HttpContext context, string id, string command, Identity who)
    {
        var parts = command.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var upload = parts.Contains("upload");
        var finalize = parts.Contains("finalize");
        var query = parts is ["query"];
        var cancel = parts is ["cancel"];
        if (!(upload || finalize || query || cancel) || parts.Any(p => p is not ("upload" or "finalize" or "query" or "cancel")))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadCommand);
            return;
        }

        var session = storage.Sessions.Find(id);
        if (session is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoSuchUpload);
            return;
        }

        await session.Gate.WaitAsync(context.RequestAborted);
        try
        {
            var response = context.Response;
            if (session.Finished)
            {
                await ErrorAsync(context, StatusCodes.Status404NotFound, StorageErrors.NoSuchUpload);
                return;
            }

            var bytes = session.Bytes!;
            if (cancel)
            {
                storage.Sessions.End(session);
                response.Headers["X-Goog-Upload-Status"] = "cancelled";
                response.StatusCode = StatusCodes.Status200OK;
                return;
            }

            if (query)
            {
                response.Headers["X-Goog-Upload-Status"] = "active";
                response.Headers["X-Goog-Upload-Size-Received"] = bytes.Length.ToString(CultureInfo.InvariantCulture);
                response.StatusCode = StatusCodes.Status200OK;
                return;
            }

            if (upload)
            {
                if (!long.TryParse(context.Request.Headers["X-Goog-Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || offset > bytes.Length)
                {
                    await ErrorAsync(context, StatusCodes.Status400BadRequest, StorageErrors.BadOffset);
                    return;
                }

                if (!storage.TryBeginUpload())
                {
                    await ErrorAsync(context, StatusCodes.Status429TooManyRequests, StorageErrors.TooManyUploads(storage.Settings.MaxUploadsInFlight));
                    return;
                }

                try
                {
                    if (!await bytes.CopyFromAsync(context.Request.Body, bytes.Length - offset, context.RequestAborted))
                    {
                        storage.Sessions.End(session);
                        await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, StorageErrors.TooBig(storage.Settings.MaxObjectBytes));
                        return;
                    }
                }
                finally
                {
                    storage.EndUpload();
                }
            }

            if (!finalize)
            {
                bytes.FlushToDisk();
                response.Headers["X-Goog-Upload-Status"] = "active";
                response.Headers["X-Goog-Upload-Size-Received"] = bytes.Length.ToString(CultureInfo.InvariantCulture);
                response.StatusCode = StatusCodes.Status200OK;
                return;
            }

            await FinishAsync(context, bytes, session.Bucket, session.Draft.Name!, session.Draft, who, session.DeclaredSize);
            storage.Sessions.End(session);
        }
        finally
        {
            session.Gate.Release();
        }
    }
}
