using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// The sealed envelope of docs/protocol.md, written out here independently of the pages, so the
/// tests check the pages against the documented format rather than against themselves.
/// </summary>
internal static partial class SealedEnvelope
{
    /// <summary><c>"1." + base64url(12-byte iv) + "." + base64url(ciphertext and 16-byte tag)</c>, no padding.</summary>
    public static bool IsSealed(string value) => Shape().IsMatch(value);

    /// <summary>Opens a message of slot <paramref name="dir"/>/<paramref name="n"/>; throws if any bound field or byte differs.</summary>
    public static string Open(string value, byte[] viewerSecret, string roomId, string cameraUid, string callId, string dir, int n) =>
        Encoding.UTF8.GetString(OpenWith(value, viewerSecret, roomId, $"{roomId}|{cameraUid}|{callId}|{dir}|{n}"));

    /// <summary>Opens a camera's still picture number <paramref name="n"/> (the JPEG's bytes); throws if any bound field or byte differs.</summary>
    public static byte[] OpenStill(string value, byte[] viewerSecret, string roomId, string cameraUid, long n) =>
        OpenWith(value, viewerSecret, roomId, $"{roomId}|stills|{cameraUid}|{n.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>The envelope: key from the viewer secret and room; associated data "remotecam-seal-v1|" + <paramref name="bound"/>.</summary>
    private static byte[] OpenWith(string value, byte[] viewerSecret, string roomId, string bound)
    {
        Assert.True(IsSealed(value), $"not a sealed value: {value[..Math.Min(80, value.Length)]}");
        var parts = value.Split('.');
        var iv = Base64Url.DecodeFromChars(parts[1]);
        var sealedBytes = Base64Url.DecodeFromChars(parts[2]);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, viewerSecret, 32, Encoding.UTF8.GetBytes("remotecam-seal-v1"), Encoding.UTF8.GetBytes("room|" + roomId));
        using var aes = new AesGcm(key, 16);
        var plaintext = new byte[sealedBytes.Length - 16];
        aes.Decrypt(iv, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), plaintext, Encoding.UTF8.GetBytes("remotecam-seal-v1|" + bound));
        return plaintext;
    }

    /// <summary>A field of an invitation URL's fragment, e.g. <c>s</c> (docs/pairing.md).</summary>
    public static string FragmentField(string invitationUrl, string name)
    {
        var fragment = invitationUrl[(invitationUrl.IndexOf('#', StringComparison.Ordinal) + 1)..];
        var pair = fragment.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == name);
        Assert.True(pair is not null, $"the invitation has no '{name}' field");
        return Uri.UnescapeDataString(pair[1]);
    }

    [GeneratedRegex("^1\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{22,}$")]
    private static partial Regex Shape();
}
