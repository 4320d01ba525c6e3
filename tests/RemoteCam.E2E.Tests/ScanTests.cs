using System.Text.Json;

using Microsoft.Playwright;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The viewer page's live scan ("Scan a QR code"): a phone's camera pointed at an invitation QR
/// code. The scanning phone is a second chromium whose fake camera plays a video of the code
/// (<see cref="QrCodeVideo"/>); the camera being watched is a page of the shared browser.
/// </summary>
public sealed class ScanTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>
    /// Notes every camera stream the page opens, so a test can ask how many tracks are still live
    /// (<c>window.__cameraUse()</c>) and what a page left behind when it was left (saved in
    /// sessionStorage on pagehide, which survives the navigation to join.html).
    /// </summary>
    private const string CameraUseScript = """
        (() => {
          const media = navigator.mediaDevices;
          if (!media) return;
          const streams = [];
          const original = media.getUserMedia.bind(media);
          media.getUserMedia = async (constraints) => {
            const stream = await original(constraints);
            streams.push(stream);
            return stream;
          };
          const use = () => {
            const video = document.getElementById('scan-video');
            return JSON.stringify({
              page: location.pathname,
              opened: streams.length,
              live: streams.reduce((n, s) => n + s.getTracks().filter(t => t.readyState === 'live').length, 0),
              scanVideoHidden: video ? video.hidden : null,
            });
          };
          window.__cameraUse = use;
          window.addEventListener('pagehide', () => {
            if (streams.length) sessionStorage.setItem('remotecam-test.camera-left', use());
          });
        })();
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_viewer_scans_the_invitation_with_its_camera_then_joins_and_watches_live()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await browser.StartCameraAsync(room);

        // The owner holds the viewer invitation's QR code up to the new viewer's camera.
        var video = Path.Combine(owner.Folder, "viewer-invitation.y4m");
        QrCodeVideo.Write(video, room.ViewerInvitation);
        await using var phone = await browser.LaunchWithCameraVideoAsync(video);
        await using var viewer = await Device.NewAsync("scanning viewer", phone);
        await viewer.Context.AddInitScriptAsync(CameraUseScript);
        await viewer.GotoAsync(new Uri(relay.Url, "viewer.html").ToString());
        await viewer.Page.Locator("#scan").ClickAsync();

        // The code is read from the camera: the viewer joins the room and the camera's video plays.
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        var viewerUid = await owner.NewMemberAsync(room, "viewer", new HashSet<string>());
        Assert.False(string.IsNullOrEmpty(viewerUid));
        await camera.ExpectViewersAsync(1);

        // The scanning page let go of the camera and hid its preview before it went on to join.
        var left = await viewer.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('remotecam-test.camera-left')");
        Assert.True(left is not null, $"the scanning page never opened a camera.\n{await viewer.DiagnosticsAsync()}");
        var use = JsonSerializer.Deserialize<CameraUse>(left, Json)!;
        Assert.Equal(new CameraUse("/viewer.html", Opened: 1, Live: 0, ScanVideoHidden: true), use);

        // The page that shows the video is the viewer page of the room, with no scan running.
        Assert.Equal(new Uri(relay.Url, "viewer.html#room=" + room.Id).ToString(), viewer.Page.Url);
        Assert.True(await viewer.Page.Locator("#scan-video").IsHiddenAsync(), "the scan preview still shows on the viewer page");

        // The secret is neither in the address bar nor one step back in the history.
        var secret = SealedEnvelope.FragmentField(room.ViewerInvitation, "s");
        Assert.DoesNotContain(secret, viewer.Page.Url, StringComparison.Ordinal);
        await viewer.Page.GoBackAsync();
        Assert.Contains("/viewer.html", viewer.Page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, viewer.Page.Url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a web address", "not a RemoteCam invitation")]
    [InlineData("the room's invitation with its secret cut short", "secret is damaged")]
    public async Task A_scanned_code_that_is_no_invitation_is_refused_in_words_and_nobody_joins(string shown, string sentence)
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        var text = shown == "a web address" ? "https://example.org/remotecam" : room.ViewerInvitation[..^8];

        var video = Path.Combine(owner.Folder, "not-an-invitation.y4m");
        QrCodeVideo.Write(video, text);
        await using var phone = await browser.LaunchWithCameraVideoAsync(video);
        await using var viewer = await Device.NewAsync("scanning viewer", phone);
        await viewer.Context.AddInitScriptAsync(CameraUseScript);
        // viewer.html#scan: the page starts scanning as it loads (the home screen shortcut's link).
        await viewer.GotoAsync(new Uri(relay.Url, "viewer.html#scan").ToString());

        // The page read the code and says in words why it does not join.
        var message = await Eventually.WaitAsync(
            async () => (await viewer.Page.Locator("#scan-message").TextContentAsync() ?? "").Trim(),
            m => m.Contains(sentence, StringComparison.Ordinal),
            Device.ConnectTime,
            async m => $"#scan-message shows '{m}', expected a sentence with '{sentence}'.\n{await viewer.DiagnosticsAsync()}");

        // It keeps scanning (the preview plays on) and stays where it is: nobody joined the room.
        await viewer.ExpectFramesGrowAsync("#scan-video", gain: 15);
        Assert.Equal(message, (await viewer.Page.Locator("#scan-message").TextContentAsync() ?? "").Trim());
        Assert.Equal(new Uri(relay.Url, "viewer.html#scan").ToString(), viewer.Page.Url);
        Assert.Equal("Stop scanning", (await viewer.Page.Locator("#scan").TextContentAsync() ?? "").Trim());
        Assert.Empty(await owner.MembersAsync(room, "viewer"));

        // "Stop scanning" turns the camera off and hides the preview.
        Assert.Equal(new CameraUse("/viewer.html", Opened: 1, Live: 1, ScanVideoHidden: false), await CameraUseAsync(viewer));
        await viewer.Page.Locator("#scan").ClickAsync();
        await Assertions.Expect(viewer.Page.Locator("#scan-video")).ToBeHiddenAsync();
        Assert.Equal(new CameraUse("/viewer.html", Opened: 1, Live: 0, ScanVideoHidden: true), await CameraUseAsync(viewer));
    }

    private static async Task<CameraUse> CameraUseAsync(Device device) =>
        JsonSerializer.Deserialize<CameraUse>(await device.Page.EvaluateAsync<string>("() => window.__cameraUse()"), Json)!;

    /// <summary>What a page did with the camera: streams opened, tracks still live, whether the scan preview was hidden.</summary>
    private sealed record CameraUse(string Page, int Opened, int Live, bool? ScanVideoHidden);
}
