using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Relay.Auth;

/// <summary>
/// Issues and verifies ID tokens: JWTs with Firebase's claims (iss, aud, sub, user_id,
/// auth_time, iat, exp, provider_id, firebase.sign_in_provider), one hour long, signed with
/// HS256 by a key only this relay holds. Unsigned (<c>alg: none</c>) tokens, which Firebase's
/// emulators accept, pass only when the relay is told to accept them.
/// </summary>
internal sealed class TokenService(byte[] key, string projectId, bool acceptUnsigned)
{
    public const int LifetimeSeconds = 3600;

    /// <summary>Tolerated clock difference when checking iat.</summary>
    private const int ClockSkewSeconds = 300;

    public string ProjectId { get; } = projectId;

    public string Issue(string uid, string provider, long authTimeSeconds, long nowSeconds)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT", kid = "remotecam" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = "https://securetoken.google.com/" + ProjectId,
            ["aud"] = ProjectId,
            ["auth_time"] = authTimeSeconds,
            ["user_id"] = uid,
            ["sub"] = uid,
            ["iat"] = nowSeconds,
            ["exp"] = nowSeconds + LifetimeSeconds,
            ["provider_id"] = provider,
            ["firebase"] = new Dictionary<string, object>
            {
                ["identities"] = new Dictionary<string, object>(),
                ["sign_in_provider"] = provider,
            },
        }));
        var signed = header + "." + payload;
        return signed + "." + Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signed)));
    }

    public TokenCheck Verify(string token, long nowSeconds)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return TokenCheck.Invalid;
        }

        JsonElement header, claims;
        try
        {
            header = ParseJson(parts[0]);
            claims = ParseJson(parts[1]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return TokenCheck.Invalid;
        }

        var alg = header.ValueKind == JsonValueKind.Object && header.TryGetProperty("alg", out var a) ? a.GetString() : null;
        switch (alg)
        {
            case "HS256":
                var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
                byte[] actual;
                try
                {
                    actual = FromBase64Url(parts[2]);
                }
                catch (FormatException)
                {
                    return TokenCheck.Invalid;
                }

                if (!CryptographicOperations.FixedTimeEquals(expected, actual))
                {
                    return TokenCheck.Invalid;
                }

                break;
            case "none" when acceptUnsigned:
                break;
            default:
                return TokenCheck.Invalid;
        }

        if (claims.ValueKind != JsonValueKind.Object)
        {
            return TokenCheck.Invalid;
        }

        var uid = String(claims, "user_id") ?? String(claims, "sub");
        var exp = Number(claims, "exp");
        if (string.IsNullOrEmpty(uid) || uid.Length > 128 || (exp is null && alg == "HS256"))
        {
            return TokenCheck.Invalid;
        }

        var provider = claims.TryGetProperty("firebase", out var firebase) && firebase.ValueKind == JsonValueKind.Object
            ? String(firebase, "sign_in_provider")
            : null;
        provider = String(claims, "provider_id") ?? provider ?? "custom";
        if (alg == "none")
        {
            // As the emulators: an unsigned token's times are not checked (the SDKs' mockUserToken
            // says iat 0, exp 3600, i.e. 1970), so it never expires.
            return new TokenCheck(TokenStatus.Valid, uid, provider, claims, 0);
        }

        // Signed tokens must be ours: for this project, and not from the future.
        if (alg == "HS256" && (String(claims, "aud") != ProjectId || Number(claims, "iat") > nowSeconds + ClockSkewSeconds))
        {
            return TokenCheck.Invalid;
        }

        if (exp <= nowSeconds)
        {
            return TokenCheck.Expired;
        }

        return new TokenCheck(TokenStatus.Valid, uid, provider, claims, exp!.Value);
    }

    private static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    private static JsonElement ParseJson(string base64Url)
    {
        using var document = JsonDocument.Parse(FromBase64Url(base64Url));
        return document.RootElement.Clone();
    }

    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch
        {
            2 => "==",
            3 => "=",
            0 => "",
            _ => throw new FormatException("Invalid base64url length."),
        };
        return Convert.FromBase64String(s);
    }
}

internal enum TokenStatus
{
    Valid,
    Expired,
    Invalid,
}

/// <summary>The result of checking a token; the claims become <c>auth.token</c> in rules.</summary>
internal sealed record TokenCheck(TokenStatus Status, string? Uid = null, string? Provider = null, JsonElement? Claims = null, long ExpiresAtSeconds = 0)
{
    public static readonly TokenCheck Invalid = new(TokenStatus.Invalid);

    public static readonly TokenCheck Expired = new(TokenStatus.Expired);
}
