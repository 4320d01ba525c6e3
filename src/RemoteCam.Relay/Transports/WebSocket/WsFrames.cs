using System.Buffers;
using System.Text;
using System.Text.Json;

using RemoteCam.Relay.Data;
using RemoteCam.Relay.Engine;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>
/// The messages the relay sends over <c>/.ws</c> (docs/relay.md, "WebSocket protocol"): the
/// envelope <c>{"t":"c"|"d","d":…}</c>, responses <c>{"r":N,"b":{"s":status,"d":data}}</c> and
/// pushes <c>{"a":action,"b":body}</c>. Data is sent with priorities (export format), as the
/// SDKs need them to order and hash. Paths have no leading slash, as in Firebase's traces.
/// </summary>
internal static class WsFrames
{
    /// <summary>Answer to the client's ping <c>{"t":"c","d":{"t":"p","d":{}}}</c>.</summary>
    public static readonly byte[] Pong = Encoding.UTF8.GetBytes("""{"t":"c","d":{"t":"o","d":{}}}""");

    /// <summary>An untagged change: <c>d</c> (set at p) or <c>m</c> (merge of relative paths at p).</summary>
    public static readonly EventEncoding<byte[]> Change = new(e => e.Children is { } children ? Merge(e.Path, children) : Data(e.Path, e.Value, null));

    public static byte[] Handshake(long nowMs, string host, string session) => Envelope("c", w =>
    {
        w.WriteString("t", "h");
        w.WriteStartObject("d");
        w.WriteNumber("ts", nowMs);
        w.WriteString("v", "5");
        w.WriteString("h", host);
        w.WriteString("s", session);
        w.WriteEndObject();
    });

    /// <summary>A control error message (<c>t:"e"</c>); the SDKs only log it.</summary>
    public static byte[] ControlError(string message) => Envelope("c", w =>
    {
        w.WriteString("t", "e");
        w.WriteString("d", message);
    });

    /// <summary>A response: <c>{"r":N,"b":{"s":status,"d":…}}</c>; <paramref name="writeData"/> null sends <c>""</c>.</summary>
    public static byte[] Response(long request, string status, Action<Utf8JsonWriter>? writeData = null) => Envelope("d", w =>
    {
        w.WriteNumber("r", request);
        w.WriteStartObject("b");
        w.WriteString("s", status);
        w.WritePropertyName("d");
        if (writeData is null)
        {
            w.WriteStringValue("");
        }
        else
        {
            writeData(w);
        }

        w.WriteEndObject();
    });

    public static byte[] Ok(long request) => Response(request, WsStatus.Ok);

    /// <summary>A refusal with its reason as <c>d</c> (the SDKs show <c>STATUS: reason</c>).</summary>
    public static byte[] Refused(long request, string status, string reason) => Response(request, status, w => w.WriteStringValue(reason));

    /// <summary><c>d</c>: an overwrite of <paramref name="path"/>, tagged for a query listen.</summary>
    public static byte[] Data(DataPath path, Node? value, long? tag) => Push("d", w =>
    {
        w.WriteString("p", PathText(path));
        w.WritePropertyName("d");
        JsonTree.Write(w, value, export: true);
        if (tag is { } t)
        {
            w.WriteNumber("t", t);
        }
    });

    /// <summary><c>c</c>: the listen at <paramref name="path"/> (with its query object, raw) is revoked.</summary>
    public static byte[] ListenRevoked(DataPath path, string? queryJson) => Push("c", w =>
    {
        w.WriteString("p", PathText(path));
        if (queryJson is not null)
        {
            w.WriteStartArray("q");
            w.WriteRawValue(queryJson, skipInputValidation: true);
            w.WriteEndArray();
        }
    });

    /// <summary><c>ac</c>: the connection's credential is no longer valid; the SDKs reconnect with a fresh token.</summary>
    public static byte[] AuthRevoked(string status, string reason) => Push("ac", w =>
    {
        w.WriteString("s", status);
        w.WriteString("d", reason);
    });

    public static string PathText(DataPath path) => string.Join('/', path.Keys);

    private static byte[] Merge(DataPath path, IReadOnlyList<KeyValuePair<DataPath, Node?>> children) => Push("m", w =>
    {
        w.WriteString("p", PathText(path));
        w.WriteStartObject("d");
        foreach (var (relative, value) in children)
        {
            w.WritePropertyName(PathText(relative));
            JsonTree.Write(w, value, export: true);
        }

        w.WriteEndObject();
    });

    private static byte[] Push(string action, Action<Utf8JsonWriter> writeBody) => Envelope("d", w =>
    {
        w.WriteString("a", action);
        w.WriteStartObject("b");
        writeBody(w);
        w.WriteEndObject();
    });

    private static byte[] Envelope(string type, Action<Utf8JsonWriter> writeInner)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, JsonTree.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("t", type);
            writer.WriteStartObject("d");
            writeInner(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>The response statuses the relay sends (docs/relay.md lists when).</summary>
internal static class WsStatus
{
    public const string Ok = "ok";
    public const string PermissionDenied = "permission_denied";
    public const string DataStale = "datastale";
    public const string InvalidToken = "invalid_token";
    public const string ExpiredToken = "expired_token";
    public const string InvalidData = "invalid_data";
    public const string InvalidQuery = "invalid_query";
    public const string InvalidAction = "invalid_action";
    public const string TooManyListens = "too_many_listens";
    public const string Unavailable = "unavailable";
    public const string PermissionDeniedText = "Permission denied";
}
