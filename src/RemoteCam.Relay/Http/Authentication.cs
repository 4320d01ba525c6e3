using System.Net;
using System.Text.Json;

using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Auth;

namespace RemoteCam.Relay.Http;

/// <summary>
/// Works out who a request is from: <c>auth=</c>, <c>access_token=</c> or
/// <c>Authorization: Bearer</c>. The emulator's <c>owner</c> token is admin only from a loopback
/// address, so nobody on a LAN can claim it, and only when the request does not come from a web
/// page of another site (an <c>Origin</c> header other than the relay's own), so a page the owner
/// happens to open in a browser on the relay's machine cannot claim it either; from elsewhere the
/// admin key (kept in the data directory) is admin. Any other token must be an ID token this relay signed (or, when the
/// relay accepts them, an unsigned emulator token).
/// </summary>
internal sealed class Authentication(AuthService auth, TimeProvider time)
{
    public const string OwnerToken = "owner";

    public static string? TokenOf(HttpRequest request)
    {
        if (request.Query.TryGetValue("auth", out var value) && !string.IsNullOrEmpty(value))
        {
            return value.ToString();
        }

        if (request.Query.TryGetValue("access_token", out var access) && !string.IsNullOrEmpty(access))
        {
            return access.ToString();
        }

        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return null;
    }

    /// <summary>The identity, or null with the 401 message to answer.</summary>
    public Identity? Identify(HttpContext context, out string error)
    {
        error = "";
        var token = TokenOf(context.Request);
        if (token is null)
        {
            return Identity.Anonymous;
        }

        var who = IdentifyToken(token, OwnerAllowed(context), out error);
        return who is { IsAdmin: true } ? ActingAs(context.Request) ?? who : who;
    }

    /// <summary>
    /// The identity a token gives: admin for <c>owner</c> (only when <paramref name="ownerAllowed"/>,
    /// see <see cref="OwnerAllowed"/>) or the admin key, else a verified ID token; null with the message when refused.
    /// Used by REST and by the WebSocket protocol's <c>auth</c>/<c>gauth</c>.
    /// </summary>
    public Identity? IdentifyToken(string token, bool ownerAllowed, out string error)
    {
        error = "";
        if ((token == OwnerToken && ownerAllowed) || auth.IsAdminKey(token))
        {
            return Identity.Admin;
        }

        var check = auth.Tokens.Verify(token, time.GetUtcNow().ToUnixTimeSeconds());
        switch (check.Status)
        {
            case TokenStatus.Valid:
                return new Identity(false, check.Uid, check.Provider, check.Claims, check.ExpiresAtSeconds);
            case TokenStatus.Expired:
                error = Errors.ExpiredToken;
                return null;
            default:
                error = Errors.InvalidToken;
                return null;
        }
    }

    public static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    /// <summary>
    /// Whether the emulator's <c>owner</c> token may be admin for this request (REST or the WebSocket
    /// upgrade): from a loopback address, and without an <c>Origin</c> of another site. Programs (the
    /// CLI, the Admin SDK) send no Origin; a browser always does for cross-site requests, so a foreign
    /// page that tries <c>auth=owner</c> against 127.0.0.1 is treated as that token being invalid.
    /// </summary>
    public static bool OwnerAllowed(HttpContext context) =>
        IsLoopback(context.Connection.RemoteIpAddress) && IsSameOrigin(context.Request);

    /// <summary>No <c>Origin</c> header, or the one of the relay itself (scheme, host and port of this request).</summary>
    public static bool IsSameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !request.Host.HasValue)
        {
            return false;
        }

        var scheme = request.Scheme;
        return string.Equals(uri.Scheme, scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, new Uri($"{scheme}://{request.Host.Value}").Authority, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The Admin SDK's <c>auth_variable_override</c>: an admin acting as a given auth (or as nobody with null).</summary>
    private static Identity? ActingAs(HttpRequest request)
    {
        if (!request.Query.TryGetValue("auth_variable_override", out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(value.ToString());
            return ActingAs(document.RootElement);
        }
        catch (JsonException)
        {
            return Identity.Anonymous;
        }
    }

    /// <summary>An auth object an admin acts as (<c>auth_variable_override</c>, <c>gauth</c>'s <c>authvar</c>); not an object: nobody.</summary>
    public static Identity ActingAs(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Identity.Anonymous;
        }

        var uid = root.TryGetProperty("uid", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        var provider = root.TryGetProperty("provider", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return new Identity(false, uid, provider, root.Clone());
    }
}
