using System.Text.Json;

using Microsoft.Playwright;

using RemoteCam.E2E.Tests.Infrastructure;
using RemoteCam.Testing;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The camera page's motion detection and recording (the real motion.js bundle, composed as
/// camera.html composes it) on a fake camera playing <see cref="MotionVideo"/>: one run of the
/// video's first loop (about 16 s), shared by the tests of this class.
/// </summary>
public sealed class MotionTests(MotionTests.Run run) : IClassFixture<MotionTests.Run>
{
    /// <summary>The pre-roll the recorder promises in Chromium (two overlapping recorders), in frames of the video.</summary>
    private const int PreRollFrames = 2 * MotionVideo.Fps;

    [Fact]
    public void Motion_starts_when_the_object_enters_and_ends_two_seconds_after_it_left()
    {
        var started = Assert.Single(run.Frames, f => f.Started);
        var ended = Assert.Single(run.Frames, f => f.Ended);
        // Two motion frames at 5 per second start the event: within a second of the object's first frame.
        Assert.InRange(started.N, MotionVideo.MovingFrom, MotionVideo.MovingFrom + MotionVideo.Fps);
        // The end comes 2 s (30 frames) after the last motion frame, which is at most one analysis after the object left.
        Assert.InRange(ended.N, MotionVideo.MovingTo + (2 * MotionVideo.Fps) - 5, MotionVideo.MovingTo + (3 * MotionVideo.Fps));
        Assert.All(run.Frames.Where(f => f.Motion), f => Assert.InRange(f.N, MotionVideo.MovingFrom, MotionVideo.MovingTo + 3));
    }

    [Fact]
    public void A_sudden_brightness_change_and_the_noisy_still_scene_start_no_event()
    {
        // The still, noisy parts before and after the object, the brightness jump and its return included.
        var still = run.Frames.Where(f => f.N < MotionVideo.MovingFrom || f.N > MotionVideo.MovingTo + 3).ToList();
        // At least 6 s of still scene were watched (not learning the background).
        Assert.True(still.Count(f => !f.Calibrating) >= 30, $"only {still.Count(f => !f.Calibrating)} still frames were watched: {run.Describe()}");
        Assert.DoesNotContain(still, f => f.Motion || f.Started);
        // The jump was big enough to matter: the picture's mean rose by more than the per-pixel threshold, and the detector reset its background.
        var before = run.Frames.Last(f => f.N < MotionVideo.BrightFrom).Mean;
        var during = run.Frames.First(f => f.N > MotionVideo.BrightFrom + 2 && f.N < MotionVideo.BrightTo).Mean;
        Assert.True(during - before > 30, $"mean luma {before:0} → {during:0}: {run.Describe()}");
        Assert.Contains(run.Frames, f => f.Recalibrated && f.N >= MotionVideo.BrightFrom && f.N <= MotionVideo.BrightFrom + 8);
    }

    [Fact]
    public void Motion_inside_an_ignored_zone_starts_no_event()
    {
        Assert.Contains(run.Frames, f => f.Started); // the same frames, without the zone, show the object
        Assert.DoesNotContain(run.Frames, f => f.ZonedMotion || f.ZonedStarted);
    }

    [Fact]
    public async Task The_motion_clip_plays_with_its_real_duration_and_starts_at_least_two_seconds_before_the_motion()
    {
        Assert.Empty(run.Errors);
        var clip = run.Clip;
        Assert.Equal("motion", clip.Reason);
        Assert.True(clip.Thumbnail > 0, "the clip has no thumbnail");
        var probe = await Ffmpeg.ProbeAsync(run.ClipFile);
        Assert.Equal("matroska,webm", probe.Format);
        Assert.Equal("vp9", probe.Codec); // VP9 first: two overlapping VP8 recorders cost Chromium twice as much (docs/pages.md)
        // The duration in the file is the one the recorder measured, and what the frames span.
        Assert.InRange(probe.Duration, (clip.DurationMs / 1000) - 0.5, (clip.DurationMs / 1000) + 0.5);
        var frames = await Ffmpeg.DecodeRgbAsync(run.ClipFile, probe.Width, probe.Height);
        var numbers = frames.Select(f => MotionVideo.FrameNumber(f, probe.Width, probe.Height)).ToList();
        var spanned = (numbers[^1] - numbers[0] + 1) / (double)MotionVideo.Fps;
        Assert.InRange(probe.Duration, spanned - 0.5, spanned + 0.5);
        // Pre-roll: the clip's first frame is at least 2 s before the frame that started the event…
        var started = run.Frames.First(f => f.Started).N;
        Assert.True(numbers[0] <= started - PreRollFrames, $"the clip starts at frame {numbers[0]}, the event at {started}: less than 2 s of pre-roll");
        Assert.InRange(clip.PreRollMs, 2000, 4500);
        // …and it goes on past the end of the event (post-roll, 5 s).
        var ended = run.Frames.First(f => f.Ended).N;
        Assert.True(numbers[^1] >= ended + (4 * MotionVideo.Fps), $"the clip ends at frame {numbers[^1]}, the event at {ended}: no post-roll");
    }

    [Fact]
    public async Task A_timed_clip_is_five_seconds_long()
    {
        Assert.Equal("timed", run.Timed.Reason);
        var probe = await Ffmpeg.ProbeAsync(run.TimedFile);
        Assert.Equal("matroska,webm", probe.Format);
        Assert.InRange(probe.Duration, 4.5, 5.5);
        Assert.InRange(run.Timed.DurationMs, 4500, 5500);
        var frames = await Ffmpeg.DecodeRgbAsync(run.TimedFile, probe.Width, probe.Height);
        var numbers = frames.Select(f => MotionVideo.FrameNumber(f, probe.Width, probe.Height)).ToList();
        Assert.InRange((numbers[^1] - numbers[0] + 1) / (double)MotionVideo.Fps, 4.5, 5.5);
    }

    /// <summary>One analysed frame of the file's first loop.</summary>
    public sealed record Frame(int N, bool Motion, bool Started, bool Ended, bool Recalibrated, bool Calibrating, bool ZonedMotion, bool ZonedStarted, double Mean, double Score);

    /// <summary>The recorded clip's facts from the page.</summary>
    public sealed record ClipFacts(string Reason, double DurationMs, double PreRollMs, long Thumbnail, string MimeType);

    /// <summary>Plays the video once through the page and keeps what the page saw and recorded.</summary>
    public sealed class Run : IAsyncLifetime
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "remotecam-motion-" + Guid.NewGuid().ToString("N"));

        public IReadOnlyList<Frame> Frames { get; private set; } = [];

        public IReadOnlyList<string> Errors { get; private set; } = [];

        public ClipFacts Clip { get; private set; } = new("", 0, 0, 0, "");

        public ClipFacts Timed { get; private set; } = new("", 0, 0, 0, "");

        public string ClipFile => Path.Combine(_folder, "clip.webm");

        public string TimedFile => Path.Combine(_folder, "timed.webm");

        public string Describe() => string.Join(' ', Frames.Select(f => $"{f.N}{(f.Motion ? "m" : "")}{(f.Started ? "S" : "")}{(f.Ended ? "E" : "")}{(f.Recalibrated ? "R" : "")}"));

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(_folder);
            var video = await MotionVideo.FileAsync();
            await using var relay = await RelayHost.StartAsync();
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await DebianChromium.LaunchAsync(playwright, ["--use-file-for-fake-video-capture=" + video]);
            await using var device = await Device.NewAsync("motion camera", browser);
            // Any page of the relay's origin serves: motion.js is loaded next to it, as camera.html loads it.
            await device.GotoAsync(new Uri(relay.Url, "index.html").ToString());
            await device.Page.EvaluateAsync(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Folder, "web", "test", "motion-page.js")));
            var harness = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Scripts", "motion-harness.js"));
            await device.Page.EvaluateAsync(harness, new[] { new[] { 0, MotionVideo.PathTop }, [1, MotionVideo.PathTop], [1, MotionVideo.PathBottom], [0, MotionVideo.PathBottom] });
            await Eventually.WaitAsync(
                () => device.Page.EvaluateAsync<bool>("() => window.__motion.done || window.__motion.looped === true"),
                done => done,
                TimeSpan.FromSeconds(40),
                async _ => $"the page saw no clip and no end of the video.\n{await device.DiagnosticsAsync()}");
            Frames = JsonSerializer.Deserialize<List<Frame>>((await device.Page.EvaluateAsync<JsonElement>("() => window.__motion.frames")).GetRawText(), Json)!;
            Errors = JsonSerializer.Deserialize<List<string>>((await device.Page.EvaluateAsync<JsonElement>("() => window.__motion.errors")).GetRawText(), Json)!;
            (Clip, var clipBytes) = await ClipAsync(device, "motion");
            await File.WriteAllBytesAsync(ClipFile, clipBytes);
            (Timed, var timedBytes) = await ClipAsync(device, "timed");
            await File.WriteAllBytesAsync(TimedFile, timedBytes);
        }

        public Task DisposeAsync()
        {
            Directory.Delete(_folder, recursive: true);
            return Task.CompletedTask;
        }

        private async Task<(ClipFacts, byte[])> ClipAsync(Device device, string which)
        {
            var clip = await device.Page.EvaluateAsync<JsonElement?>(
                """
                async (which) => {
                  const c = which === 'timed' ? window.__motion.timed : window.__motion.clips[0];
                  if (!c) return null;
                  const bytes = new Uint8Array(await c.blob.arrayBuffer());
                  let text = '';
                  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
                  return { reason: c.reason, durationMs: c.durationMs, preRollMs: c.preRollMs, thumbnail: c.thumbnail ? c.thumbnail.size : 0, mimeType: c.mimeType, b64: btoa(text) };
                }
                """,
                which);
            Assert.True(clip is not null, $"no {which} clip was recorded: {Describe()}\n{await device.DiagnosticsAsync()}");
            return (JsonSerializer.Deserialize<ClipFacts>(clip.Value.GetRawText(), Json)!, Convert.FromBase64String(clip.Value.GetProperty("b64").GetString()!));
        }
    }
}
