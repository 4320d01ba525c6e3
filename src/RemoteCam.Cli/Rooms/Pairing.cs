using System.Security.Cryptography;
using System.Text;

namespace RemoteCam.Cli.Rooms;

/// <summary>
/// Room ids, invitation secrets and the proofs the database holds (docs/pairing.md):
/// <c>proof = base64url(SHA-256(secret[32] || UTF-8("remotecam-pairing-v1|" + roomId + "|" + role)))</c>.
/// </summary>
internal static class Pairing
{
    public const string Camera = "camera";
    public const string Viewer = "viewer";
    public const int SecretLength = 32;
    private const string Context = "remotecam-pairing-v1|";
    private const string InviteContext = "remotecam-invite-v2|";

    public static IReadOnlyList<string> Roles { get; } = [Camera, Viewer];

    public static bool IsRole(string role) => role is Camera or Viewer;

    /// <summary>A new room id: 15 random bytes, 20 base64url characters.</summary>
    public static string NewRoomId() => Base64Url.Encode(RandomNumberGenerator.GetBytes(15));

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretLength);

    /// <summary>Whether <paramref name="id"/> can be a room id (base64url characters, 1–64 of them): also keeps it safe as a path segment.</summary>
    public static bool IsRoomId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');

    public static string Proof(ReadOnlySpan<byte> secret, string roomId, string role) => Hash(secret, $"{Context}{roomId}|{role}");

    /// <summary>
    /// The proof of one invitation (docs/pairing.md "Invitations one by one"):
    /// <c>base64url(SHA-256(secret[32] || UTF-8("remotecam-invite-v2|" + roomId + "|" + inviteId + "|" + role)))</c>.
    /// </summary>
    public static string InvitationProof(ReadOnlySpan<byte> secret, string roomId, string inviteId, string role) =>
        Hash(secret, $"{InviteContext}{roomId}|{inviteId}|{role}");

    /// <summary>A new invitation id: 6 random bytes, 8 base64url characters (short enough to type).</summary>
    public static string NewInvitationId() => Base64Url.Encode(RandomNumberGenerator.GetBytes(6));

    /// <summary>Whether <paramref name="id"/> can be an invitation id (8–22 base64url characters, as the rules require).</summary>
    public static bool IsInvitationId(string id) => id.Length is >= 8 and <= 22 && IsRoomId(id);

    /// <summary>
    /// The room's sealing key (docs/protocol.md): HKDF-SHA256 of the viewer secret, salt
    /// <c>"remotecam-seal-v1"</c>, info <c>"room|" + roomId</c>, 32 bytes. An invitation of its own
    /// carries this key (<c>k</c>), not the viewer secret, so it cannot be used as the room-wide viewer invitation.
    /// </summary>
    public static byte[] SealKey(ReadOnlySpan<byte> viewerSecret, string roomId) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, viewerSecret.ToArray(), 32, Encoding.UTF8.GetBytes("remotecam-seal-v1"), Encoding.UTF8.GetBytes("room|" + roomId));

    private static string Hash(ReadOnlySpan<byte> secret, string contextText)
    {
        if (secret.Length != SecretLength)
        {
            throw new ArgumentException($"an invitation secret has {SecretLength} bytes.", nameof(secret));
        }

        var context = Encoding.UTF8.GetBytes(contextText);
        var input = new byte[secret.Length + context.Length];
        secret.CopyTo(input);
        context.CopyTo(input, secret.Length);
        return Base64Url.Encode(SHA256.HashData(input));
    }
}

/// <summary>Base64url without padding (RFC 4648 §5).</summary>
internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => "!" };
        try
        {
            bytes = Convert.FromBase64String(s);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
