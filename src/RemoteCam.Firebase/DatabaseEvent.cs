using System.Text;
using System.Text.Json;

namespace RemoteCam.Firebase;

/// <summary>One event of a streaming (Server-Sent Events) read.</summary>
public abstract record DatabaseEvent
{
    private protected DatabaseEvent()
    {
    }

    /// <summary>Parses one SSE frame. Returns null for event types this client does not know.</summary>
    internal static DatabaseEvent? Parse(string eventType, ReadOnlySpan<byte> data) => eventType switch
    {
        "put" => ParsePathData(data, static (path, value) => new PutEvent(path, value)),
        "patch" => ParsePathData(data, static (path, value) => new PatchEvent(path, value)),
        "keep-alive" => KeepAliveEvent.Instance,
        "cancel" => new CancelEvent(ReadReason(data)),
        "auth_revoked" => new AuthRevokedEvent(ReadReason(data)),
        _ => null,
    };

    private static DatabaseEvent ParsePathData(ReadOnlySpan<byte> data, Func<string, JsonElement, DatabaseEvent> create)
    {
        // Deserialize gives an element that owns its memory, so nothing needs disposing or cloning.
        JsonElement frame = JsonSerializer.Deserialize<JsonElement>(data);
        if (frame.ValueKind != JsonValueKind.Object
            || !frame.TryGetProperty("path", out JsonElement path)
            || path.ValueKind != JsonValueKind.String)
        {
            throw new JsonException($"Malformed stream event data: {Encoding.UTF8.GetString(data)}");
        }

        JsonElement value = frame.TryGetProperty("data", out JsonElement d) ? d : default;
        return create(FirebaseUrl.Normalize(path.GetString()!), value.ValueKind == JsonValueKind.Undefined ? NullElement : value);
    }

    // cancel/auth_revoked data is a JSON string, JSON null (older servers) or, reportedly, raw text.
    private static string? ReadReason(ReadOnlySpan<byte> data)
    {
        try
        {
            JsonElement element = JsonSerializer.Deserialize<JsonElement>(data);
            return element.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => element.GetString(),
                _ => element.GetRawText(),
            };
        }
        catch (JsonException)
        {
            string text = Encoding.UTF8.GetString(data).Trim();
            return text.Length == 0 ? null : text;
        }
    }

    internal static readonly JsonElement NullElement = JsonSerializer.Deserialize<JsonElement>("null"u8);
}

/// <summary>Replace everything at <paramref name="Path"/> (relative to the listened location) with <paramref name="Data"/>; null deletes.</summary>
/// <param name="Path">"/" for the listened location itself, else "/child/grandchild".</param>
/// <param name="Data">The new value.</param>
public sealed record PutEvent(string Path, JsonElement Data) : DatabaseEvent;

/// <summary>For each key of <paramref name="Data"/> (a slash path), replace that child under <paramref name="Path"/>; null values delete.</summary>
/// <param name="Path">The location the keys are relative to.</param>
/// <param name="Data">An object of child path to new value.</param>
public sealed record PatchEvent(string Path, JsonElement Data) : DatabaseEvent;

/// <summary>The server is still there; nothing changed.</summary>
public sealed record KeepAliveEvent : DatabaseEvent
{
    internal static readonly KeepAliveEvent Instance = new();
}

/// <summary>The server ended the stream, e.g. because rules no longer allow the read.</summary>
/// <param name="Reason">The server's explanation, if any.</param>
public sealed record CancelEvent(string? Reason) : DatabaseEvent;

/// <summary>The credential expired or was revoked; reconnect with a fresh token.</summary>
/// <param name="Reason">The server's explanation, if any.</param>
public sealed record AuthRevokedEvent(string? Reason) : DatabaseEvent;
