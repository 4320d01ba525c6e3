using System.Buffers;
using System.Text.Json;

using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Http;

/// <summary>
/// How the relay's HTTP endpoints answer, in one place: JSON bodies, the Realtime Database's error
/// body <c>{"error": "…"}</c>, Google's error body <c>{"error": {"code": …, "message": "…"}}</c>
/// (sign-in and storage), and the 405 of read-only resources. Endpoints never borrow each other's
/// writers; the texts live in <see cref="Errors"/> and in each API's own errors file.
/// </summary>
internal static class Responses
{
    public const string JsonContentType = "application/json; charset=utf-8";

    private static readonly byte[] NullJson = "null"u8.ToArray();

    /// <summary>Writes a JSON body made by <paramref name="write"/> (an empty body is written as <c>null</c>).</summary>
    public static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write, bool pretty = false, string cacheControl = "no-cache")
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, pretty ? JsonTree.PrettyWriterOptions : JsonTree.WriterOptions))
        {
            write(writer);
        }

        var response = context.Response;
        response.StatusCode = status;
        response.Headers.CacheControl = cacheControl;
        response.ContentType = JsonContentType;
        response.ContentLength = buffer.WrittenCount == 0 ? NullJson.Length : buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenCount == 0 ? NullJson : buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>
    /// The Realtime Database's rejection, <c>{"error": "message"}</c> (pretty with <c>print=pretty</c>),
    /// also used by the pages, discovery and the CA certificate.
    /// </summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message) =>
        WriteJsonAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }, pretty: context.Request.Query["print"] == "pretty");

    /// <summary>
    /// Google's error shape: <c>{"error": {"code": 403, "message": "…"}}</c>, plus
    /// <c>"errors": [{"message", "domain": "global", "reason"}]</c> when <paramref name="reason"/> is
    /// given (the Cloud Storage JSON API and Identity Toolkit send it, Firebase Storage does not) and
    /// <c>"status"</c> when <paramref name="status"/> is given.
    /// </summary>
    public static Task WriteGoogleErrorAsync(HttpContext context, int code, string message, string? reason = null, string? status = null, string cacheControl = "no-cache") =>
        WriteJsonAsync(context, code, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("code", code);
            w.WriteString("message", message);
            if (reason is not null)
            {
                w.WriteStartArray("errors");
                w.WriteStartObject();
                w.WriteString("message", message);
                w.WriteString("domain", "global");
                w.WriteString("reason", reason);
                w.WriteEndObject();
                w.WriteEndArray();
            }

            if (status is not null)
            {
                w.WriteString("status", status);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }, cacheControl: cacheControl);

    /// <summary>For read-only resources (pages, init.json, the CA): anything but GET or HEAD gets a 405 in Firebase's error shape.</summary>
    public static async Task<bool> RejectUnlessReadAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            return false;
        }

        context.Response.Headers.Allow = "GET, HEAD";
        await WriteErrorAsync(context, StatusCodes.Status405MethodNotAllowed, Errors.MethodNotAllowed(method));
        return true;
    }
}
