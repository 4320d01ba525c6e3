using System.Net;
using System.Text.Json;

using Microsoft.AspNetCore.Http;

using RemoteCam.Relay.Access;

namespace RemoteCam.Relay.Http;

/// <summary>
/// Works out who a request is from: <c>auth=</c>, <c>access_token=</c> or
/// <c>Authorization: Bearer</c>. The emulator's <c>owner</c> token is admin, but only from a
/// loopback address, so nobody on a LAN can claim it.
/// </summary>
internal static class Authentication
{
    public const string OwnerToken = "owner";

    public static string? TokenOf(HttpRequest request)
    {
        if (request.Query.TryGetValue("auth", out var auth) && !string.IsNullOrEmpty(auth))
        {
            return auth.ToString();
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

    public static Identity Identify(HttpContext context)
    {
        var token = TokenOf(context.Request);
        if (token is null)
        {
            return Identity.Anonymous;
        }

        if (token == OwnerToken && IsLoopback(context.Connection.RemoteIpAddress))
        {
            return ActingAs(context.Request) ?? Identity.Admin;
        }

        // Token verification (ID tokens, admin key) comes with the security rules engine.
        return Identity.Anonymous;
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
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Identity.Anonymous;
            }

            var uid = root.TryGetProperty("uid", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            var provider = root.TryGetProperty("provider", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            return new Identity(false, uid, provider, root.Clone());
        }
        catch (JsonException)
        {
            return Identity.Anonymous;
        }
    }
}