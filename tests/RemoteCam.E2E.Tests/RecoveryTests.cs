using System.Text.Json;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>An unattended camera phone recovers by itself: from an unreachable start, from calls it cannot open.</summary>
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
        // The database's WebSocket too: refused while the network is down, passed on once it is back.
        var down = true;
        await camera.Context.RouteWebSocketAsync("**/.ws**", ws =>
        {
            if (down)
            {
                _ = ws.CloseAsync();
            }
            else
            {
                ws.ConnectToServer();
            }
        });
        await camera.Page.ReloadAsync();
        var waiting = await camera.WaitForStatusAsync("offline");
        Assert.Contains("Trying again", waiting, StringComparison.Ordinal);

        // The network is back: without anyone touching the phone, the camera comes online and a viewer watches it.
        down = false;
        await camera.Context.UnrouteAllAsync();
        await camera.WaitForStatusAsync("online");
        await using var viewer = await browser.WatchFromLinkAsync(room.ViewerInvitation, "viewer");
        await camera.ExpectViewersAsync(1);
    }

    [Fact]
    public async Task A_call_whose_offer_cannot_be_opened_is_ended_by_the_camera()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        var before = await owner.MembersAsync(room, "camera");
        await using var camera = await browser.StartCameraAsync(room);
        var cameraUid = await owner.NewMemberAsync(room, "camera", before);

        // A forged call, as the database's operator (or a device without the room secret) could
        // write: its offer does not open, so it must not hold the camera's resources for good.
        var path = $"rooms/{room.Id}/calls/{cameraUid}/stranger-abcdefghij";
        await relay.AdminWriteAsync(path, """{"created":{".sv":"timestamp"},"v":{"0":"1.AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"}}""");
        Assert.Equal(JsonValueKind.Object, (await relay.AdminReadAsync(path)).ValueKind);
        await Eventually.WaitAsync(
            () => relay.AdminReadAsync(path),
            call => call.ValueKind == JsonValueKind.Null,
            TimeSpan.FromSeconds(40),
            call => Task.FromResult($"the camera did not end the forged call: {call}"));

        // The camera still serves a real viewer.
        await using var viewer = await browser.WatchFromLinkAsync(room.ViewerInvitation, "viewer");
    }
}
