using System.Buffers;
using System.Text;
using System.Text.Json;

using RemoteCam.Relay.Data;
using RemoteCam.Relay.Engine;

namespace RemoteCam.Relay.Transports.Sse;

/// <summary>Server-Sent Events frames as Firebase sends them: <c>event: NAME\ndata: JSON\n\n</c>.</summary>
internal static class SseFrames
{
    public static readonly byte[] KeepAlive = Encoding.UTF8.GetBytes("event: keep-alive\ndata: null\n\n");

    public static readonly byte[] PermissionDenied = Encoding.UTF8.GetBytes("event: cancel\ndata: \"Permission denied\"\n\n");

    public static readonly byte[] AuthRevoked = Encoding.UTF8.GetBytes("event: auth_revoked\ndata: \"credential is no longer valid\"\n\n");

    /// <summary>A change event as a <c>put</c> or <c>patch</c> at the path relative to the listened location, without priorities.</summary>
    public static readonly EventEncoding<byte[]> Plain = new(e => Of(e, export: false));

    /// <summary>The same with priorities (<c>format=export</c>).</summary>
    public static readonly EventEncoding<byte[]> Export = new(e => Of(e, export: true));

    public static byte[] Put(DataPath relative, Node? data, bool export) => Frame("put", relative, w => JsonTree.Write(w, data, export));

    /// <summary>A patch: each key (a relative path, slashes allowed) replaces that child.</summary>
    public static byte[] Patch(DataPath relative, IReadOnlyList<KeyValuePair<DataPath, Node?>> children, bool export) =>
        Frame("patch", relative, w =>
        {
            w.WriteStartObject();
            foreach (var (path, value) in children)
            {
                w.WritePropertyName(string.Join('/', path.Keys));
                JsonTree.Write(w, value, export);
            }

            w.WriteEndObject();
        });

    private static byte[] Of(ChangeEvent change, bool export) =>
        change.Children is { } children ? Patch(change.Relative, children, export) : Put(change.Relative, change.Value, export);

    private static byte[] Frame(string name, DataPath relative, Action<Utf8JsonWriter> writeData)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(Encoding.ASCII.GetBytes("event: " + name + "\ndata: "));
        using (var writer = new Utf8JsonWriter(buffer, JsonTree.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("path", relative.ToString());
            writer.WritePropertyName("data");
            writeData(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
