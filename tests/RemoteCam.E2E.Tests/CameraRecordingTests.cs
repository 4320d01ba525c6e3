using System.Globalization;
using System.Text.RegularExpressions;

using Microsoft.Playwright;

using RemoteCam.E2E.Tests.Infrastructure;
using RemoteCam.Testing;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// A person at the camera phone turns on "Detect motion and record clips": when the object of
/// <see cref="MotionVideo"/> crosses the picture, the page records a clip, lists it with its
/// thumbnail and length, and the downloaded file plays with that length and shows the crossing.
/// </summary>
public sealed partial class CameraRecordingTests
{
    [Fact]
    public async Task The_camera_page_records_a_motion_clip_that_downloads_and_plays_with_its_length()
    {
        var folder = Directory.CreateTempSubdirectory("remotecam-recording-").FullName;
        try
        {
            var video = await MotionVideo.FileAsync();
            await using var relay = await RelayHost.StartAsync();
            using var owner = await Owner.ForRelayAsync(relay);
            var room = await owner.CreateRoomAsync("Home");
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await DebianChromium.LaunchAsync(playwright, ["--use-file-for-fake-video-capture=" + video]);
            await using var camera = await Device.NewAsync("camera", browser);
            await camera.GotoAsync(room.CameraInvitation);
            await Eventually.WaitAsync(
                () => Task.FromResult(camera.Page.Url),
                url => url.Contains("/camera.html", StringComparison.Ordinal),
                Device.ConnectTime,
                async _ => $"the invitation did not open the camera page.\n{await camera.DiagnosticsAsync()}");
            // At once, so that the file's first crossing (5 s in) is watched: detection is off until turned on.
            Assert.Equal("Motion detection is off.", (await camera.Page.Locator("#motion").TextContentAsync())?.Trim());
            await camera.Page.Locator("#detect").CheckAsync();
            await camera.WaitForStatusAsync("online");

            var item = camera.Page.Locator("#clips li[data-reason=motion]").First;
            await Eventually.WaitAsync(
                () => item.CountAsync(),
                n => n > 0,
                TimeSpan.FromSeconds(40),
                async _ => $"no motion clip listed; #motion says '{await camera.Page.Locator("#motion").TextContentAsync()}'.\n{await camera.DiagnosticsAsync()}");
            Assert.StartsWith("Watching for motion (medium sensitivity)", (await camera.Page.Locator("#motion").TextContentAsync())?.Trim());
            var thumbnail = await item.Locator("img").EvaluateAsync<int>("img => img.complete ? img.naturalWidth : -1");
            Assert.True(thumbnail > 0, "the clip's thumbnail does not show");
            var text = await item.TextContentAsync() ?? "";
            var listed = double.Parse(Length().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);

            var download = await camera.Page.RunAndWaitForDownloadAsync(() => item.Locator("a[download]").ClickAsync());
            var file = Path.Combine(folder, download.SuggestedFilename);
            Assert.EndsWith(".webm", file, StringComparison.Ordinal);
            await download.SaveAsAsync(file);
            var probe = await Ffmpeg.ProbeAsync(file);
            Assert.Equal("matroska,webm", probe.Format);
            Assert.InRange(probe.Duration, listed - 0.5, listed + 0.5);
            var frames = await Ffmpeg.DecodeRgbAsync(file, probe.Width, probe.Height);
            var numbers = frames.Select(f => MotionVideo.FrameNumber(f, probe.Width, probe.Height)).ToList();
            // The whole crossing is in the clip, with pre-roll before it.
            Assert.Contains(MotionVideo.MovingFrom, numbers);
            Assert.Contains(MotionVideo.MovingTo, numbers);
            Assert.True(numbers[0] <= MotionVideo.MovingFrom - (2 * MotionVideo.Fps), $"the clip starts at frame {numbers[0]}: less than 2 s before the object");
            // Recording did not stop the live picture.
            await camera.ExpectFramesGrowAsync(Device.CameraPreview, gain: 10);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"· ([0-9]+\.[0-9]) s ·")]
    private static partial Regex Length();
}
