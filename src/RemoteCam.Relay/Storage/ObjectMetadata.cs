using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace RemoteCam.Relay.Storage;

/// <summary>
/// What a client says about an object it uploads: the writable fields of the Cloud Storage and
/// Firebase Storage object resources (name, content type and encoding, custom metadata…).
/// </summary>
internal sealed record ObjectDraft
{
    public string? Name { get; init; }

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    public string? ContentDisposition { get; init; }

    public string? ContentLanguage { get; init; }

    public string? CacheControl { get; init; }

    /// <summary>The md5Hash the client claims (base64), checked against the bytes when given.</summary>
    public string? Md5Hash { get; init; }

    /// <summary>The crc32c the client claims (base64, big-endian), checked against the bytes when given.</summary>
    public string? Crc32c { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The draft as object resource JSON (read back by <see cref="TryParse"/>).</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            void Field(string name, string? value)
            {
                if (value is not null)
                {
                    w.WriteString(name, value);
                }
            }

            Field("name", Name);
            Field("contentType", ContentType);
            Field("contentEncoding", ContentEncoding);
            Field("contentDisposition", ContentDisposition);
            Field("contentLanguage", ContentLanguage);
            Field("cacheControl", CacheControl);
            Field("md5Hash", Md5Hash);
            Field("crc32c", Crc32c);
            w.WriteStartObject("metadata");
            foreach (var (key, value) in Metadata)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an object resource JSON (both APIs use the same field names); unknown fields are ignored.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out ObjectDraft draft, out string error)
    {
        draft = new ObjectDraft();
        error = "";
        if (json.IsEmpty)
        {
            return true;
        }

        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = StorageErrors.MetadataNotObject;
                return false;
            }

            string? Text(string property) => root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("metadata", out var custom) && custom.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in custom.EnumerateObject())
                {
                    if (entry.Value.ValueKind == JsonValueKind.String)
                    {
                        metadata[entry.Name] = entry.Value.GetString()!;
                    }
                    else if (entry.Value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                    {
                        metadata[entry.Name] = entry.Value.GetRawText();
                    }
                }
            }

            draft = new ObjectDraft
            {
                Name = Text("name"),
                ContentType = Text("contentType"),
                ContentEncoding = Text("contentEncoding"),
                ContentDisposition = Text("contentDisposition"),
                ContentLanguage = Text("contentLanguage"),
                CacheControl = Text("cacheControl"),
                Md5Hash = Text("md5Hash"),
                Crc32c = Text("crc32c"),
                Metadata = metadata,
            };
            return true;
        }
        catch (JsonException)
        {
            error = StorageErrors.MetadataNotJson;
            return false;
        }
    }
}

/// <summary>A stored object's metadata, as kept in the trailer of its file (see <see cref="ObjectFile"/>).</summary>
internal sealed record ObjectMetadata
{
    public required string Bucket { get; init; }

    public required string Name { get; init; }

    public required string ContentType { get; init; }

    public required long Size { get; init; }

    public required uint Crc32c { get; init; }

    /// <summary>Base64 of the MD5 digest.</summary>
    public required string Md5Hash { get; init; }

    public required long Generation { get; init; }

    public long Metageneration { get; init; } = 1;

    public required DateTimeOffset TimeCreated { get; init; }

    public required DateTimeOffset Updated { get; init; }

    public string? ContentEncoding { get; init; }

    public string? ContentDisposition { get; init; }

    public string? ContentLanguage { get; init; }

    public string? CacheControl { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Firebase download tokens (comma-separated); <c>?alt=media&amp;token=</c> with one reads the object without rules.</summary>
    public string DownloadTokens { get; init; } = "";

    /// <summary>Base64 of the big-endian CRC-32C, as Cloud Storage writes it.</summary>
    public string Crc32cBase64
    {
        get
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, Crc32c);
            return Convert.ToBase64String(bytes);
        }
    }

    /// <summary>The ETag both APIs send: stable for one generation and metageneration.</summary>
    public string ETag => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{Generation}/{Metageneration}")).TrimEnd('=');

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("bucket", Bucket);
            w.WriteString("name", Name);
            w.WriteString("contentType", ContentType);
            w.WriteNumber("size", Size);
            w.WriteNumber("crc32c", Crc32c);
            w.WriteString("md5Hash", Md5Hash);
            w.WriteNumber("generation", Generation);
            w.WriteNumber("metageneration", Metageneration);
            w.WriteNumber("timeCreated", TimeCreated.ToUnixTimeMilliseconds());
            w.WriteNumber("updated", Updated.ToUnixTimeMilliseconds());
            WriteIfSet(w, "contentEncoding", ContentEncoding);
            WriteIfSet(w, "contentDisposition", ContentDisposition);
            WriteIfSet(w, "contentLanguage", ContentLanguage);
            WriteIfSet(w, "cacheControl", CacheControl);
            w.WriteString("downloadTokens", DownloadTokens);
            w.WriteStartObject("metadata");
            foreach (var (key, value) in Metadata)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static ObjectMetadata FromJson(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var r = document.RootElement;
        string? Text(string p) => r.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in r.GetProperty("metadata").EnumerateObject())
        {
            metadata[entry.Name] = entry.Value.GetString() ?? "";
        }

        return new ObjectMetadata
        {
            Bucket = r.GetProperty("bucket").GetString()!,
            Name = r.GetProperty("name").GetString()!,
            ContentType = r.GetProperty("contentType").GetString()!,
            Size = r.GetProperty("size").GetInt64(),
            Crc32c = r.GetProperty("crc32c").GetUInt32(),
            Md5Hash = r.GetProperty("md5Hash").GetString()!,
            Generation = r.GetProperty("generation").GetInt64(),
            Metageneration = r.GetProperty("metageneration").GetInt64(),
            TimeCreated = DateTimeOffset.FromUnixTimeMilliseconds(r.GetProperty("timeCreated").GetInt64()),
            Updated = DateTimeOffset.FromUnixTimeMilliseconds(r.GetProperty("updated").GetInt64()),
            ContentEncoding = Text("contentEncoding"),
            ContentDisposition = Text("contentDisposition"),
            ContentLanguage = Text("contentLanguage"),
            CacheControl = Text("cacheControl"),
            DownloadTokens = Text("downloadTokens") ?? "",
            Metadata = metadata,
        };
    }

    private static void WriteIfSet(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
