using System.Buffers.Text;
using System.Text;
using System.Text.Json;

using RemoteCam.Cli.Clips;
using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The pages' clip format (web/src/lib/clip.ts, run by Node in web/test/clips.mjs) against docs/clips.vectors.json,
/// the vectors ClipVectorTests holds the C# side to; and what the pages seal opens in C#, as <c>remotecam clips pull</c> reads it.
/// </summary>
public sealed class ClipVectorWebTests
{
    [Fact]
    public async Task The_pages_clip_format_matches_the_vectors_and_the_CLI_opens_what_the_pages_seal()
    {
        var output = Path.Combine(Path.GetTempPath(), "remotecam-clips-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            await NodeScript.RunWithAsync(
                "clips.mjs",
                [output],
                "clip vectors: path key",
                "clip vectors: every chunk opens to its plaintext",
                "clip vectors: entry and thumbnail open",
                "clip vectors: every tampered case is refused",
                "clip: sealing round trips with fresh IVs and the documented layout",
                "clip: chunk sizes and numbers outside the format are refused");
            var vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Folder, "docs", "clips.vectors.json"))).RootElement;
            var byPages = JsonDocument.Parse(File.ReadAllText(output)).RootElement;
            var keys = new ClipKeys(Base64Url.DecodeFromChars(vectors.GetProperty("secret").GetString()), vectors.GetProperty("room").GetString()!);
            var camera = vectors.GetProperty("camera").GetString()!;
            var clip = vectors.GetProperty("entry").GetProperty("clip").GetString()!;
            byte[] Chunk(string name) => Base64Url.DecodeFromChars(byPages.GetProperty(name).GetString());

            var chunk0 = keys.OpenChunk(camera, clip, 0, false, Chunk("chunk0"));
            Assert.Equal(262144, chunk0.Length);
            Assert.Equal(unchecked((byte)((12345 * 131) + 7)), chunk0[12345]);
            Assert.Equal(1000, keys.OpenChunk(camera, clip, 1, true, Chunk("chunk1")).Length);
            Assert.Throws<ClipFormatException>(() => keys.OpenChunk(camera, clip, 1, false, Chunk("chunk1")));
            var entry = keys.OpenEntry(camera, clip, byPages.GetProperty("entry").GetString()!);
            Assert.Equal(vectors.GetProperty("entry").GetProperty("json").GetString(), Encoding.UTF8.GetString(entry.ToJson()));
            Assert.Equal(vectors.GetProperty("thumb").GetProperty("jpegHex").GetString(), Convert.ToHexStringLower(keys.OpenThumb(camera, clip, byPages.GetProperty("thumb").GetString()!)));
        }
        finally
        {
            File.Delete(output);
        }
    }
}
