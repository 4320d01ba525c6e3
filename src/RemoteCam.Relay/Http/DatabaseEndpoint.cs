using System.Buffers;
using System.Text;
using System.Text.Json;

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Data;
using RemoteCam.Relay.Engine;
using RemoteCam.Relay.Rules;
using RemoteCam.Relay.Transports.Sse;
using RemoteCam.Relay.Usage;

using static RemoteCam.Relay.Http.Responses;

namespace RemoteCam.Relay.Http;

/// <summary>
/// The RTDB REST API at <c>/&lt;path&gt;.json</c>: GET (or a stream with
/// <c>Accept: text/event-stream</c>), PUT, POST, PATCH and DELETE, one handler per verb.
/// </summary>
internal sealed class DatabaseEndpoint(DatabaseRegistry databases, RelaySettings settings, Authentication authentication, AccessControl access, UsageMeter usage)
{
    public async Task HandleAsync(HttpContext context, string pathWithoutJson)
    {
        if (!RestRequest.TryParse(context.Request, pathWithoutJson, out var request, out var error))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        var name = request.Namespace ?? settings.DefaultNamespace;
        if (!databases.TryGet(name, out var database))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.TooManyDatabases(settings.MaxDatabases));
            return;
        }

        var who = authentication.Identify(context, out var authError);
        if (who is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, authError);
            return;
        }

        var wantsETag = string.Equals(context.Request.Headers["X-Firebase-ETag"], "true", StringComparison.OrdinalIgnoreCase);
        var ifMatch = context.Request.Headers.IfMatch.ToString();
        if (request.Method == "PATCH" && wantsETag)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.ETagOnPatch);
            return;
        }

        if (request.Method == "GET" && ifMatch.Length > 0)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.IfMatchOnGet);
            return;
        }

        // Counted like Firebase bills: every request that reached the database, refused ones too.
        var streaming = request.Method == "GET" && IsStreamRequest(context.Request);
        usage.Received(name, request.Path.Keys, context.Request.ContentLength ?? 0, write: request.Method != "GET");
        switch (request.Method)
        {
            case "GET" when streaming:
                await StreamAsync(context, request, database, who);
                break;
            case "GET":
                await GetAsync(context, request, database, who, wantsETag, access.RulesFor(name)?.Rules);
                break;
            case "PUT":
                await PutAsync(context, request, database, who, ifMatch.Length > 0 ? ifMatch : null, wantsETag);
                break;
            case "POST":
                await PostAsync(context, request, database, who);
                break;
            case "PATCH":
                await PatchAsync(context, request, database, who);
                break;
            case "DELETE":
                await DeleteAsync(context, request, database, who, ifMatch.Length > 0 ? ifMatch : null, wantsETag);
                break;
        }

        if (!streaming)
        {
            usage.Sent(name, request.Path.Keys, context.Response.ContentLength ?? 0);
        }
    }

    private static bool IsStreamRequest(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));

    private static async Task GetAsync(HttpContext context, RestRequest request, Database database, Identity who, bool wantsETag, RuleSet? rules)
    {
        if (request.Info)
        {
            await WriteJsonAsync(context, request, StatusCodes.Status200OK, w => WriteInfo(w, request.Path, database));
            return;
        }

        var root = database.Root;
        if (!database.CanRead(who, request.Path, root, request.Query))
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, Errors.PermissionDenied);
            return;
        }

        // Firebase requires an index for REST queries ordered by a child or by value.
        if (request.Query is { } ordered && rules is not null && !rules.HasIndexFor(request.Path, ordered))
        {
            var index = ordered.OrderBy == QueryOrder.Value ? ".value" : string.Join('/', ordered.ChildPath!.Keys);
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, RuleSet.IndexNotDefinedMessage(request.Path, index));
            return;
        }

        var value = Tree.Get(root, request.Path);
        if (request.Priority)
        {
            await WriteJsonAsync(context, request, StatusCodes.Status200OK, w => JsonTree.WritePriority(w, value?.Priority ?? default));
            return;
        }

        if (request.Query is { } query)
        {
            value = QueryEngine.Apply(value, query);
        }

        if (wantsETag)
        {
            context.Response.Headers.ETag = ETags.Of(Tree.Get(root, request.Path));
        }

        if (request.Silent)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        if (request.Download is { } download)
        {
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{download.Replace("\"", "", StringComparison.Ordinal)}\"";
        }

        if (request.Shallow)
        {
            await WriteJsonAsync(context, request, StatusCodes.Status200OK, w => WriteShallow(w, value));
            return;
        }

        await WriteJsonAsync(context, request, StatusCodes.Status200OK, w => JsonTree.Write(w, value, request.Export));
    }

    private async Task PutAsync(HttpContext context, RestRequest request, Database database, Identity who, string? ifMatch, bool wantsETag)
    {
        var body = await ReadBodyAsync(context, request);
        if (body is null)
        {
            return;
        }

        WriteCommand command;
        if (request.Priority)
        {
            using var document = ParseOrNull(body.Value);
            if (document is null || !JsonTree.TryPriority(document.RootElement, out var priority))
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.BadPriority);
                return;
            }

            command = new SetPriorityCommand(who, request.Path, priority);
        }
        else
        {
            if (!JsonTree.TryParse(body.Value, request.Path.Count, out var value, out var error))
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
                return;
            }

            command = new SetCommand(who, request.Path, value, ifMatch);
        }

        var outcome = await database.WriteAsync(command);
        await RespondToWriteAsync(context, request, outcome, wantsETag || ifMatch is not null, w => JsonTree.Write(w, outcome.Value));
    }

    private async Task PostAsync(HttpContext context, RestRequest request, Database database, Identity who)
    {
        var body = await ReadBodyAsync(context, request);
        if (body is null)
        {
            return;
        }

        if (!JsonTree.TryParse(body.Value, request.Path.Count + 1, out var value, out var error))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        var outcome = await database.WriteAsync(new PushCommand(who, request.Path, value));
        await RespondToWriteAsync(context, request, outcome, false, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", outcome.Name);
            w.WriteEndObject();
        });
    }

    private async Task PatchAsync(HttpContext context, RestRequest request, Database database, Identity who)
    {
        var body = await ReadBodyAsync(context, request);
        if (body is null)
        {
            return;
        }

        if (IsJsonNull(body.Value.Span))
        {
            // A PATCH of null deletes the location, as in Firebase: firebase-tools' database:remove
            // deletes with exactly this request.
            var removed = await database.WriteAsync(new SetCommand(who, request.Path, null));
            await RespondToWriteAsync(context, request, removed, false, w => w.WriteNullValue());
            return;
        }

        if (!PatchBody.TryParse(body.Value, request.Path, out var children, out var error))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        var outcome = await database.WriteAsync(new UpdateCommand(who, request.Path, children));
        await RespondToWriteAsync(context, request, outcome, false, w => JsonTree.Write(w, outcome.Value));
    }

    private static async Task DeleteAsync(HttpContext context, RestRequest request, Database database, Identity who, string? ifMatch, bool wantsETag)
    {
        WriteCommand command = request.Priority
            ? new SetPriorityCommand(who, request.Path, Priority.None)
            : new SetCommand(who, request.Path, null, ifMatch);
        var outcome = await database.WriteAsync(command);
        await RespondToWriteAsync(context, request, outcome, wantsETag || ifMatch is not null, w => w.WriteNullValue());
    }

    private static async Task RespondToWriteAsync(HttpContext context, RestRequest request, WriteOutcome outcome, bool withETag, Action<Utf8JsonWriter> writeBody)
    {
        switch (outcome.Status)
        {
            case WriteStatus.Ok:
                if (withETag)
                {
                    context.Response.Headers.ETag = outcome.ETag ?? ETags.Of(outcome.Value);
                }

                if (request.Silent)
                {
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                    return;
                }

                await WriteJsonAsync(context, request, StatusCodes.Status200OK, writeBody);
                return;
            case WriteStatus.PreconditionFailed:
                context.Response.Headers.ETag = outcome.ETag;
                await WriteJsonAsync(context, request, StatusCodes.Status412PreconditionFailed, w => JsonTree.Write(w, outcome.Value));
                return;
            case WriteStatus.PermissionDenied:
                await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, Errors.PermissionDenied);
                return;
            case WriteStatus.Invalid:
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, outcome.Error ?? Errors.InvalidJson);
                return;
            default:
                await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, outcome.Error ?? Errors.Unavailable);
                return;
        }
    }

    private async Task StreamAsync(HttpContext context, RestRequest request, Database database, Identity who)
    {
        if (request.Info || request.Priority)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.StreamNotSupported);
            return;
        }

        var stream = new SseListener(request.Path, who, request.Export, settings.MaxQueuedEvents, settings.MaxQueuedBytes);
        if (!database.Subscribe(stream))
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, Errors.PermissionDenied);
            return;
        }

        // A client too slow to keep up loses its connection (and reconnects to a fresh snapshot).
        using var dropWhenOverflowed = stream.Overflowed.Register(static state => ((HttpContext)state!).Abort(), context);
        try
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var output = response.BodyWriter;
            var aborted = context.RequestAborted;
            while (await stream.WaitToReadAsync(aborted))
            {
                while (stream.TryDequeue(out var frame))
                {
                    output.Write(frame);
                    usage.Sent(database.Name, request.Path.Keys, frame.Length);
                }

                var flushed = await output.FlushAsync(aborted);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        catch (IOException)
        {
            // The connection broke.
        }
        finally
        {
            database.Unsubscribe(stream);
        }
    }

    /// <summary>Reads the body within the write size limit; on failure the error is already written and null returned.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context, RestRequest request)
    {
        var limit = request.WriteSizeLimit;
        if (context.Request.ContentLength > limit)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.WriteTooBig);
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            var body = context.Request.Body;
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var read = await body.ReadAsync(memory, context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    await WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.WriteTooBig);
                    return null;
                }
            }
        }
        catch (BadHttpRequestException e)
        {
            await WriteErrorAsync(context, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? StatusCodes.Status400BadRequest : e.StatusCode,
                e.StatusCode == StatusCodes.Status413PayloadTooLarge ? Errors.WriteTooBig : e.Message);
            return null;
        }

        if (buffer.WrittenCount == 0 || buffer.WrittenSpan.Trim(" \t\r\n"u8).IsEmpty)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, Errors.NoData);
            return null;
        }

        return buffer.WrittenMemory;
    }

    private static bool IsJsonNull(ReadOnlySpan<byte> json) => json.Trim(" \t\r\n"u8).SequenceEqual("null"u8);

    private static JsonDocument? ParseOrNull(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteShallow(Utf8JsonWriter writer, Node? value)
    {
        if (value is not ObjectNode obj)
        {
            JsonTree.Write(writer, value);
            return;
        }

        writer.WriteStartObject();
        foreach (var key in obj.Children.Keys)
        {
            writer.WriteBoolean(key, true);
        }

        writer.WriteEndObject();
    }

    private static void WriteInfo(Utf8JsonWriter writer, DataPath path, Database database)
    {
        var info = JsonTree.Parse($"{{\"connected\":true,\"serverTimeOffset\":0,\"database\":\"{database.Name}\"}}");
        JsonTree.Write(writer, Tree.Get(info, path));
    }

    private static async Task WriteJsonAsync(HttpContext context, RestRequest request, int status, Action<Utf8JsonWriter> write)
    {
        if (request.Callback is not { } callback || status != StatusCodes.Status200OK)
        {
            await Responses.WriteJsonAsync(context, status, write, request.Pretty);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, request.Pretty ? JsonTree.PrettyWriterOptions : JsonTree.WriterOptions))
        {
            write(writer);
        }

        var response = context.Response;
        response.StatusCode = status;
        response.Headers.CacheControl = "no-cache";
        response.ContentType = "application/javascript; charset=utf-8";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(callback + "("));
        await response.Body.WriteAsync(buffer.WrittenMemory);
        await response.Body.WriteAsync(");"u8.ToArray());
    }
}
