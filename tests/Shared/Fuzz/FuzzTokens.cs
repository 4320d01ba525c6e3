using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RemoteCam.Fuzz;

internal enum TokenKind
{
    /// <summary>Signed by the relay, for its project, not expired.</summary>
    Valid,

    /// <summary>Signed by the relay, expired an hour ago.</summary>
    Expired,

    /// <summary>HS256 with another key, or the relay's signature over another payload.</summary>
    Forged,

    /// <summary><c>alg: none</c>, as the Auth emulator issues (refused unless the relay accepts unsigned tokens).</summary>
    Unsigned,

    /// <summary>Signed by the relay but for another project, issued in the future, or RS256 from "Google".</summary>
    Foreign,

    /// <summary>Not a JWT at all, or a broken one.</summary>
    Garbage,
}

/// <summary>
/// ID tokens of every kind a client could send. The valid and expired ones are signed with the
/// relay's own key (<c>DATA/.auth/signing.key</c>), so the relay's verdict is known in advance.
/// </summary>
internal sealed class FuzzTokens(byte[] signingKey, string projectId)
{
    private static readonly TokenKind[] Kinds = Enum.GetValues<TokenKind>();
    private static readonly byte[] OtherKey = SHA256.HashData("not the relay's key"u8);
    private static readonly RSA Google = RSA.Create(2048);

    /// <summary>The key as the relay keeps it: hex in <c>DATA/.auth/signing.key</c>.</summary>
    public static FuzzTokens FromDataDirectory(string dataDirectory, string projectId = "demo-remotecam") =>
        new(Convert.FromHexString(File.ReadAllText(Path.Combine(dataDirectory, ".auth", "signing.key")).Trim()), projectId);

    public (string Token, TokenKind Kind) Any(Random random)
    {
        var kind = Kinds[random.Next(Kinds.Length)];
        return (Make(random, kind), kind);
    }

    public string Make(Random random, TokenKind kind)
    {
        var uid = "fuzz-" + random.Next(20).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        switch (kind)
        {
            case TokenKind.Valid:
                return Hs256(signingKey, Claims(uid, projectId, now, now + 3600));
            case TokenKind.Expired:
                return Hs256(signingKey, Claims(uid, projectId, now - 7200, now - random.Next(1, 3600)));
            case TokenKind.Forged:
                if (random.Next(2) == 0)
                {
                    return Hs256(OtherKey, Claims(uid, projectId, now, now + 3600));
                }

                // The relay's signature, over a payload changed afterwards (another uid).
                var parts = Hs256(signingKey, Claims(uid, projectId, now, now + 3600)).Split('.');
                return $"{parts[0]}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(Claims("someone-else", projectId, now, now + 3600)))}.{parts[2]}";
            case TokenKind.Unsigned:
                return $"{Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8)}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(Claims(uid, projectId, now, now + 3600)))}.";
            case TokenKind.Foreign:
                return random.Next(3) switch
                {
                    0 => Hs256(signingKey, Claims(uid, "another-project", now, now + 3600)),
                    1 => Hs256(signingKey, Claims(uid, projectId, now + 3600, now + 7200)),
                    _ => Rs256(Claims(uid, projectId, now, now + 3600)),
                };
            default:
                return Garbage(random);
        }
    }

    private static Dictionary<string, object> Claims(string uid, string project, long issuedAt, long expires) => new()
    {
        ["iss"] = "https://securetoken.google.com/" + project,
        ["aud"] = project,
        ["auth_time"] = issuedAt,
        ["user_id"] = uid,
        ["sub"] = uid,
        ["iat"] = issuedAt,
        ["exp"] = expires,
        ["provider_id"] = "anonymous",
        ["firebase"] = new Dictionary<string, object> { ["identities"] = new Dictionary<string, object>(), ["sign_in_provider"] = "anonymous" },
    };

    private static string Hs256(byte[] key, Dictionary<string, object> claims)
    {
        var signed = $"{Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"remotecam\"}"u8)}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        return signed + "." + Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signed)));
    }

    private static string Rs256(Dictionary<string, object> claims)
    {
        var signed = $"{Base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"0a1b2c\"}"u8)}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        lock (Google)
        {
            return signed + "." + Base64Url(Google.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
    }

    /// <summary>Never empty and never containing "owner" (the loopback admin token, which a trimmed header would turn it into).</summary>
    private static string Garbage(Random random) => random.Next(12) switch
    {
        0 => ".",
        1 => "..",
        2 => "a.b.c",
        3 => "eyJhbGciOiJIUzI1NiJ9." + new string('A', random.Next(1, 50)) + ".x",
        4 => new string('x', random.Next(4_000, 12_000)),
        5 => Convert.ToBase64String(RandomNumberGenerator.GetBytes(random.Next(1, 300))),
        6 => "{\"alg\":\"none\"}",
        7 => "null",
        8 => "Owner",
        9 => "ü😀.日本.%00",
        10 => "Bearer x",
        _ => string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0x21, 0x7F))).Replace("owner", "own3r", StringComparison.Ordinal),
    };

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
