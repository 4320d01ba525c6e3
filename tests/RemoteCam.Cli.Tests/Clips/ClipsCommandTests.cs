using System.Net.Http.Json;
using System.Text.Json;

using RemoteCam.Cli.Clips;
using RemoteCam.Cli.Rooms;
using RemoteCam.E2E.Tests.Infrastructure;

using Base64Url = System.Buffers.Text.Base64Url;

namespace RemoteCam.Cli.Tests.Clips;

/// <summary>
/// <c>remotecam clips</c> and <c>rooms storage</c> against a real relay: clips made by ffmpeg, sealed by the C#
/// sealer as a camera would and stored in the database target, listed, pulled back into files ffprobe
/// plays with the right duration, refused (and no file left) when tampered with or incomplete, pruned,
/// and their retention set in the cameras' sealed settings.
/// </summary>
public sealed class ClipsCommandTests : IAsyncLifetime
{
    private const string Camera = "cam1AbCd";
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xD9];
    private CliHarness cli = null!;
    private string room = "";
    private ClipKeys keys = null!;
    private byte[] viewerSecret = [];
    private HttpClient admin = null!;
    private string folder = "";

    public async Task InitializeAsync()
    {
        cli = await CliHarness.StartWithRelayProfileAsync();
        room = await cli.CreateRoomAsync();
        viewerSecret = RoomSecretsFile.Load(RoomSecretsFile.PathFor(cli.ConfigDirectory, "test", room)).Current!.SecretBytes(Pairing.Viewer);
        keys = new ClipKeys(Pairing.SealKey(viewerSecret, room), room);
        admin = cli.RelayClient(cli.Relay!.AdminKey);
        await Put($"rooms/{room}/members/{Camera}", new { role = "camera", name = "Hall", joined = 1, proof = new string('p', 43) });
        folder = Path.Combine(Path.GetTempPath(), "remotecam-clips-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    public async Task DisposeAsync()
    {
        admin.Dispose();
        await cli.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_MediaRecorder_like_WebM_without_duration_is_listed_and_pulled_into_a_file_that_plays_with_its_duration()
    {
        var webm = await MediaRecorderLikeWebmAsync(4);
        Assert.True(double.IsNaN((await Ffmpeg.ProbeAsync(Save("raw.webm", webm))).Duration), "the test clip has no Duration, like MediaRecorder's");
        var clip = await StoreAsync(webm, "video/webm;codecs=vp8", 4000, start: DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds());

        // The database holds no plaintext: no EBML header anywhere in the stored chunks.
        var stored = await admin.GetStringAsync($"rooms/{room}/clips/{Camera}/{clip}.json");
        foreach (var chunk in JsonDocument.Parse(stored).RootElement.EnumerateArray())
        {
            Assert.Equal(-1, Base64Url.DecodeFromChars(chunk.GetString()).AsSpan().IndexOf((byte[])[0x1A, 0x45, 0xDF, 0xA3]));
        }

        var list = await cli.RunAsync("clips", "list", room);
        Assert.True(list.ExitCode == 0, list.Err);
        Assert.Contains("Hall", list.Out, StringComparison.Ordinal);
        Assert.Contains("4.0s", list.Out, StringComparison.Ordinal);
        Assert.Contains("motion", list.Out, StringComparison.Ordinal);
        Assert.Contains(clip, list.Out, StringComparison.Ordinal);
        var json = JsonDocument.Parse((await cli.RunAsync("clips", "list", room, "--camera", "hall", "--json")).Out).RootElement.GetProperty("clips")[0];
        Assert.Equal((clip, webm.Length, "database"), (json.GetProperty("clip").GetString(), json.GetProperty("bytes").GetInt32(), json.GetProperty("target").GetString()));
        Assert.Equal(1, (await cli.RunAsync("clips", "list", room, "--camera", "Garden")).ExitCode);

        var file = Path.Combine(folder, "pulled.webm");
        var pull = await cli.RunAsync("clips", "pull", room, clip, "--out", file);
        Assert.True(pull.ExitCode == 0, pull.Out + pull.Err);
        var probe = await Ffmpeg.ProbeAsync(file);
        Assert.Contains("webm", probe.Format, StringComparison.Ordinal);
        Assert.InRange(probe.Duration, 3.5, 4.5);
        Assert.Equal(60, (await Ffmpeg.DecodeRgbAsync(file, 320, 240)).Count);
        Assert.Equal(1, (await cli.RunAsync("clips", "pull", room, clip, "--out", file)).ExitCode);
    }

    [Fact]
    public async Task A_WebM_with_room_reserved_and_an_MP4_are_pulled_with_the_right_duration()
    {
        var raw = Path.Combine(folder, "seekable.webm");
        await FfmpegAsync("-t", "3", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M", raw);
        var webm = File.ReadAllBytes(raw);
        var at = webm.AsSpan(0, 4096).IndexOf((byte[])[0x44, 0x89, 0x88]);
        Assert.True(at > 0, "ffmpeg wrote a Duration");
        byte[] voided = [0xEC, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        voided.CopyTo(webm, at);
        var clip = await StoreAsync(webm, "video/webm", 3000);
        var file = Path.Combine(folder, "a.webm");
        Assert.Equal(0, (await cli.RunAsync("clips", "pull", room, clip, "--out", file)).ExitCode);
        Assert.InRange((await Ffmpeg.ProbeAsync(file)).Duration, 2.5, 3.5);

        var mp4File = Path.Combine(folder, "raw.mp4");
        await FfmpegAsync("-t", "5", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-b:v", "1M", mp4File);
        var mp4 = File.ReadAllBytes(mp4File);
        var mp4Clip = await StoreAsync(mp4, "video/mp4;codecs=avc1", 5000);
        var pulled = Path.Combine(folder, "b.mp4");
        var result = await cli.RunAsync("clips", "pull", room, mp4Clip, "--out", pulled);
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Equal(mp4, File.ReadAllBytes(pulled));
        Assert.InRange((await Ffmpeg.ProbeAsync(pulled)).Duration, 4.5, 5.5);
    }

    [Fact]
    public async Task A_tampered_missing_or_foreign_chunk_is_reported_and_no_file_is_left()
    {
        var bytes = await MediaRecorderLikeWebmAsync(3);
        var chunks = ClipEntry.ChunksFor(bytes.Length);
        Assert.True(chunks >= 2, "the clip has several chunks");

        async Task AssertRefusedAsync(string clip, string because)
        {
            var file = Path.Combine(folder, clip + ".webm");
            var result = await cli.RunAsync("clips", "pull", room, clip, "--out", file);
            Assert.True(result.ExitCode == 1, because + ": " + result.Out + result.Err);
            Assert.Contains("nothing written", result.Err, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(folder, clip + "*", SearchOption.TopDirectoryOnly));
            Assert.Empty(Directory.GetFiles(folder, "*.part"));
        }

        var flipped = await StoreAsync(bytes, "video/webm", 3000);
        var text = await admin.GetFromJsonAsync<string>($"rooms/{room}/clips/{Camera}/{flipped}/1.json");
        var damaged = Base64Url.DecodeFromChars(text);
        damaged[100] ^= 1;
        await Put($"rooms/{room}/clips/{Camera}/{flipped}/1", Base64Url.EncodeToString(damaged));
        await AssertRefusedAsync(flipped, "a flipped byte");

        var missing = await StoreAsync(bytes, "video/webm", 3000);
        await admin.DeleteAsync($"rooms/{room}/clips/{Camera}/{missing}/0.json");
        await AssertRefusedAsync(missing, "a missing chunk");

        var swapped = await StoreAsync(bytes, "video/webm", 3000);
        var other = await StoreAsync(bytes, "video/webm", 3000);
        await Put($"rooms/{room}/clips/{Camera}/{swapped}/0", await admin.GetFromJsonAsync<string>($"rooms/{room}/clips/{Camera}/{other}/0.json"));
        await AssertRefusedAsync(swapped, "a chunk of another clip");

        var reordered = await StoreAsync(bytes, "video/webm", 3000);
        var first = await admin.GetFromJsonAsync<string>($"rooms/{room}/clips/{Camera}/{reordered}/0.json");
        await Put($"rooms/{room}/clips/{Camera}/{reordered}/0", (await admin.GetFromJsonAsync<string>($"rooms/{room}/clips/{Camera}/{reordered}/1.json"))!);
        await Put($"rooms/{room}/clips/{Camera}/{reordered}/1", first!);
        await AssertRefusedAsync(reordered, "reordered chunks");

        var entry = await admin.GetFromJsonAsync<string>($"rooms/{room}/events/{Camera}/{other}.json");
        await Put($"rooms/{room}/events/{Camera}/1765000000000-MovedEntry", entry!);
        var moved = await cli.RunAsync("clips", "pull", room, "1765000000000-MovedEntry", "--out", Path.Combine(folder, "moved.webm"));
        Assert.Equal(1, moved.ExitCode);
        Assert.Contains("does not open", moved.Err, StringComparison.Ordinal);
        Assert.Contains("does not open", (await cli.RunAsync("clips", "list", room)).Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "moved.webm")));
    }

    [Fact]
    public async Task Prune_deletes_old_clips_whole_and_retention_goes_into_each_cameras_sealed_settings()
    {
        var bytes = new byte[1000];
        var old = await StoreAsync(bytes, "video/webm", 1000, DateTimeOffset.UtcNow.AddDays(-8).ToUnixTimeMilliseconds());
        var recent = await StoreAsync(bytes, "video/webm", 1000, DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds());

        var dry = await cli.RunAsync("clips", "prune", room, "--older-than", "7d", "--dry-run");
        Assert.Contains("Would delete 1 clip", dry.Out, StringComparison.Ordinal);
        Assert.NotEqual("null", await admin.GetStringAsync($"rooms/{room}/events/{Camera}/{old}.json"));
        var pruned = await cli.RunAsync("clips", "prune", room, "--older-than", "7d");
        Assert.True(pruned.ExitCode == 0, pruned.Err);
        Assert.Contains(old, pruned.Out, StringComparison.Ordinal);
        foreach (var part in new[] { "events", "thumbs", "clips" })
        {
            Assert.Equal("null", await admin.GetStringAsync($"rooms/{room}/{part}/{Camera}/{old}.json"));
            Assert.NotEqual("null", await admin.GetStringAsync($"rooms/{room}/{part}/{Camera}/{recent}.json"));
        }

        Assert.Equal(2, (await cli.RunAsync("clips", "prune", room, "--older-than", "7 days")).ExitCode);

        var set = await cli.RunAsync("clips", "retention", room, "14d");
        Assert.True(set.ExitCode == 0, set.Err);
        var sealedSettings = await admin.GetFromJsonAsync<string>($"rooms/{room}/settings/{Camera}.json");
        Assert.StartsWith("1.", sealedSettings, StringComparison.Ordinal);
        Assert.Equal(14, JsonDocument.Parse(RoomSeal.OpenSettings(viewerSecret, room, Camera, sealedSettings!)!).RootElement.GetProperty("retentionDays").GetInt32());

        // Other settings the viewer wrote are kept.
        await Put($"rooms/{room}/settings/{Camera}", RoomSeal.SealSettings(viewerSecret, room, Camera, """{"detection":false,"retentionDays":14}"""));
        Assert.Equal(0, (await cli.RunAsync("clips", "retention", room, "3")).ExitCode);
        var stored = await admin.GetFromJsonAsync<string>($"rooms/{room}/settings/{Camera}.json");
        var settings = JsonDocument.Parse(RoomSeal.OpenSettings(viewerSecret, room, Camera, stored!)!).RootElement;
        Assert.Equal((3, false), (settings.GetProperty("retentionDays").GetInt32(), settings.GetProperty("detection").GetBoolean()));
        Assert.Equal(2, (await cli.RunAsync("clips", "retention", room, "0")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("clips", "retention", room, "400")).ExitCode);
    }

    [Fact]
    public async Task Clips_kept_in_the_relays_bucket_are_pulled_pruned_and_get_a_lifecycle_rule()
    {
        Assert.Equal(0, (await cli.RunAsync("rooms", "storage", room, "--target", "relay")).ExitCode);
        using var storage = new Google.Cloud.Storage.V1.StorageClientBuilder
        {
            BaseUri = cli.Relay!.Url + "storage/v1/",
            GoogleCredential = Google.Apis.Auth.OAuth2.GoogleCredential.FromAccessToken(cli.Relay.AdminKey),
        }.Build();
        const string Bucket = "demo-remotecam.appspot.com";
        var mp4File = Path.Combine(folder, "bucket.mp4");
        await FfmpegAsync("-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-b:v", "1M", mp4File);
        var mp4 = File.ReadAllBytes(mp4File);
        var start = DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeMilliseconds();
        var clip = ClipKeys.NewClipId(start);
        var chunks = ClipEntry.ChunksFor(mp4.Length);
        foreach (var (n, text) in SealAll(mp4, clip, chunks))
        {
            await storage.UploadObjectAsync(Bucket, $"clips/{keys.PathKey}/{Camera}/{clip}/{n}", "application/octet-stream", new MemoryStream(Base64Url.DecodeFromChars(text)));
        }

        var entry = new ClipEntry
        {
            Clip = clip,
            Camera = Camera,
            Start = start,
            DurationMs = 3000,
            Mime = "video/mp4",
            Reason = "timed",
            Chunks = chunks,
            Bytes = mp4.Length,
            Target = "relay",
        };
        await Put($"rooms/{room}/events/{Camera}/{clip}", keys.SealEntry(entry));

        var file = Path.Combine(folder, "from-relay.mp4");
        var pull = await cli.RunAsync("clips", "pull", room, clip, "--out", file);
        Assert.True(pull.ExitCode == 0, pull.Out + pull.Err);
        Assert.Equal(mp4, File.ReadAllBytes(file));
        Assert.InRange((await Ffmpeg.ProbeAsync(file)).Duration, 2.5, 3.5);

        var retention = await cli.RunAsync("clips", "retention", room, "2");
        Assert.True(retention.ExitCode == 0, retention.Err);
        var rule = Assert.Single((await storage.GetBucketAsync(Bucket)).Lifecycle.Rule);
        Assert.Equal(("Delete", 2), (rule.Action.Type, rule.Condition.Age));

        Assert.Equal(0, (await cli.RunAsync("clips", "prune", room, "--older-than", "2d")).ExitCode);
        Assert.Empty(await storage.ListObjectsAsync(Bucket, $"clips/{keys.PathKey}/{Camera}/{clip}/").ToListAsync());
        Assert.Equal("null", await admin.GetStringAsync($"rooms/{room}/events/{Camera}/{clip}.json"));
    }

    [Fact]
    public async Task Rooms_storage_writes_the_target_the_owner_chooses()
    {
        Assert.Contains("keeps its clips in the database", (await cli.RunAsync("rooms", "storage", room)).Out, StringComparison.Ordinal);
        var relay = await cli.RunAsync("rooms", "storage", room, "--target", "relay");
        Assert.True(relay.ExitCode == 0, relay.Err);
        Assert.Equal("\"relay\"", await admin.GetStringAsync($"rooms/{room}/meta/storage.json"));
        Assert.Equal(0, (await cli.RunAsync("rooms", "storage", room, "--target", "database")).ExitCode);
        Assert.Equal("\"database\"", await admin.GetStringAsync($"rooms/{room}/meta/storage.json"));

        var noBucket = await cli.RunAsync("rooms", "storage", room, "--target", "bucket");
        Assert.Equal(2, noBucket.ExitCode);
        Assert.Contains("--bucket", noBucket.Err, StringComparison.Ordinal);
        Assert.Equal(2, (await cli.RunAsync("rooms", "storage", room, "--target", "disk")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("rooms", "storage", room, "--target", "database", "--bucket", "b")).ExitCode);
        Assert.Equal("\"database\"", await admin.GetStringAsync($"rooms/{room}/meta/storage.json"));
    }

    /// <summary>Seals and stores a clip as a camera does with the database target; returns its id.</summary>
    private async Task<string> StoreAsync(byte[] media, string mime, long durationMs, long? start = null)
    {
        var startMs = start ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var clip = ClipKeys.NewClipId(startMs);
        var chunks = ClipEntry.ChunksFor(media.Length);
        var parts = SealAll(media, clip, chunks);

        await Put($"rooms/{room}/clips/{Camera}/{clip}", parts);
        await Put($"rooms/{room}/thumbs/{Camera}/{clip}", keys.SealThumb(Camera, clip, Jpeg));
        var entry = new ClipEntry
        {
            Clip = clip,
            Camera = Camera,
            Start = startMs,
            DurationMs = durationMs,
            Mime = mime,
            Reason = "motion",
            Chunks = chunks,
            Bytes = media.Length,
            PreRollMs = 2000,
            Peak = 0.5,
            Target = "database",
        };
        await Put($"rooms/{room}/events/{Camera}/{clip}", keys.SealEntry(entry));
        return clip;
    }

    private Dictionary<string, string> SealAll(byte[] media, string clip, int chunks)
    {
        var parts = new Dictionary<string, string>();
        for (var n = 0; n < chunks; n++)
        {
            var plain = media.AsSpan(n * ClipKeys.ChunkBytes, Math.Min(ClipKeys.ChunkBytes, media.Length - (n * ClipKeys.ChunkBytes)));
            parts[n.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Base64Url.EncodeToString(keys.SealChunk(Camera, clip, n, n == chunks - 1, plain));
        }

        return parts;
    }

    private async Task Put<T>(string path, T value) => (await admin.PutAsJsonAsync(path + ".json", value)).EnsureSuccessStatusCode();

    private string Save(string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static async Task FfmpegAsync(params string[] args)
    {
        string[] input = ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15,noise=alls=30:allf=t"];
        var (exit, _, errors) = await Ffmpeg.RunAsync("ffmpeg", [.. input, .. args]);
        Assert.True(exit == 0, errors);
    }

    /// <summary>
    /// A WebM as Chrome's MediaRecorder writes it: streamed by ffmpeg (Segment of unknown size), then its Duration
    /// removed and its SeekHead blanked into a Void element, so only the clusters tell its length.
    /// </summary>
    private async Task<byte[]> MediaRecorderLikeWebmAsync(int seconds)
    {
        var (exit, output, errors) = await Ffmpeg.RunAsync("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15,noise=alls=30:allf=t",
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M", "-f", "webm", "pipe:1");
        Assert.True(exit == 0, errors);
        var file = output.ToList();
        var duration = output.AsSpan(0, 4096).IndexOf((byte[])[0x44, 0x89, 0x88]);
        var info = output.AsSpan(0, Math.Max(0, duration)).LastIndexOf((byte[])[0x15, 0x49, 0xA9, 0x66]);
        Assert.True(info > 0 && duration > info && output[info + 4] >= 0x80 + 11, "ffmpeg's Info has a Duration and a one-byte size");
        file.RemoveRange(duration, 11);
        file[info + 4] -= 11;
        var bytes = file.ToArray();
        var seekHead = bytes.AsSpan(0, 200).IndexOf((byte[])[0x11, 0x4D, 0x9B, 0x74]);
        if (seekHead > 0)
        {
            var size = bytes[seekHead + 4] & 0x7F;
            bytes[seekHead] = 0xEC;
            bytes[seekHead + 1] = (byte)(0x80 | (size + 3));
        }

        return bytes;
    }
}
