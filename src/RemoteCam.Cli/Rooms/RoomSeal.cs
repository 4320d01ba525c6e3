using System.Security.Cryptography;
using System.Text;

namespace RemoteCam.Cli.Rooms;

/// <summary>
/// The sealed envelope of docs/protocol.md for values the owner keeps in a room's <c>meta</c> (the ICE
/// servers): the key is the room's sealing key (HKDF-SHA256 from the viewer secret), the associated data
/// <c>"remotecam-seal-v1|" + roomId + "|meta|" + name</c>, so a value opens only as itself, in its room.
/// </summary>
internal static class RoomSeal
{
    private const int TagLength = 16;

    public static string Seal(ReadOnlySpan<byte> viewerSecret, string roomId, string name, string plaintext) =>
        SealWith(viewerSecret, roomId, Aad(roomId, name), plaintext);

    /// <summary>The plaintext, or null when <paramref name="value"/> is not sealed for this room, name and secret.</summary>
    public static string? Open(ReadOnlySpan<byte> viewerSecret, string roomId, string name, string value) =>
        OpenWith(viewerSecret, roomId, Aad(roomId, name), value);

    private static string SealWith(ReadOnlySpan<byte> viewerSecret, string roomId, byte[] aad, string plaintext)
    {
        var iv = RandomNumberGenerator.GetBytes(12);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[clear.Length + TagLength];
        using var aes = new AesGcm(Key(viewerSecret, roomId), TagLength);
        aes.Encrypt(iv, clear, sealedBytes.AsSpan(0, clear.Length), sealedBytes.AsSpan(clear.Length), aad);
        return "1." + Base64Url.Encode(iv) + "." + Base64Url.Encode(sealedBytes);
    }

    private static string? OpenWith(ReadOnlySpan<byte> viewerSecret, string roomId, byte[] aad, string value)
    {
        var parts = value.Split('.');
        if (parts.Length != 3 || parts[0] != "1" || !Base64Url.TryDecode(parts[1], out var iv) || iv.Length != 12
            || !Base64Url.TryDecode(parts[2], out var sealedBytes) || sealedBytes.Length < TagLength)
        {
            return null;
        }

        var clear = new byte[sealedBytes.Length - TagLength];
        using var aes = new AesGcm(Key(viewerSecret, roomId), TagLength);
        try
        {
            aes.Decrypt(iv, sealedBytes.AsSpan(0, clear.Length), sealedBytes.AsSpan(clear.Length), clear, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(clear);
    }

    /// <summary>A camera's settings (docs/clips.md "Settings"): associated data <c>remotecam-seal-v1|{room}|settings|{camera}</c>.</summary>
    public static string SealSettings(ReadOnlySpan<byte> viewerSecret, string roomId, string cameraUid, string json) =>
        SealWith(viewerSecret, roomId, Encoding.UTF8.GetBytes($"remotecam-seal-v1|{roomId}|settings|{cameraUid}"), json);

    /// <summary>The settings' JSON, or null when <paramref name="value"/> is not sealed for this room and camera.</summary>
    public static string? OpenSettings(ReadOnlySpan<byte> viewerSecret, string roomId, string cameraUid, string value) =>
        OpenWith(viewerSecret, roomId, Encoding.UTF8.GetBytes($"remotecam-seal-v1|{roomId}|settings|{cameraUid}"), value);

    private static byte[] Key(ReadOnlySpan<byte> viewerSecret, string roomId) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, viewerSecret.ToArray(), 32, Encoding.UTF8.GetBytes("remotecam-seal-v1"), Encoding.UTF8.GetBytes("room|" + roomId));

    private static byte[] Aad(string roomId, string name) => Encoding.UTF8.GetBytes($"remotecam-seal-v1|{roomId}|meta|{name}");
}
