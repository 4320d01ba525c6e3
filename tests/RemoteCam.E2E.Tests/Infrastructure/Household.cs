namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>The steps a person takes with the pages: open an invitation, scan a QR code, watch.</summary>
internal static class Household
{
    /// <summary>Opens the camera invitation; the page joins, goes to camera.html and shows its own camera.</summary>
    public static async Task<Device> StartCameraAsync(this BrowserFixture browser, Room room, string name = "camera")
    {
        var camera = await browser.NewDeviceAsync(name);
        await camera.GotoAsync(room.CameraInvitation);
        // join.html says "online" too (joined) just before it opens camera.html: wait for the camera page itself.
        // Polled (not WaitForURL, which also waits for "load" and fails without saying what the page showed).
        await Eventually.WaitAsync(
            () => Task.FromResult(camera.Page.Url),
            url => url.Contains("/camera.html", StringComparison.Ordinal),
            Device.ConnectTime,
            async url => $"{name}: still at {url}, not camera.html.\n{await camera.DiagnosticsAsync()}");
        await camera.WaitForStatusAsync("online");
        await camera.ExpectFramesGrowAsync(Device.CameraPreview, gain: 5);
        return camera;
    }

    /// <summary>Opens a viewer invitation link and waits until the camera's live video plays.</summary>
    public static async Task<Device> WatchFromLinkAsync(this BrowserFixture browser, string invitation, string name)
    {
        var viewer = await browser.NewDeviceAsync(name);
        await viewer.GotoAsync(invitation);
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        Assert.Contains("/viewer.html", viewer.Page.Url, StringComparison.Ordinal);
        return viewer;
    }

    /// <summary>Opens viewer.html with nothing, feeds <c>#scan-file</c> a QR code image, and waits for live video.</summary>
    public static async Task<Device> WatchFromQrCodeAsync(this BrowserFixture browser, RelayHost relay, string pngFile, string name)
    {
        var viewer = await browser.NewDeviceAsync(name);
        await viewer.GotoAsync(new Uri(relay.Url, "viewer.html").ToString());
        await viewer.Page.Locator("#scan-file").SetInputFilesAsync(pngFile);
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        return viewer;
    }

    /// <summary>Waits until the camera page's <c>#viewers</c> shows <paramref name="count"/>.</summary>
    public static async Task ExpectViewersAsync(this Device camera, int count) =>
        await Eventually.WaitAsync(
            async () => (await camera.Page.Locator("#viewers").TextContentAsync() ?? "").Trim(),
            text => System.Text.RegularExpressions.Regex.Match(text, "[0-9]+").Value == count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Device.ConnectTime,
            async text => $"camera #viewers shows '{text}', expected {count}.\n{await camera.DiagnosticsAsync()}");

    /// <summary>The single new member of <paramref name="role"/> since <paramref name="before"/>.</summary>
    public static async Task<string> NewMemberAsync(this Owner owner, Room room, string role, IReadOnlySet<string> before)
    {
        var now = await owner.MembersAsync(room, role);
        return Assert.Single(now.Except(before));
    }
}
