namespace RemoteCam.Cli.Rooms;

/// <summary>
/// An invitation URL: <c>&lt;base&gt;/join.html#v=1&amp;room=&lt;id&gt;&amp;role=&lt;camera|viewer&gt;&amp;s=&lt;secret&gt;</c>.
/// Everything is in the fragment, which browsers never send to a server. Whoever has the URL (or its QR code) can join.
/// </summary>
internal sealed record Invitation(string RoomId, string Role, string Secret)
{
    public const int Version = 1;

    public string ToUrl(Uri baseUrl)
    {
        var root = baseUrl.GetLeftPart(UriPartial.Path);
        if (!root.EndsWith('/'))
        {
            root += "/";
        }

        return $"{root}join.html#v={Version}&room={RoomId}&role={Role}&s={Secret}";
    }

    /// <summary>Reads an invitation back from its URL (the pages do the same in JavaScript).</summary>
    public static bool TryParse(string url, out Invitation? invitation)
    {
        invitation = null;
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        if (hash < 0)
        {
            return false;
        }

        var fields = url[(hash + 1)..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => Uri.UnescapeDataString(group.First()[1]), StringComparer.Ordinal);
        if (fields.GetValueOrDefault("v") != Version.ToString(System.Globalization.CultureInfo.InvariantCulture)
            || fields.GetValueOrDefault("room") is not { } room || !Pairing.IsRoomId(room)
            || fields.GetValueOrDefault("role") is not { } role || !Pairing.IsRole(role)
            || fields.GetValueOrDefault("s") is not { } secret
            || !Base64Url.TryDecode(secret, out var bytes) || bytes.Length != Pairing.SecretLength)
        {
            return false;
        }

        invitation = new Invitation(room, role, secret);
        return true;
    }
}
