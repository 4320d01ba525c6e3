using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>An unattended camera phone comes back by itself when the backend was unreachable as it started.</summary>
public sealed class RecoveryTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_camera_page_that_starts_while_the_backend_is_unreachable_comes_online_by_itself()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await browser.StartCameraAsync(room);

        // The network drops for sign-in and the database (the page itself still loads, as from
        // Firebase Hosting or the browser's cache), and the phone restarts the page.
        static Task Unreachable(Microsoft.Playwright.IRoute route) => route.AbortAsync("connectionrefused");
        await camera.Context.RouteAsync("**/securetoken.googleapis.com/**", Unreachable);
        await camera.Context.RouteAsync("**/identitytoolkit.googleapis.com/**", Unreachable);
        await camera.Context.RouteAsync("**/rooms/**", Unreachable);
        await camera.Page.ReloadAsync();
        var waiting = await camera.WaitForStatusAsync("offline");
        Assert.Contains("Trying again", waiting, StringComparison.Ordinal);

        // The network is back: without anyone touching the phone, the camera comes online and a viewer watches it.
        await camera.Context.UnrouteAllAsync();
        await camera.WaitForStatusAsync("online");
        await using var viewer = await browser.WatchFromLinkAsync(room.ViewerInvitation, "viewer");
        await camera.ExpectViewersAsync(1);
    }
}
