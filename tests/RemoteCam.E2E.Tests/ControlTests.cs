

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The viewer controls the camera over the call's data channel, and each control changes what the other side
/// receives (docs/pages.md "Controlling a camera"): measured with getStats and the received pictures from the
/// test's side, not from what the pages say. One session (Chromium's fake camera and microphone, plus a second,
/// grey camera in the camera phone's device list) for all of them.
/// </summary>
public sealed class ControlTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Tile = "#cameras .camera";

    // The battery of a phone at 15 % that is not charging (the page reads navigator.getBattery()).
    private const string LowBattery = """
        (() => {
          const battery = new EventTarget();
          battery.level = 0.15;
          battery.charging = false;
          navigator.getBattery = () => Promise.resolve(battery);
        })();
        """;

    // Power saving sooner than a real camera's minutes (docs/pages.md "Low power"): fewer frames after 3 s without
    // a viewer, rest after 6 s without anything that needs pictures; dimming only with the button here.
    private const string QuickPowerSaving = "localStorage.setItem('remotecam.camera.power', JSON.stringify({ dimAfterS: 3600, slowAfterS: 3, restAfterS: 6 }));";

    // The camera page's own camera track: frame rate and state.
    private const string CameraTrack = "() => { const v = document.querySelector('video#preview'); const t = v && v.srcObject && v.srcObject.getVideoTracks()[0]; return t ? t.readyState + ' ' + Math.round(t.getSettings().frameRate || 0) : 'none'; }";

    // A second camera in the device list: grey, with a moving white square, drawn on a canvas. (Chromium's own second
    // fake device is a depth camera whose frames WebRTC does not send.) The first camera stays Chromium's fake one.
    private const string SecondCamera = """
        (() => {
          const md = navigator.mediaDevices;
          const realGum = md.getUserMedia.bind(md), realList = md.enumerateDevices.bind(md);
          const grey = { deviceId: 'grey-camera', groupId: 'grey', kind: 'videoinput', label: 'Grey camera' };
          md.enumerateDevices = async () => {
            const list = (await realList()).map(d => ({ deviceId: d.deviceId, groupId: d.groupId, kind: d.kind, label: d.label }));
            return list.concat([grey]);
          };
          md.getUserMedia = async c => {
            const v = c && c.video, id = v && v.deviceId && (v.deviceId.exact || v.deviceId);
            if (id !== grey.deviceId) return realGum(c);
            const canvas = document.createElement('canvas');
            canvas.width = 1280; canvas.height = 720;
            const g = canvas.getContext('2d');
            let n = 0;
            const draw = () => { g.fillStyle = '#808080'; g.fillRect(0, 0, 1280, 720); g.fillStyle = '#fff'; g.fillRect((n++ * 16) % 1200, 320, 80, 80); };
            draw();
            const timer = setInterval(draw, 50);
            const stream = canvas.captureStream(20), track = stream.getVideoTracks()[0];
            const settings = track.getSettings.bind(track), stop = track.stop.bind(track);
            track.getSettings = () => Object.assign(settings(), { deviceId: grey.deviceId, width: 1280, height: 720 });
            track.stop = () => { clearInterval(timer); stop(); };
            Object.defineProperty(track, 'label', { value: grey.label });
            if (c.audio) stream.addTrack((await realGum({ audio: c.audio })).getAudioTracks()[0]);
            return stream;
          };
        })();
        """;

    // How colourful the tile's video is: mean |r-g| + |g-b| over a small copy of the current frame.
    private const string ChromaScript = """
        selector => {
          const v = document.querySelector(selector);
          if (!v || !v.videoWidth) return -1;
          const c = document.createElement('canvas');
          c.width = 64; c.height = 36;
          const g = c.getContext('2d');
          g.drawImage(v, 0, 0, 64, 36);
          const d = g.getImageData(0, 0, 64, 36).data;
          let sum = 0;
          for (let i = 0; i < d.length; i += 4) sum += Math.abs(d[i] - d[i + 1]) + Math.abs(d[i + 1] - d[i + 2]);
          return sum / (d.length / 4);
        }
        """;

    [Fact]
    public async Task A_viewer_switches_the_camera_sets_quality_pauses_snaps_and_talks_and_sees_how_it_is_connected()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");

        // The camera phone, on a low battery, with two cameras and the test's eyes on its peer connections.
        await using var camera = await browser.NewDeviceAsync("camera");
        await camera.Context.AddInitScriptAsync(PeerConnections.Keep);
        await camera.Context.AddInitScriptAsync(LowBattery);
        await camera.Context.AddInitScriptAsync(SecondCamera);
        await camera.Context.AddInitScriptAsync(QuickPowerSaving);
        await camera.GotoAsync(room.CameraInvitation);
        await camera.WaitForStatusAsync("online");
        await camera.ExpectFramesGrowAsync(Device.CameraPreview, gain: 5);
        Assert.Contains("Battery low (15%) and not charging", await camera.Page.Locator("#battery-low").InnerTextAsync(), StringComparison.Ordinal);
        // A person set the phone up: one touch lets the page play a viewer's voice.
        await camera.Page.Locator("#watching").ClickAsync();
        await camera.Page.Locator("#name-ask-input").FillAsync("Garden");
        await camera.Page.Locator("#name-ask button[type=submit]").ClickAsync();

        // The viewer is asked for its name (suggested from the device), chooses one, and watches.
        await using var viewer = await browser.NewDeviceAsync("viewer");
        await viewer.Context.AddInitScriptAsync(PeerConnections.Keep);
        await viewer.GotoAsync(room.ViewerInvitation);
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        var suggestion = await viewer.Page.Locator("#name-ask-input:visible").InputValueAsync();
        Assert.False(string.IsNullOrWhiteSpace(suggestion), "the name question suggests nothing");
        await viewer.Page.Locator("#name-ask-input").FillAsync("Kitchen tablet");
        await viewer.Page.Locator("#name-ask-input").PressAsync("Enter");
        Assert.False(await viewer.Page.Locator("#name-ask").IsVisibleAsync(), "the name question stays after the name was saved");
        await Eventually.WaitAsync(
            () => camera.Page.Locator("#watching").InnerTextAsync(),
            t => t == "Kitchen tablet is watching.",
            Device.ConnectTime,
            async t => $"the camera says \"{t}\".\n{await camera.DiagnosticsAsync()}");
        await Eventually.WaitAsync(
            () => viewer.Page.Locator(Tile + " .name").InnerTextAsync(),
            t => t == "Garden",
            Device.ConnectTime,
            async t => $"the tile is called \"{t}\".\n{await viewer.DiagnosticsAsync()}");
        Assert.Contains("not charging", await viewer.Page.Locator(Tile + " .battery.low").InnerTextAsync(), StringComparison.Ordinal);

        // Connection details from getStats, every second: a loopback call is direct.
        var details = await Eventually.WaitAsync(
            () => viewer.Page.Locator(Tile + " .details").InnerTextAsync(),
            t => t.StartsWith("direct", StringComparison.Ordinal) && t.Contains(" ms", StringComparison.Ordinal) && t.Contains("fps", StringComparison.Ordinal) && t.Contains("1280×720", StringComparison.Ordinal),
            Device.ConnectTime,
            async t => $"the tile's details say \"{t}\".\n{await viewer.DiagnosticsAsync()}");
        Assert.Equal("direct", await viewer.Page.Locator(Tile + " .details").GetAttributeAsync("data-path"));
        Assert.Contains("% lost", details, StringComparison.Ordinal);

        // Controls the fake camera cannot use are hidden; those it can are there.
        await viewer.Page.Locator(Tile + " .controls[data-ready=true]").WaitForAsync();
        Assert.False(await viewer.Page.Locator(Tile + " .controls .torch").IsVisibleAsync(), "a torch button for a camera without a torch");
        Assert.False(await viewer.Page.Locator(Tile + " .controls .zoom").IsVisibleAsync(), "a zoom control for a camera that cannot zoom");
        Assert.True(await viewer.Page.Locator(Tile + " .controls .switch").IsVisibleAsync(), "no switch button with two cameras");

        // A quality preset changes what arrives: at most 240 lines and about 10 frames a second, then full size again.
        var full = await PeerConnections.InboundAsync(viewer.Page, "video");
        Assert.Equal(720, full.Height);
        await viewer.Page.Locator(Tile + " .controls .quality select").SelectOptionAsync("low");
        await ExpectVideoAsync(viewer, v => v.Height is > 0 and <= 240 && v.Fps is > 0 and <= 11, "the low preset (≤ 240 lines, ≤ 10 fps)");
        await viewer.Page.Locator(Tile + " .controls .quality select").SelectOptionAsync("auto");
        await ExpectVideoAsync(viewer, v => v.Height == 720, "the automatic preset (720 lines again)");

        // Pause: no more frames arrive; resume: they do again.
        await viewer.Page.Locator(Tile + " .controls .pause").ClickAsync();
        await Eventually.WaitAsync(
            () => viewer.Page.Locator(Tile + " .controls .pause").GetAttributeAsync("aria-pressed"),
            p => p == "true",
            Device.ConnectTime,
            _ => Task.FromResult("the pause button is not pressed"));
        await ExpectFramesStopAsync(viewer);
        await viewer.Page.Locator(Tile + " .controls .pause").ClickAsync();
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);

        // Switching the camera: the camera opens its other one, and the viewer receives its grey picture.
        Assert.True(await ChromaAsync(viewer) > 10, "the first camera's picture is not colourful");
        await viewer.Page.Locator(Tile + " .controls .switch").ClickAsync();
        await Eventually.WaitAsync(
            () => camera.Page.EvaluateAsync<string>("() => { const v = document.querySelector('video#preview'); const t = v && v.srcObject && v.srcObject.getVideoTracks()[0]; return t ? t.label : ''; }"),
            label => label == "Grey camera",
            Device.ConnectTime,
            async label => $"the camera uses '{label}'.\n{await camera.DiagnosticsAsync()}");
        await Eventually.WaitAsync(() => ChromaAsync(viewer), c => c is >= 0 and < 3, Device.ConnectTime, c => Task.FromResult($"the viewer's picture still has colour {c:0.0}"));
        Assert.Equal("Grey camera", await viewer.Page.Locator(Tile + " .controls").GetAttributeAsync("data-camera"));
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);

        // A snapshot is saved on the viewer with the camera track's full size.
        var download = await viewer.Page.RunAndWaitForDownloadAsync(() => viewer.Page.Locator(Tile + " .controls .snap").ClickAsync());
        var file = Path.Combine(owner.Folder, "snapshot.jpg");
        await download.SaveAsAsync(file);
        Assert.Equal((1280, 720), JpegSize(await File.ReadAllBytesAsync(file)));
        Assert.StartsWith("RemoteCam Garden ", download.SuggestedFilename, StringComparison.Ordinal);
        await Eventually.WaitAsync(
            () => viewer.Page.Locator(Tile + " .control-message").InnerTextAsync(),
            t => t.Contains("Snapshot saved", StringComparison.Ordinal) && t.Contains("1280×720", StringComparison.Ordinal),
            Device.ConnectTime,
            t => Task.FromResult($"the tile says \"{t}\""));

        // Push to talk: while the button is held the viewer's (fake) microphone reaches the camera, not before, not after.
        await Task.Delay(1000);
        var before = await PeerConnections.InboundAsync(camera.Page, "audio");
        await Task.Delay(1500);
        Assert.Equal(before.Packets, (await PeerConnections.InboundAsync(camera.Page, "audio")).Packets);
        await viewer.Page.Locator(Tile + " .controls .talk").HoverAsync();
        await viewer.Page.Mouse.DownAsync();
        await Eventually.WaitAsync(
            () => PeerConnections.InboundAsync(camera.Page, "audio"),
            a => a.Energy > before.Energy + 0.001 && a.Packets > before.Packets + 20,
            Device.ConnectTime,
            async a => $"while the viewer talks the camera received {a.Packets - before.Packets} audio packets, energy +{a.Energy - before.Energy}.\n{await camera.DiagnosticsAsync()}");
        Assert.Equal("Kitchen tablet is talking through this phone.", await camera.Page.Locator("#talking").InnerTextAsync());
        await viewer.Page.Mouse.UpAsync();
        await Eventually.WaitAsync(() => camera.Page.Locator("#talking").IsVisibleAsync(), v => !v, Device.ConnectTime, _ => Task.FromResult("the camera still says someone talks"));
        await Task.Delay(1000);
        var after = await PeerConnections.InboundAsync(camera.Page, "audio");
        await Task.Delay(1500);
        Assert.Equal(after.Packets, (await PeerConnections.InboundAsync(camera.Page, "audio")).Packets);

        // Holding the T key does the same.
        await viewer.Page.Keyboard.DownAsync("t");
        await Eventually.WaitAsync(
            () => PeerConnections.InboundAsync(camera.Page, "audio"),
            a => a.Packets > after.Packets + 20,
            Device.ConnectTime,
            async a => $"while T is held the camera received {a.Packets - after.Packets} audio packets.\n{await viewer.DiagnosticsAsync()}");
        Assert.True(await camera.Page.Locator("#talking").IsVisibleAsync(), "the camera does not say someone talks while T is held");
        await viewer.Page.Keyboard.UpAsync("t");
        await Eventually.WaitAsync(() => camera.Page.Locator("#talking").IsVisibleAsync(), v => !v, Device.ConnectTime, _ => Task.FromResult("the camera still says someone talks after T was released"));

        // The owner removes the viewer by the name it chose.
        var shown = await owner.RunJsonAsync("rooms", "show", room.Id, "Kitchen tablet");
        var member = Assert.Single(shown.GetProperty("members").EnumerateArray());
        Assert.Equal("viewer", member.GetProperty("role").GetString());
        await owner.RunJsonAsync("rooms", "revoke", room.Id, "Kitchen tablet");
        await viewer.WaitForStatusAsync("revoked");
        await Eventually.WaitAsync(
            () => camera.Page.Locator("#watching").InnerTextAsync(),
            t => t == "Nobody is watching.",
            Device.ConnectTime,
            async t => $"the camera says \"{t}\".\n{await camera.DiagnosticsAsync()}");

        // Nobody watches: the camera takes fewer pictures, then rests (its track stops), and a new viewer wakes it.
        await Eventually.WaitAsync(
            () => camera.Page.EvaluateAsync<string>(CameraTrack),
            t => t == "live 5",
            Device.ConnectTime,
            async t => $"the camera's track is '{t}' without viewers, expected 5 frames a second.\n{await camera.DiagnosticsAsync()}");
        Assert.StartsWith("Saving power: nobody is watching", await camera.Page.Locator("#power").InnerTextAsync(), StringComparison.Ordinal);
        await Eventually.WaitAsync(
            () => camera.Page.EvaluateAsync<string>(CameraTrack),
            t => t.StartsWith("ended", StringComparison.Ordinal),
            Device.ConnectTime,
            async t => $"the camera's track is '{t}', expected it to rest.\n{await camera.DiagnosticsAsync()}");
        Assert.Equal("resting", await camera.Page.Locator("#power").GetAttributeAsync("data-state"));
        await using var hall = await browser.WatchFromLinkAsync(room.ViewerInvitation, "hall viewer");
        await Eventually.WaitAsync(
            () => camera.Page.EvaluateAsync<string>(CameraTrack),
            t => t.StartsWith("live", StringComparison.Ordinal) && !t.EndsWith(" 5", StringComparison.Ordinal),
            Device.ConnectTime,
            async t => $"the camera's track is '{t}' with a viewer again.\n{await camera.DiagnosticsAsync()}");
        await hall.ExpectFramesGrowAsync(Device.ViewerVideo);
        Assert.False(await camera.Page.Locator("#power").IsVisibleAsync(), "the camera still says it saves power while watched");

        // The screen dims (here at once, with the button) and a touch shows the page again.
        await camera.Page.Locator("#dim-now").ClickAsync();
        Assert.True(await camera.Page.Locator("#dim").IsVisibleAsync(), "the page did not dim");
        await camera.Page.Locator("#dim").ClickAsync();
        Assert.False(await camera.Page.Locator("#dim").IsVisibleAsync(), "a touch did not show the page again");
    }

    private static async Task ExpectVideoAsync(Device viewer, Func<Inbound, bool> done, string what) =>
        await Eventually.WaitAsync(
            () => PeerConnections.InboundAsync(viewer.Page, "video"),
            done,
            TimeSpan.FromSeconds(20),
            async v => $"after {what} the viewer receives {v.Width}×{v.Height} at {v.Fps:0.0} fps.\n{await viewer.DiagnosticsAsync()}");

    /// <summary>No new frame is decoded for two seconds (after the ones on their way).</summary>
    private static async Task ExpectFramesStopAsync(Device viewer)
    {
        await Eventually.WaitAsync(
            async () =>
            {
                var first = await PeerConnections.InboundAsync(viewer.Page, "video");
                await Task.Delay(2000);
                return (first.Frames, (await PeerConnections.InboundAsync(viewer.Page, "video")).Frames);
            },
            f => f.Item1 == f.Item2,
            TimeSpan.FromSeconds(20),
            f => Task.FromResult($"frames keep arriving while paused ({f.Item1} → {f.Item2})"));
    }

    private static Task<double> ChromaAsync(Device viewer) => viewer.Page.EvaluateAsync<double>(ChromaScript, Device.ViewerVideo);

    /// <summary>Width and height from a JPEG's start-of-frame marker.</summary>
    private static (int Width, int Height) JpegSize(byte[] jpeg)
    {
        Assert.True(jpeg.Length > 4 && jpeg[0] == 0xFF && jpeg[1] == 0xD8, "the snapshot is not a JPEG");
        for (var i = 2; i + 9 < jpeg.Length;)
        {
            Assert.Equal(0xFF, jpeg[i]);
            var marker = jpeg[i + 1];
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker is >= 0xC0 and <= 0xC3)
            {
                return ((jpeg[i + 7] << 8) | jpeg[i + 8], (jpeg[i + 5] << 8) | jpeg[i + 6]);
            }

            i += 2 + length;
        }

        Assert.Fail("the JPEG has no start-of-frame marker");
        return default;
    }
}
