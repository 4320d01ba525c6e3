namespace RemoteCam.Cli.Rooms;

/// <summary>
/// An invitation URL (docs/pairing.md):
/// <c>&lt;base&gt;/join.html#v=1&amp;room=&lt;id&gt;&amp;role=viewer&amp;s=&lt;viewer secret&gt;</c>, or for a camera
/// <c>…&amp;role=camera&amp;s=&lt;camera secret&gt;&amp;vs=&lt;viewer secret&gt;</c>.
/// Everything is in the fragment, which browsers never send to a server. Whoever has the URL (or its QR code) can join.
/// </summary>
internal sealed record Invitation(string RoomId, string Role, string Secret, string? ViewerSecret = null)
{
    public const int Version = 1;

    public string ToUrl(Uri baseUrl)
    {
        var root = baseUrl.GetLeftPart(UriPartial.Path);
        if (!root.EndsWith('/'))
        {
            root += "/";
        }

        var url = $"{root}join.html#v={Version}&room={RoomId}&role={Role}&s={Secret}";
        return ViewerSecret is null ? url : url + $"&vs={ViewerSecret}";
    }

    /// <summary>
    /// Reads an invitation back from its URL (the pages do the same in JavaScript). A camera
    /// invitation must carry <c>vs</c>; a viewer invitation must not.
    /// </summary>
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
            || fields.GetValueOrDefault("s") is not { } secret || !IsSecret(secret))
        {
            return false;
        }

        var viewerSecret = fields.GetValueOrDefault("vs");
        if (role == Pairing.Camera ? viewerSecret is null || !IsSecret(viewerSecret) : viewerSecret is not null)
        {
            return false;
        }

        invitation = new Invitation(room, role, secret, viewerSecret);
        return true;
    }

    private static bool IsSecret(string text) => Base64Url.TryDecode(text, out var bytes) && bytes.Length == Pairing.SecretLength;
}
