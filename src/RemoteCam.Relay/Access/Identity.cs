using System.Text.Json;

namespace RemoteCam.Relay.Access;

/// <summary>
/// Who is making a request: the admin, a signed-in user (auth in rules), or nobody (auth == null).
/// <paramref name="ExpiresAtSeconds"/> is when the user's token expires (0: never), after which
/// an open stream gets <c>auth_revoked</c>.
/// </summary>
internal sealed record Identity(bool IsAdmin, string? Uid, string? Provider, JsonElement? Claims, long ExpiresAtSeconds = 0)
{
    public static readonly Identity Admin = new(true, null, null, null);

    public static readonly Identity Anonymous = new(false, null, null, null);

    public bool IsSignedIn => Uid is not null;
}
