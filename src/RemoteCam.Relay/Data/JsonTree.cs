using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Relay.Data;

/// <summary>Converts between JSON text and tree nodes with Firebase's data rules.</summary>
internal static class JsonTree
{
    /// <summary>Strings are at most 10 MB of UTF-8.</summary>
    public const int MaxStringBytes = 10 * 1024 * 1024;

    public const string InvalidJson = "Invalid data; couldn't parse JSON object, array, or value.";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    /// <summary>Output options: minimal escaping (quotes and control characters only), as Firebase answers.</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonWriterOptions PrettyWriterOptions = WriterOptions with { Indented = true };

    /// <summary>
    /// Parses request data. <paramref name="baseDepth"/> is the depth of the location it is
    /// written to, so that the whole tree stays under <see cref="DataPath.MaxDepth"/> levels.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> json, int baseDepth, out Node? node, out string error)
    {
        node = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException)
        {
            error = InvalidJson;
            return false;
        }

        using (document)
        {
            return TryConvert(document.RootElement, baseDepth, "", out node, out error);
        }
    }

    public static bool TryConvert(JsonElement element, int depth, string where, out Node? node, out string error)
    {
        node = null;
        error = "";
        if (depth >= DataPath.MaxDepth)
        {
            error = $"Invalid data; it is nested more than {DataPath.MaxDepth - 1} levels deep{At(where)}.";
            return false;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.True:
                node = LeafNode.Of(true);
                return true;
            case JsonValueKind.False:
                node = LeafNode.Of(false);
                return true;
            case JsonValueKind.Number:
                if (!TryNumber(element, out var number))
                {
                    error = $"Invalid data; numbers must be finite 64-bit floating point values{At(where)}.";
                    return false;
                }

                node = LeafNode.Of(number);
                return true;
            case JsonValueKind.String:
                return TryString(element, where, out node, out error);
            case JsonValueKind.Array:
                return TryArray(element, depth, where, out node, out error);
            case JsonValueKind.Object:
                return TryObject(element, depth, where, out node, out error);
            default:
                error = InvalidJson;
                return false;
        }
    }

    private static bool TryString(JsonElement element, string where, out Node? node, out string error)
    {
        node = null;
        error = "";
        var text = element.GetString()!;
        if (text.Length > MaxStringBytes / 3 && Encoding.UTF8.GetByteCount(text) > MaxStringBytes)
        {
            error = $"Invalid data; strings can be at most {MaxStringBytes} bytes{At(where)}.";
            return false;
        }

        node = LeafNode.Of(text);
        return true;
    }

    private static bool TryArray(JsonElement element, int depth, string where, out Node? node, out string error)
    {
        node = null;
        error = "";
        var builder = ObjectNode.NoChildren.ToBuilder();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var key = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!TryConvert(item, depth + 1, where + "/" + key, out var child, out error))
            {
                return false;
            }

            if (child is not null)
            {
                builder[key] = child;
            }

            index++;
        }

        node = builder.Count == 0 ? null : new ObjectNode(builder.ToImmutable());
        return true;
    }

    private static bool TryObject(JsonElement element, int depth, string where, out Node? node, out string error)
    {
        node = null;
        error = "";
        var priority = Priority.None;
        JsonElement? dotValue = null;
        JsonElement? serverValue = null;
        var builder = ObjectNode.NoChildren.ToBuilder();
        var realChildren = 0;
        foreach (var property in element.EnumerateObject())
        {
            var key = property.Name;
            switch (key)
            {
                case ".priority" when property.Value.ValueKind == JsonValueKind.Object:
                    // A server value as the priority (the SDKs send it for a transaction's timestamp).
                    if (!property.Value.TryGetProperty(".sv", out var prioritySv) || !ServerValues.TryParse(prioritySv, out var pending, out error))
                    {
                        error = $"Invalid data; .priority must be a string, a number, null or a server value{At(where)}.";
                        return false;
                    }

                    priority = Priority.Pending(pending);
                    continue;
                case ".priority":
                    if (!TryPriority(property.Value, out priority))
                    {
                        error = $"Invalid data; .priority must be a string, a number or null{At(where)}.";
                        return false;
                    }

                    continue;
                case ".value":
                    dotValue = property.Value;
                    continue;
                case ".sv":
                    serverValue = property.Value;
                    continue;
            }

            realChildren++;
            if (!DataPath.IsValidKey(key, out var why))
            {
                error = $"Invalid data; invalid key \"{Escape(key)}\"{At(where)}: {why}";
                return false;
            }

            if (!TryConvert(property.Value, depth + 1, where + "/" + key, out var child, out error))
            {
                return false;
            }

            if (child is not null)
            {
                builder[key] = child;
            }
        }

        if (serverValue is { } sv)
        {
            if (realChildren > 0 || dotValue is not null)
            {
                error = $"Invalid data; .sv cannot have sibling keys{At(where)}.";
                return false;
            }

            if (!ServerValues.TryParse(sv, out var placeholder, out error))
            {
                error += At(where);
                return false;
            }

            node = placeholder.WithPriority(priority);
            return true;
        }

        if (dotValue is { } value)
        {
            if (realChildren > 0)
            {
                error = $"Invalid data; .value cannot have sibling keys other than .priority{At(where)}.";
                return false;
            }

            if (!TryConvert(value, depth, where, out var inner, out error))
            {
                return false;
            }

            node = inner?.WithPriority(priority);
            return true;
        }

        node = builder.Count == 0 ? null : new ObjectNode(builder.ToImmutable(), priority);
        return true;
    }

    public static bool TryPriority(JsonElement element, out Priority priority)
    {
        priority = Priority.None;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.String:
                priority = Priority.Of(element.GetString()!);
                return true;
            case JsonValueKind.Number when TryNumber(element, out var number):
                priority = Priority.Of(number);
                return true;
            default:
                return false;
        }
    }

    private static bool TryNumber(JsonElement element, out double number) =>
        element.TryGetDouble(out number) && double.IsFinite(number);

    private static string At(string where) => where.Length == 0 ? "" : $" at \"{Escape(where)}\"";

    private static string Escape(string text) => text.Length > 100 ? text[..100] + "…" : text;

    /// <summary>Serialises a node (null writes JSON null). Export format keeps priorities and never makes arrays.</summary>
    public static void Write(Utf8JsonWriter writer, Node? node, bool export = false)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case LeafNode leaf when export && !leaf.Priority.IsNone:
                writer.WriteStartObject();
                writer.WritePropertyName(".value");
                WriteLeaf(writer, leaf);
                writer.WritePropertyName(".priority");
                WritePriority(writer, leaf.Priority);
                writer.WriteEndObject();
                break;
            case LeafNode leaf:
                WriteLeaf(writer, leaf);
                break;
            case ObjectNode obj when !export && LooksLikeArray(obj, out var length):
                writer.WriteStartArray();
                for (var i = 0; i < length; i++)
                {
                    Write(writer, obj.Child(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                writer.WriteEndArray();
                break;
            case ObjectNode obj:
                writer.WriteStartObject();
                foreach (var (key, child) in obj.Children)
                {
                    writer.WritePropertyName(key);
                    Write(writer, child, export);
                }

                if (export && !obj.Priority.IsNone)
                {
                    writer.WritePropertyName(".priority");
                    WritePriority(writer, obj.Priority);
                }

                writer.WriteEndObject();
                break;
            case ServerValueNode:
                throw new InvalidOperationException("Server values must be resolved before they are written out.");
        }
    }

    public static byte[] ToUtf8(Node? node, bool export = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonTree.WriterOptions))
        {
            Write(writer, node, export);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string ToJson(Node? node, bool export = false) => Encoding.UTF8.GetString(ToUtf8(node, export));

    /// <summary>Parses trusted JSON (journal, tests); throws on invalid data.</summary>
    public static Node? Parse(string json) =>
        TryParse(Encoding.UTF8.GetBytes(json), 0, out var node, out var error) ? node : throw new FormatException(error);

    public static void WritePriority(Utf8JsonWriter writer, Priority priority)
    {
        switch (priority.Value)
        {
            case double d:
                writer.WriteNumberValue(d);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteLeaf(Utf8JsonWriter writer, LeafNode leaf)
    {
        switch (leaf.Value)
        {
            case string s:
                writer.WriteStringValue(s);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
        }
    }

    /// <summary>The SDK's rule: every key a non-negative integer without leading zeros, and the largest below twice the count.</summary>
    internal static bool LooksLikeArray(ObjectNode obj, out int length)
    {
        length = 0;
        var max = -1L;
        foreach (var key in obj.Children.Keys)
        {
            if (key.Length == 0 || key.Length > 10 || (key.Length > 1 && key[0] == '0'))
            {
                return false;
            }

            long value = 0;
            foreach (var c in key)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            max = Math.Max(max, value);
        }

        if (max >= 2L * obj.Children.Count)
        {
            return false;
        }

        length = (int)max + 1;
        return true;
    }

    /// <summary>Builds an object node from children, dropping nulls; null when nothing is left.</summary>
    public static ObjectNode? Object(IEnumerable<KeyValuePair<string, Node?>> children, Priority priority = default)
    {
        var builder = ObjectNode.NoChildren.ToBuilder();
        foreach (var (key, child) in children)
        {
            if (child is not null)
            {
                builder[key] = child;
            }
        }

        return builder.Count == 0 ? null : new ObjectNode(builder.ToImmutable(), priority);
    }

    internal static ImmutableSortedDictionary<string, Node>.Builder NewChildren() => ObjectNode.NoChildren.ToBuilder();
}
