using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The service worker keeps the app shell (docs/pages.md "Offline and updates"): a camera phone and a viewer
/// reloaded while the server is down still open their pages, say they wait for the network, and connect by
/// themselves when it is back.
/// </summary>
public sealed class OfflineTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    // Resolves once a service worker controls the page and its copy of the shell is complete.
    private const string ShellCached = """
        async () => {
          if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return false;
          const keys = (await caches.keys()).filter(k => k.startsWith('remotecam-shell-'));
          if (keys.length !== 1) return false;
          const cache = await caches.open(keys[0]);
          for (const f of ['camera.html', 'camera.js', 'viewer.html', 'viewer.js', 'style.css']) if (!(await cache.match(f))) return false;
          return true;
        }
        """;

    [Fact]
    public async Task Pages_reloaded_without_the_server_open_say_they_wait_and_connect_when_it_is_back()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await browser.StartCameraAsync(room);
        await using var viewer = await browser.WatchFromLinkAsync(room.ViewerInvitation, "viewer");
        foreach (var device in new[] { camera, viewer })
        {
            await Eventually.WaitAsync(
                () => device.Page.EvaluateAsync<bool>(ShellCached),
                cached => cached,
                Device.ConnectTime,
                async _ => $"{device.Name}: no service worker with a copy of the pages.\n{await device.DiagnosticsAsync()}");
        }

        // The server goes away (a power cut at home); both pages are reloaded, as a phone does after a restart.
        await relay.StopAsync();
        foreach (var device in new[] { camera, viewer })
        {
            await device.Page.ReloadAsync();
            var waiting = await device.WaitForStatusAsync("offline");
            Assert.Contains("Waiting for the network", waiting, StringComparison.Ordinal);
            Assert.Contains("Trying again", waiting, StringComparison.Ordinal);
        }

        Assert.True(await camera.Page.Locator(Device.CameraPreview).IsVisibleAsync(), "the camera page did not open offline");

        // The server is back: nobody touches either device, the camera comes online and the viewer watches again.
        await relay.StartAgainAsync();
        await camera.WaitForStatusAsync("online");
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        await camera.ExpectViewersAsync(1);
    }
}
