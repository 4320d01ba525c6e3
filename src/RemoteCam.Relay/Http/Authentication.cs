using System.Net;
using System.Text.Json;

using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Access;
using RemoteCam.Relay.Auth;

namespace RemoteCam.Relay.Http;

/// <summary>
/// Works out who a request is from: <c>auth=</c>, <c>access_token=</c> or
/// <c>Authorization: Bearer</c>. The emulator's <c>owner</c> token is admin only from a loopback
/// address, so nobody on a LAN can claim it; from elsewhere the admin key (kept in the data
/// directory) is admin. Any other token must be an ID token this relay signed (or, when the
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

        var who = IdentifyToken(token, context.Connection.RemoteIpAddress, out error);
        return who is { IsAdmin: true } ? ActingAs(context.Request) ?? who : who;
    }

    /// <summary>
    /// The identity a token gives from <paramref name="remote"/>: admin for <c>owner</c> (loopback
    /// only) or the admin key, else a verified ID token; null with the message when refused.
    /// Used by REST and by the WebSocket protocol's <c>auth</c>/<c>gauth</c>.
    /// </summary>
    public Identity? IdentifyToken(string token, IPAddress? remote, out string error)
    {
        error = "";
        if ((token == OwnerToken && IsLoopback(remote)) || auth.IsAdminKey(token))
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
