using System.Buffers;
using System.Text.Json;

using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Engine;

/// <summary>
/// Journal record payloads: <c>{"p":"/path","v":value}</c> for a set and
/// <c>{"p":"/path","u":{"rel/path":value,…}}</c> for an update, values in export format with
/// server values already resolved, so replay is deterministic.
/// </summary>
internal static class JournalRecords
{
    public static void Write(IBufferWriter<byte> output, Change change)
    {
        using var writer = new Utf8JsonWriter(output, JsonTree.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("p", change.Path.ToString());
        if (change.Children is null)
        {
            writer.WritePropertyName("v");
            JsonTree.Write(writer, change.Value, export: true);
        }
        else
        {
            writer.WritePropertyName("u");
            writer.WriteStartObject();
            foreach (var (relative, value) in change.Children)
            {
                writer.WritePropertyName(string.Join('/', relative.Keys));
                JsonTree.Write(writer, value, export: true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    public static Node? Replay(Node? root, byte[] record)
    {
        using var document = JsonDocument.Parse(record);
        var element = document.RootElement;
        var path = DataPath.Parse(element.GetProperty("p").GetString()!);
        if (element.TryGetProperty("v", out var value))
        {
            return Tree.Set(root, path, Convert(value, path.Count));
        }

        var children = new List<KeyValuePair<DataPath, Node?>>();
        foreach (var property in element.GetProperty("u").EnumerateObject())
        {
            var relative = DataPath.Parse(property.Name);
            children.Add(new(relative, Convert(property.Value, path.Count + relative.Count)));
        }

        return Tree.Update(root, path, children);
    }

    private static Node? Convert(JsonElement value, int depth) =>
        JsonTree.TryConvert(value, depth, "", out var node, out var error)
            ? node
            : throw new InvalidDataException("A journal record holds invalid data: " + error);
}
