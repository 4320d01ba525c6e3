using System.Text.Json;

using RemoteCam.Relay.Usage;

namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>
/// Usage statistics of realtime messages: a request counts for the path in its body
/// (<c>{"r":1,"a":"p","b":{"p":"/a/b",…}}</c>), a write when its action is one; a pushed message
/// counts for the path it carries, and messages without a path (handshake, acknowledgements,
/// pongs) count under <see cref="Protocol"/>.
/// </summary>
internal static class WsUsage
{
    public const string Protocol = "(realtime protocol)";

    private static readonly HashSet<string> WriteActions = new(StringComparer.Ordinal) { "p", "m", "o", "om", "oc", "n" };

    public static void Received(UsageMeter usage, string database, JsonElement data, long bytes)
    {
        var action = data.TryGetProperty("a", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() ?? "" : "";
        var path = data.TryGetProperty("b", out var body) && body.ValueKind == JsonValueKind.Object
            && body.TryGetProperty("p", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (path is null)
        {
            usage.Received(database, [Protocol], bytes, write: false);
            return;
        }

        usage.Received(database, Keys(path), bytes, WriteActions.Contains(action));
    }

    public static void Sent(UsageMeter usage, string database, byte[] message)
    {
        if (PathOf(message) is { } path)
        {
            usage.Sent(database, Keys(path), message.Length);
        }
        else
        {
            usage.Sent(database, [Protocol], message.Length);
        }
    }

    /// <summary>The path of a pushed message (<c>{"t":"d","d":{"a":…,"b":{"p":…}}}</c>), or null.</summary>
    private static string? PathOf(byte[] message)
    {
        var reader = new Utf8JsonReader(message);
        try
        {
            while (reader.Read())
            {
                // Depth 3: envelope → d → b → "p".
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 3 && reader.ValueTextEquals("p"u8))
                {
                    return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
            }
        }
        catch (JsonException)
        {
            // Not ours to judge: counted without a path.
        }

        return null;
    }

    private static string[] Keys(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
