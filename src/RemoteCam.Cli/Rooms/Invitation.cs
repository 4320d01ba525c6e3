namespace RemoteCam.Cli.Rooms;

/// <summary>
/// An invitation URL (docs/pairing.md). A room-wide invitation (format 1):
/// <c>&lt;base&gt;/join.html#v=1&amp;room=&lt;id&gt;&amp;role=viewer&amp;s=&lt;viewer secret&gt;</c>, or for a camera
/// <c>…&amp;role=camera&amp;s=&lt;camera secret&gt;&amp;vs=&lt;viewer secret&gt;</c>. An invitation of its own (format 2):
/// <c>…#v=2&amp;room=&lt;id&gt;&amp;role=&lt;role&gt;&amp;i=&lt;invitation id&gt;&amp;s=&lt;its secret&gt;&amp;k=&lt;the room's sealing key&gt;</c>.
/// Everything is in the fragment, which browsers never send to a server. Whoever has the URL (or its QR code) can join.
/// </summary>
internal sealed record Invitation(string RoomId, string Role, string Secret, string? ViewerSecret = null, string? InviteId = null, string? SealKey = null)
{
    /// <summary>The format of room-wide invitations.</summary>
    public const int Version = 1;

    /// <summary>The format of invitations of their own (one per <c>rooms invite</c>).</summary>
    public const int OwnVersion = 2;

    public string ToUrl(Uri baseUrl)
    {
        var root = baseUrl.GetLeftPart(UriPartial.Path);
        if (!root.EndsWith('/'))
        {
            root += "/";
        }

        if (InviteId is not null)
        {
            return $"{root}join.html#v={OwnVersion}&room={RoomId}&role={Role}&i={InviteId}&s={Secret}&k={SealKey}";
        }

        var url = $"{root}join.html#v={Version}&room={RoomId}&role={Role}&s={Secret}";
        return ViewerSecret is null ? url : url + $"&vs={ViewerSecret}";
    }

    /// <summary>
    /// Reads an invitation back from its URL (the pages do the same in JavaScript). A room-wide
    /// camera invitation must carry <c>vs</c>, a viewer one must not; an invitation of its own
    /// carries <c>i</c> and <c>k</c> and never <c>vs</c>.
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
        var version = fields.GetValueOrDefault("v");
        if ((version != Version.ToString(System.Globalization.CultureInfo.InvariantCulture) && version != OwnVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
            || fields.GetValueOrDefault("room") is not { } room || !Pairing.IsRoomId(room)
            || fields.GetValueOrDefault("role") is not { } role || !Pairing.IsRole(role)
            || fields.GetValueOrDefault("s") is not { } secret || !IsSecret(secret))
        {
            return false;
        }

        var viewerSecret = fields.GetValueOrDefault("vs");
        if (version == "2")
        {
            if (fields.GetValueOrDefault("i") is not { } inviteId || !Pairing.IsInvitationId(inviteId)
                || fields.GetValueOrDefault("k") is not { } key || !IsSecret(key) || viewerSecret is not null)
            {
                return false;
            }

            invitation = new Invitation(room, role, secret, null, inviteId, key);
            return true;
        }

        if (role == Pairing.Camera ? viewerSecret is null || !IsSecret(viewerSecret) : viewerSecret is not null)
        {
            return false;
        }

        invitation = new Invitation(room, role, secret, viewerSecret);
        return true;
    }

    private static bool IsSecret(string text) => Base64Url.TryDecode(text, out var bytes) && bytes.Length == Pairing.SecretLength;
}
