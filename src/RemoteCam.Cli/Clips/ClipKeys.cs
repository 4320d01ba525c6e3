using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RemoteCam.Cli.Clips;

/// <summary>A clip part that is malformed, tampered with, moved, truncated or foreign.</summary>
internal sealed class ClipFormatException(string message) : Exception(message);

/// <summary>
/// The sealed clip format of docs/clips.md, the twin of web/src/lib/clip.ts: per-clip AES-256-GCM keys
/// from HKDF-SHA256 over the room's viewer secret (salt <c>remotecam-clips-v1</c>, info
/// <c>clip|room|camera|clip</c>); chunks sealed as version | IV | ciphertext | tag with associated data
/// binding room, camera, clip, chunk number and the last-chunk flag; index entries and thumbnails
/// sealed as <c>1.iv.ciphertext</c> text. docs/clips.vectors.json pins both sides down.
/// </summary>
internal sealed partial class ClipKeys
{
    public const int ChunkBytes = 262144;
    public const int MaxChunks = 4096;
    public const int ThumbChars = 120000;
    public const int Overhead = 1 + IvLength + TagLength;

    private const string Label = "remotecam-clips-v1";
    private const byte Version = 1;
    private const int IvLength = 12;
    private const int TagLength = 16;

    private readonly byte[] secret;
    private readonly string roomId;
    private readonly Dictionary<string, byte[]> keys = new(StringComparer.Ordinal);

    public ClipKeys(ReadOnlySpan<byte> viewerSecret, string roomId)
    {
        CheckId(roomId, "room");
        secret = viewerSecret.ToArray();
        this.roomId = roomId;
        PathKey = Base64Url.EncodeToString(Derive("path|" + roomId, 16));
    }

    /// <summary>For bucket/relay object names: <c>clips/{pathKey}/{camera}/{clip}/{n}</c>.</summary>
    public string PathKey { get; }

    /// <summary>A clip id: the start time in 13 digits (ids sort by time), "-", 10 random base64url characters.</summary>
    public static string NewClipId(long startMs) =>
        Math.Max(0, startMs).ToString("D13", System.Globalization.CultureInfo.InvariantCulture) + "-" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(8))[..10];

    public byte[] SealChunk(string camera, string clip, int n, bool last, ReadOnlySpan<byte> plain) =>
        SealChunk(camera, clip, n, last, plain, RandomNumberGenerator.GetBytes(IvLength));

    /// <summary>Seals with a given IV: only for the test vectors (an IV must never repeat under a key).</summary>
    public byte[] SealChunk(string camera, string clip, int n, bool last, ReadOnlySpan<byte> plain, ReadOnlySpan<byte> iv)
    {
        var aad = ChunkAad(camera, clip, n, last);
        CheckSize(n, last, plain.Length);
        var output = new byte[Overhead + plain.Length];
        output[0] = Version;
        iv.CopyTo(output.AsSpan(1, IvLength));
        using var aes = new AesGcm(Key(camera, clip), TagLength);
        aes.Encrypt(iv, plain, output.AsSpan(1 + IvLength, plain.Length), output.AsSpan(1 + IvLength + plain.Length), aad);
        return output;
    }

    public byte[] OpenChunk(string camera, string clip, int n, bool last, ReadOnlySpan<byte> sealedChunk)
    {
        var aad = ChunkAad(camera, clip, n, last);
        if (sealedChunk.Length < Overhead || sealedChunk[0] != Version)
        {
            throw new ClipFormatException($"chunk {n} of clip {clip} is not a sealed clip chunk");
        }

        var length = sealedChunk.Length - Overhead;
        CheckSize(n, last, length);
        var plain = new byte[length];
        using var aes = new AesGcm(Key(camera, clip), TagLength);
        try
        {
            aes.Decrypt(sealedChunk.Slice(1, IvLength), sealedChunk.Slice(1 + IvLength, length), sealedChunk[(1 + IvLength + length)..], plain, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new ClipFormatException($"chunk {n} of clip {clip} does not open: altered, moved, from another clip, or not the last one");
        }

        return plain;
    }

    public string SealEntry(ClipEntry entry) => SealEntry(entry, RandomNumberGenerator.GetBytes(IvLength));

    /// <summary>Seals with a given IV: only for the test vectors.</summary>
    public string SealEntry(ClipEntry entry, ReadOnlySpan<byte> iv)
    {
        entry.Check();
        return SealText(Key(entry.Camera, entry.Clip), TextAad("entry", entry.Camera, entry.Clip), entry.ToJson(), iv);
    }

    public ClipEntry OpenEntry(string camera, string clip, string text)
    {
        var plain = OpenText(Key(camera, clip), TextAad("entry", camera, clip), text, $"index entry of clip {clip}");
        ClipEntry? entry;
        try
        {
            entry = JsonSerializer.Deserialize(plain, ClipJson.Default.ClipEntry);
        }
        catch (JsonException)
        {
            throw new ClipFormatException($"index entry of clip {clip} is not JSON");
        }

        if (entry is null)
        {
            throw new ClipFormatException($"index entry of clip {clip} is not JSON");
        }

        entry.Check();
        if (entry.Camera != camera || entry.Clip != clip)
        {
            throw new ClipFormatException($"index entry of clip {clip} names another clip");
        }

        return entry;
    }

    public string SealThumb(string camera, string clip, ReadOnlySpan<byte> jpeg) => SealThumb(camera, clip, jpeg, RandomNumberGenerator.GetBytes(IvLength));

    /// <summary>Seals with a given IV: only for the test vectors.</summary>
    public string SealThumb(string camera, string clip, ReadOnlySpan<byte> jpeg, ReadOnlySpan<byte> iv)
    {
        var text = SealText(Key(camera, clip), TextAad("thumb", camera, clip), jpeg, iv);
        return text.Length <= ThumbChars ? text
            : throw new ClipFormatException($"thumbnail is {jpeg.Length} bytes; sealed it must stay within {ThumbChars} characters (about 89 KB)");
    }

    public byte[] OpenThumb(string camera, string clip, string text) =>
        OpenText(Key(camera, clip), TextAad("thumb", camera, clip), text, $"thumbnail of clip {clip}");

    internal static void CheckId(string id, string what)
    {
        if (!IdPattern().IsMatch(id))
        {
            throw new ClipFormatException($"{what} id \"{id}\" is not 1…128 base64url characters");
        }
    }

    private static void CheckSize(int n, bool last, int length)
    {
        if (last ? length is < 1 or > ChunkBytes : length != ChunkBytes)
        {
            throw new ClipFormatException($"chunk {n} has {length} bytes; every chunk but the last has {ChunkBytes}, the last 1…{ChunkBytes}");
        }
    }

    private byte[] ChunkAad(string camera, string clip, int n, bool last)
    {
        if (n is < 0 or >= MaxChunks)
        {
            throw new ClipFormatException($"chunk number {n} is outside 0…{MaxChunks - 1}");
        }

        return Encoding.UTF8.GetBytes($"{Label}|chunk|{roomId}|{camera}|{clip}|{n}|{(last ? '1' : '0')}");
    }

    private byte[] TextAad(string kind, string camera, string clip) => Encoding.UTF8.GetBytes($"{Label}|{kind}|{roomId}|{camera}|{clip}");

    private byte[] Key(string camera, string clip)
    {
        CheckId(camera, "camera");
        CheckId(clip, "clip");
        var name = camera + "|" + clip;
        lock (keys)
        {
            if (!keys.TryGetValue(name, out var key))
            {
                if (keys.Count >= 64)
                {
                    keys.Clear();
                }

                key = Derive("clip|" + roomId + "|" + name, 32);
                keys[name] = key;
            }

            return key;
        }
    }

    private byte[] Derive(string info, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, length, Encoding.UTF8.GetBytes(Label), Encoding.UTF8.GetBytes(info));

    private static string SealText(byte[] key, byte[] aad, ReadOnlySpan<byte> plain, ReadOnlySpan<byte> iv)
    {
        var output = new byte[plain.Length + TagLength];
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(iv, plain, output.AsSpan(0, plain.Length), output.AsSpan(plain.Length), aad);
        return "1." + Base64Url.EncodeToString(iv) + "." + Base64Url.EncodeToString(output);
    }

    private static byte[] OpenText(byte[] key, byte[] aad, string text, string what)
    {
        var parts = text.Split('.');
        if (parts.Length != 3 || parts[0] != "1" || !TryDecode(parts[1], out var iv) || iv.Length != IvLength
            || !TryDecode(parts[2], out var sealedBytes) || sealedBytes.Length < TagLength)
        {
            throw new ClipFormatException($"{what} is not sealed text");
        }

        var plain = new byte[sealedBytes.Length - TagLength];
        using var aes = new AesGcm(key, TagLength);
        try
        {
            aes.Decrypt(iv, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), plain, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new ClipFormatException($"{what} does not open with this room key: altered or moved");
        }

        return plain;
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (!Base64Url.IsValid(text))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex IdPattern();
}
