using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RemoteCam.Cli.Rooms;

/// <summary>One ICE server as a browser's <c>RTCIceServer</c>: URLs and, for TURN, a username and credential.</summary>
internal sealed record IceServer(IReadOnlyList<string> Urls, string? Username, string? Credential);

/// <summary>
/// A room's ICE servers (docs/protocol.md "ICE servers"): sealed in <c>/rooms/{id}/meta/ice</c> as
/// <c>{"v":1,"iceServers":[{urls, username?, credential?}],"relayOnly":bool}</c>. The pages add them to the
/// backend's own and, with <c>relayOnly</c>, connect only through TURN.
/// </summary>
internal sealed partial record RoomIce(IReadOnlyList<IceServer> Servers, bool RelayOnly)
{
    public const string SealName = "ice";
    public const int MaxUrls = 8;
    public const int MaxTextLength = 256;

    /// <summary>
    /// The configuration for <paramref name="urls"/>: STUN URLs form one server without credentials, TURN URLs
    /// another with them. Null and <paramref name="error"/> when something is not acceptable.
    /// </summary>
    public static RoomIce? From(IReadOnlyList<string> urls, string? username, string? credential, bool relayOnly, out string error)
    {
        error = "";
        if (urls.Count is 0 or > MaxUrls)
        {
            error = $"give 1 to {MaxUrls} server URLs with --url.";
            return null;
        }

        foreach (var url in urls)
        {
            if (!UrlShape().IsMatch(url) || (url.StartsWith("stun", StringComparison.Ordinal) && url.Contains('?', StringComparison.Ordinal)))
            {
                error = $"'{url}' is not a STUN or TURN URL (stun:HOST[:PORT], turn:HOST[:PORT][?transport=udp|tcp], or stuns:/turns:).";
                return null;
            }
        }

        var turn = urls.Where(u => u.StartsWith("turn", StringComparison.Ordinal)).ToList();
        var stun = urls.Where(u => u.StartsWith("stun", StringComparison.Ordinal)).ToList();
        if (turn.Count > 0 && (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(credential)))
        {
            error = "a TURN server needs --username and --credential.";
            return null;
        }

        foreach (var (text, what) in new[] { (username, "--username"), (credential, "--credential") })
        {
            if (text is not null && (text.Length > MaxTextLength || text.Any(char.IsControl)))
            {
                error = $"{what} must be at most {MaxTextLength} characters, without control characters.";
                return null;
            }
        }

        if (turn.Count == 0 && (username is not null || credential is not null))
        {
            error = "--username and --credential are for TURN servers; no turn: or turns: URL was given.";
            return null;
        }

        if (relayOnly && turn.Count == 0)
        {
            error = "--relay-only needs a TURN server (a turn: or turns: URL): without one no call could connect.";
            return null;
        }

        var servers = new List<IceServer>();
        if (stun.Count > 0)
        {
            servers.Add(new IceServer(stun, null, null));
        }

        if (turn.Count > 0)
        {
            servers.Add(new IceServer(turn, username, credential));
        }

        return new RoomIce(servers, relayOnly);
    }

    public string ToJson()
    {
        var servers = new JsonArray();
        foreach (var server in Servers)
        {
            var entry = new JsonObject { ["urls"] = new JsonArray([.. server.Urls.Select(u => JsonValue.Create(u))]) };
            if (server.Username is not null)
            {
                entry["username"] = server.Username;
                entry["credential"] = server.Credential;
            }

            servers.Add(entry);
        }

        return new JsonObject { ["v"] = 1, ["iceServers"] = servers, ["relayOnly"] = RelayOnly }.ToJsonString();
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote; null when it is not that shape.</summary>
    public static RoomIce? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("iceServers", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var servers = new List<IceServer>();
            foreach (var entry in list.EnumerateArray())
            {
                var urls = entry.TryGetProperty("urls", out var u) && u.ValueKind == JsonValueKind.Array
                    ? u.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                    : [];
                servers.Add(new IceServer(urls, Text(entry, "username"), Text(entry, "credential")));
            }

            return new RoomIce(servers, root.TryGetProperty("relayOnly", out var r) && r.ValueKind == JsonValueKind.True);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex(@"^(stuns?|turns?):(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?(\?transport=(udp|tcp))?$")]
    private static partial Regex UrlShape();
}
