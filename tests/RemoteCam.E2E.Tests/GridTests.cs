using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>A room with several cameras: the viewer's grid, presence, and enlarging one camera.</summary>
public sealed class GridTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_viewer_watches_two_cameras_in_a_grid_enlarges_one_and_sees_when_the_other_leaves()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");

        // Two phones join the same room as cameras and are named by their owners on the camera page.
        await using var garage = await browser.StartCameraAsync(room, "garage camera");
        await RenameAsync(garage, "Garage");
        await using var porch = await browser.StartCameraAsync(room, "porch camera");
        await RenameAsync(porch, "Porch");

        await using var viewer = await browser.WatchFromLinkAsync(room.ViewerInvitation, "viewer");
        var garageTile = await TileAsync(viewer, "Garage");
        var porchTile = await TileAsync(viewer, "Porch");
        Assert.NotEqual(garageTile, porchTile);

        // Both tiles play their camera's live video, and both say they are online.
        await viewer.ExpectFramesGrowAsync(Video(garageTile));
        await viewer.ExpectFramesGrowAsync(Video(porchTile));
        Assert.Equal("online", await PresenceAsync(viewer, garageTile));
        Assert.Equal("online", await PresenceAsync(viewer, porchTile));
        await garage.ExpectViewersAsync(1);
        await porch.ExpectViewersAsync(1);

        // A tap enlarges a camera, alone on the screen; a second tap brings the grid back; then the other one.
        Assert.Contains("Tap a camera to enlarge it", await viewer.Page.Locator("#grid-hint:visible").InnerTextAsync(), StringComparison.Ordinal);
        await viewer.Page.Locator(Video(garageTile)).ClickAsync();
        Assert.Equal(["Garage"], await BigTilesAsync(viewer));
        Assert.False(await viewer.Page.Locator(porchTile).IsVisibleAsync(), "the porch tile still shows beside the enlarged garage");
        await viewer.ExpectFramesGrowAsync(Video(garageTile));
        await viewer.Page.Locator(Video(garageTile)).ClickAsync();
        Assert.Empty(await BigTilesAsync(viewer));
        Assert.True(await viewer.Page.Locator(porchTile).IsVisibleAsync(), "the grid did not come back");
        await viewer.Page.Locator(Video(porchTile)).ClickAsync();
        Assert.Equal(["Porch"], await BigTilesAsync(viewer));
        await viewer.Page.Locator(Video(porchTile)).ClickAsync();
        Assert.Empty(await BigTilesAsync(viewer));

        // The porch phone's page goes away: its tile says when it was last seen, the garage keeps playing.
        await porch.Page.CloseAsync(new() { RunBeforeUnload = true });
        var presence = await Eventually.WaitAsync(
            () => PresenceAsync(viewer, porchTile),
            text => text.StartsWith("offline, last seen ", StringComparison.Ordinal),
            Device.ConnectTime,
            async text => $"the porch tile says \"{text}\".\n{await viewer.DiagnosticsAsync()}");
        Assert.Matches(@"^offline, last seen \d+ s ago$", presence);
        Assert.Equal("online", await PresenceAsync(viewer, garageTile));
        await viewer.ExpectFramesGrowAsync(Video(garageTile), gain: 30);
        await viewer.WaitForStatusAsync("online");
        Assert.Contains("1 of 2 cameras online", await viewer.Page.Locator("#status").InnerTextAsync(), StringComparison.Ordinal);
    }

    private static async Task RenameAsync(Device camera, string name)
    {
        await camera.Page.Locator("#name").FillAsync(name);
        await camera.Page.Locator("#rename").ClickAsync();
    }

    /// <summary>The selector of the viewer's tile whose name is <paramref name="name"/>, once it shows.</summary>
    private static async Task<string> TileAsync(Device viewer, string name)
    {
        var uid = await Eventually.WaitAsync(
            () => viewer.Page.EvaluateAsync<string>(
                "n => { const t = Array.from(document.querySelectorAll('#cameras .camera')).find(e => e.querySelector('.name').textContent === n); return t ? t.getAttribute('data-uid') : ''; }",
                name),
            uid => uid.Length > 0,
            Device.ConnectTime,
            async _ => $"no tile named {name}.\n{await viewer.DiagnosticsAsync()}");
        return $"#cameras .camera[data-uid=\"{uid}\"]";
    }

    private static string Video(string tile) => tile + " video";

    private static async Task<string> PresenceAsync(Device viewer, string tile) =>
        (await viewer.Page.Locator(tile + " .presence").InnerTextAsync()).Trim();

    private static async Task<string[]> BigTilesAsync(Device viewer) =>
        await viewer.Page.EvaluateAsync<string[]>(
            "() => Array.from(document.querySelectorAll('#cameras.has-big .camera.big')).map(e => e.querySelector('.name').textContent)");
}
