using System.Buffers.Text;
using System.Text;
using System.Text.Json;

using RemoteCam.Cli.Clips;

namespace RemoteCam.Cli.Tests.Clips;

/// <summary>
/// The C# clip format against docs/clips.vectors.json (made by an independent implementation on Node's
/// crypto; the pages' clip.ts opens the same file in web/test/clips.mjs): sealing with the vectors' IVs
/// gives the documented bytes, opening gives the plaintext back, every tampered case is refused.
/// </summary>
public sealed class ClipVectorTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "clips.vectors.json"))).RootElement;

    private static ClipKeys Keys => new(Base64Url.DecodeFromChars(Vectors.GetProperty("secret").GetString()), Vectors.GetProperty("room").GetString()!);

    private static string Camera => Vectors.GetProperty("camera").GetString()!;

    [Fact]
    public void The_path_key_matches_the_vector()
    {
        Assert.Equal(Vectors.GetProperty("pathKey").GetString(), Keys.PathKey);
        Assert.NotEqual(Keys.PathKey, new ClipKeys(Base64Url.DecodeFromChars(Vectors.GetProperty("secret").GetString()), "BAAAAAAAAAAAAAAAAAAA").PathKey);
    }

    [Fact]
    public void Chunks_seal_to_the_documented_bytes_and_open_back()
    {
        var keys = Keys;
        foreach (var v in Vectors.GetProperty("chunks").EnumerateArray())
        {
            var plain = Plain(v);
            var clip = v.GetProperty("clip").GetString()!;
            var n = v.GetProperty("n").GetInt32();
            var last = v.GetProperty("last").GetBoolean();
            var expected = Base64Url.DecodeFromChars(v.GetProperty("sealed").GetString());
            var sealedChunk = keys.SealChunk(Camera, clip, n, last, plain, Convert.FromHexString(v.GetProperty("iv").GetString()!));
            Assert.True(expected.AsSpan().SequenceEqual(sealedChunk), v.GetProperty("name").GetString());
            Assert.Equal(plain, keys.OpenChunk(Camera, clip, n, last, expected));
            Assert.Equal(plain.Length + ClipKeys.Overhead, expected.Length);
        }
    }

    [Fact]
    public void The_entry_and_thumbnail_seal_to_the_documented_text_and_open_back()
    {
        var keys = Keys;
        var e = Vectors.GetProperty("entry");
        var clip = e.GetProperty("clip").GetString()!;
        var entry = JsonSerializer.Deserialize(e.GetProperty("json").GetString()!, ClipJson.Default.ClipEntry)!;
        Assert.Equal(e.GetProperty("json").GetString(), Encoding.UTF8.GetString(entry.ToJson()));
        Assert.Equal(e.GetProperty("sealed").GetString(), keys.SealEntry(entry, Convert.FromHexString(e.GetProperty("iv").GetString()!)));
        var opened = keys.OpenEntry(Camera, clip, e.GetProperty("sealed").GetString()!);
        Assert.Equal(entry, opened);
        Assert.Equal(("motion", 2, 263144L, 4200L), (opened.Reason, opened.Chunks, opened.Bytes, opened.DurationMs));

        var t = Vectors.GetProperty("thumb");
        var jpeg = Convert.FromHexString(t.GetProperty("jpegHex").GetString()!);
        Assert.Equal(t.GetProperty("sealed").GetString(), keys.SealThumb(Camera, clip, jpeg, Convert.FromHexString(t.GetProperty("iv").GetString()!)));
        Assert.Equal(jpeg, keys.OpenThumb(Camera, clip, t.GetProperty("sealed").GetString()!));
    }

    [Fact]
    public void Every_tampered_case_is_refused_with_a_clip_error()
    {
        var keys = Keys;
        var chunks = Vectors.GetProperty("chunks");
        var count = 0;
        foreach (var v in Vectors.GetProperty("tampered").EnumerateArray())
        {
            var name = v.GetProperty("name").GetString()!;
            var camera = v.TryGetProperty("camera", out var c) ? c.GetString()! : Camera;
            var clip = v.GetProperty("clip").GetString()!;
            var text = v.TryGetProperty("sealedAs", out var from) ? chunks[from.GetInt32()].GetProperty("sealed").GetString()! : v.GetProperty("sealed").GetString()!;
            Action open = v.GetProperty("kind").GetString() switch
            {
                "chunk" => () => keys.OpenChunk(camera, clip, v.GetProperty("n").GetInt32(), v.GetProperty("last").GetBoolean(), Base64Url.DecodeFromChars(text)),
                "entry" => () => keys.OpenEntry(camera, clip, text),
                "thumb" => () => keys.OpenThumb(camera, clip, text),
                var kind => throw new InvalidOperationException(kind),
            };
            var error = Assert.Throws<ClipFormatException>(open);
            Assert.False(string.IsNullOrEmpty(error.Message), name);
            count++;
        }

        Assert.True(count >= 10, "the vectors hold the whole tamper matrix");
    }

    [Fact]
    public void Sealing_refuses_chunks_of_the_wrong_size_and_numbers_out_of_range()
    {
        var keys = Keys;
        Assert.Throws<ClipFormatException>(() => keys.SealChunk(Camera, "c1", 0, false, new byte[1000]));
        Assert.Throws<ClipFormatException>(() => keys.SealChunk(Camera, "c1", 0, true, new byte[ClipKeys.ChunkBytes + 1]));
        Assert.Throws<ClipFormatException>(() => keys.SealChunk(Camera, "c1", 0, true, []));
        Assert.Throws<ClipFormatException>(() => keys.SealChunk(Camera, "c1", ClipKeys.MaxChunks, true, new byte[5]));
        Assert.Throws<ClipFormatException>(() => keys.SealChunk("cam|x", "c1", 0, true, new byte[5]));
        var id = ClipKeys.NewClipId(1765000000000);
        Assert.Matches("^1765000000000-[A-Za-z0-9_-]{10}$", id);
        Assert.True(string.CompareOrdinal(ClipKeys.NewClipId(999), ClipKeys.NewClipId(1000)) < 0);
    }

    private static byte[] Plain(JsonElement v)
    {
        if (v.TryGetProperty("plainText", out var text))
        {
            return Encoding.UTF8.GetBytes(text.GetString()!);
        }

        var p = v.GetProperty("plain");
        var (length, mul, add) = (p.GetProperty("length").GetInt32(), p.GetProperty("mul").GetInt32(), p.GetProperty("add").GetInt32());
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * mul) + add);
        }

        return bytes;
    }
}
