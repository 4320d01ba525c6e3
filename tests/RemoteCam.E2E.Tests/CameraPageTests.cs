using System.Text.Json;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>What the camera page tells its owner, and a viewer joining from a pasted link.</summary>
public sealed class CameraPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_denied_camera_permission_is_explained_in_words()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");

        // A browser that asks the user before giving the camera, and a user who says no (the browser's own
        // "blocked" setting for the site), not a patched page.
        await using var asking = await browser.LaunchAskingForCameraAsync();
        await using var camera = await Device.NewAsync("camera", asking);
        var cdp = await camera.Context.NewCDPSessionAsync(camera.Page);
        await cdp.SendAsync("Browser.setPermission", new Dictionary<string, object>
        {
            ["permission"] = new Dictionary<string, object> { ["name"] = "camera" },
            ["setting"] = "denied",
            ["origin"] = relay.Url.GetLeftPart(UriPartial.Authority),
        });
        await camera.GotoAsync(room.CameraInvitation);

        var text = await camera.WaitForStatusAsync("error");
        Assert.Contains("Camera permission denied", text, StringComparison.Ordinal);
        Assert.Contains("allow the camera for this site", await camera.Page.Locator("#status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await camera.FramesAsync(Device.CameraPreview) <= 0, "the preview plays although the camera was denied");
    }

    [Fact]
    public async Task A_viewer_joins_from_a_pasted_link_and_sees_the_cameras_battery()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await browser.StartCameraAsync(room);

        // The camera page shows its battery and that it keeps the screen on, when the browser can tell.
        var battery = await camera.Page.EvaluateAsync<JsonElement>(
            "async () => { const b = navigator.getBattery ? await navigator.getBattery() : null; return b ? { level: b.level, charging: b.charging } : null; }");
        Assert.Equal(JsonValueKind.Object, battery.ValueKind);
        var percent = (int)Math.Round(battery.GetProperty("level").GetDouble() * 100);
        await Eventually.WaitAsync(
            () => camera.Page.Locator("#battery").InnerTextAsync(),
            t => t.StartsWith($"Battery {percent}%", StringComparison.Ordinal),
            Device.ConnectTime,
            t => Task.FromResult($"#battery says \"{t}\", the browser reports {percent}%"));
        Assert.StartsWith("Screen kept on", await camera.Page.Locator("#wake").InnerTextAsync(), StringComparison.Ordinal);

        // A person pastes the invitation link (e.g. from a message) into an empty viewer page.
        await using var viewer = await browser.NewDeviceAsync("viewer");
        await viewer.GotoAsync(new Uri(relay.Url, "viewer.html").ToString());
        await viewer.Page.Locator("#link").FillAsync("Here is the camera: " + room.ViewerInvitation + " (keep it private)");
        await viewer.Page.Locator("#join").ClickAsync();
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        Assert.DoesNotContain("s=", new Uri(viewer.Page.Url).Fragment, StringComparison.Ordinal);

        // The viewer's tile shows the camera's battery from its presence.
        await Eventually.WaitAsync(
            () => viewer.Page.Locator("#cameras .camera .battery").InnerTextAsync(),
            t => t.StartsWith($"battery {percent}%", StringComparison.Ordinal),
            Device.ConnectTime,
            t => Task.FromResult($"the tile's battery says \"{t}\", the camera's browser reports {percent}%"));
    }
}
