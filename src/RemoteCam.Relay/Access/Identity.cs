using System.Text.Json;

namespace RemoteCam.Relay.Access;

/// <summary>Who is making a request: the admin, a signed-in user, or nobody (auth == null in rules).</summary>
internal sealed record Identity(bool IsAdmin, string? Uid, string? Provider, JsonElement? Claims)
{
    public static readonly Identity Admin = new(true, null, null, null);

    public static readonly Identity Anonymous = new(false, null, null, null);

    public bool IsSignedIn => Uid is not null;
}