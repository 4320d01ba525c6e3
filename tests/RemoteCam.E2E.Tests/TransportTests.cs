using System.Diagnostics;

using Microsoft.Playwright;

using RemoteCam.E2E.Tests.Infrastructure;
using RemoteCam.Testing;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The pages' transport (docs/pages.md "Transport"): one WebSocket per page for everything, the camera's presence
/// through onDisconnect (a closed tab, a crashed page, a vanished network), and REST + EventSource behind a proxy
/// that refuses WebSockets.
/// </summary>
public sealed class TransportTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>
    /// Test-side counters (an init script of the test's browser context; the pages have no test hook): the
    /// WebSockets and EventSources a page creates.
    /// </summary>
    private const string CountSockets = """
        (() => {
          const W = window.WebSocket, E = window.EventSource;
          window.__sockets = []; window.__sources = 0;
          function Counted(url, protocols) { window.__sockets.push(String(url)); return protocols === undefined ? new W(url) : new W(url, protocols); }
          Counted.prototype = W.prototype;
          Object.assign(Counted, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
          window.WebSocket = Counted;
          function CountedSource(url, init) { window.__sources++; return new E(url, init); }
          CountedSource.prototype = E.prototype;
          window.EventSource = CountedSource;
        })();
        """;

    private static readonly TimeSpan s_closedBound = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_vanishedBound = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task Each_page_carries_all_its_listens_and_writes_on_one_websocket_and_a_closed_camera_tab_is_offline_within_3_s()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await CountedDeviceAsync("camera");
        var cameraRest = CountDatabaseRequests(camera);
        await StartCameraAsync(camera, room.CameraInvitation);
        await using var viewer = await CountedDeviceAsync("viewer");
        var viewerRest = CountDatabaseRequests(viewer);
        await WatchAsync(viewer, room.ViewerInvitation);
        await camera.ExpectViewersAsync(1);

        // Presence, the call (offer, answer, candidates), the inbox and the stills' wants all went over one socket each.
        foreach (var (device, rest) in new[] { (camera, cameraRest), (viewer, viewerRest) })
        {
            var sockets = await device.Page.EvaluateAsync<string[]>("() => window.__sockets");
            Assert.True(sockets.Length == 1, $"{device.Name} opened {sockets.Length} WebSockets: {string.Join(", ", sockets)}");
            Assert.Contains("/.ws?v=5", sockets[0], StringComparison.Ordinal);
            Assert.Equal(0, await device.Page.EvaluateAsync<int>("() => window.__sources"));
            Assert.True(rest.Count == 0, $"{device.Name} also used REST: {string.Join(", ", rest)}");
        }

        await ExpectOnlineAsync(viewer);
        var watch = Stopwatch.StartNew();
        await camera.Page.CloseAsync();
        await ExpectOfflineAsync(viewer, s_closedBound, watch);
    }

    [Fact]
    public async Task A_camera_page_that_crashes_is_offline_on_the_viewer_within_3_s()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var camera = await browser.StartCameraAsync(room);
        await using var viewer = await browser.NewDeviceAsync("viewer");
        await viewer.GotoAsync(room.ViewerInvitation);
        await ExpectOnlineAsync(viewer);

        // The renderer dies: no pagehide, no beacon; only the server notices (the socket closes).
        var cdp = await camera.Context.NewCDPSessionAsync(camera.Page);
        var watch = Stopwatch.StartNew();
        _ = cdp.SendAsync("Page.crash").ContinueWith(t => t.Exception, TaskScheduler.Default);
        await ExpectOfflineAsync(viewer, s_closedBound, watch);
    }

    [Fact]
    public async Task A_camera_whose_network_vanishes_is_offline_on_the_viewer_within_25_s()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var network = new NetworkProxy(relay.Url);
        await using var camera = await browser.NewDeviceAsync("camera");
        await StartCameraAsync(camera, network.Via(room.CameraInvitation));
        await using var viewer = await browser.NewDeviceAsync("viewer");
        await viewer.GotoAsync(room.ViewerInvitation);
        await ExpectOnlineAsync(viewer);

        // The phone leaves the Wi-Fi: nothing more passes, nothing is closed; the relay's pings go unanswered.
        var watch = Stopwatch.StartNew();
        network.Freeze();
        await ExpectOfflineAsync(viewer, s_vanishedBound, watch);
    }

    [Fact]
    public async Task Behind_a_proxy_that_refuses_websockets_the_pages_work_over_rest_and_event_source()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await using var proxy = new NetworkProxy(relay.Url, refuseWebSockets: true);
        await using var camera = await CountedDeviceAsync("camera");
        var watch = Stopwatch.StartNew();
        await StartCameraAsync(camera, proxy.Via(room.CameraInvitation));
        var cameraOnline = watch.Elapsed;
        await using var viewer = await CountedDeviceAsync("viewer");
        await WatchAsync(viewer, proxy.Via(room.ViewerInvitation));
        await camera.ExpectViewersAsync(1);
        await ExpectOnlineAsync(viewer);

        // Each page tried its WebSocket once, was refused, and streams over EventSource.
        Assert.True(proxy.WebSocketUpgrades >= 2, $"the proxy saw {proxy.WebSocketUpgrades} WebSocket upgrades");
        foreach (var device in new[] { camera, viewer })
        {
            Assert.Equal(1, await device.Page.EvaluateAsync<int>("() => window.__sockets.length"));
            Assert.True(await device.Page.EvaluateAsync<int>("() => window.__sources") > 0, $"{device.Name} has no EventSource");
        }

        Assert.True(cameraOnline < TimeSpan.FromSeconds(15), $"the camera came online after {cameraOnline.TotalSeconds:0.0} s");

        // Without onDisconnect, a closed tab still says "offline" at once (its pagehide beacon).
        watch.Restart();
        await camera.Page.CloseAsync();
        await ExpectOfflineAsync(viewer, s_closedBound, watch);
    }

    [Fact]
    public async Task A_page_reconnects_to_the_host_the_servers_handshake_names_and_its_camera_comes_back_online()
    {
        await using var relay = await RelayHost.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        // As Firebase's first host answers "use s-….firebaseio.com": the relay's handshake names the proxy `next`.
        await using var next = new NetworkProxy(relay.Url);
        await using var first = new NetworkProxy(relay.Url) { WebSocketHost = $"127.0.0.1:{next.Port}" };
        // The named host is another origin on plain ws: (Firebase's is wss:, which the pages' CSP allows).
        await using var camera = await CountedDeviceAsync("camera", new() { BypassCSP = true });
        await StartCameraAsync(camera, first.Via(room.CameraInvitation));
        await using var viewer = await browser.NewDeviceAsync("viewer");
        await viewer.GotoAsync(room.ViewerInvitation);
        await ExpectOnlineAsync(viewer);
        Assert.Equal((1, 0), (first.WebSocketUpgrades, next.WebSocketUpgrades));

        // The connection breaks: the page comes back on the named host, and writes its presence again at once
        // (the relay ran the old connection's onDisconnect), not at the next heartbeat 30 s later.
        first.Drop();
        await Eventually.WaitAsync(() => Task.FromResult(next.WebSocketUpgrades), n => n >= 1, TimeSpan.FromSeconds(10),
            async n => $"no WebSocket reached the named host.\n{await camera.DiagnosticsAsync()}");
        var watch = Stopwatch.StartNew();
        var sockets = await camera.Page.EvaluateAsync<string[]>("() => window.__sockets");
        Assert.StartsWith($"ws://127.0.0.1:{next.Port}/.ws?v=5", sockets[^1], StringComparison.Ordinal);
        Assert.Contains("&ls=", sockets[^1], StringComparison.Ordinal);
        await Eventually.WaitAsync(() => PresenceAsync(viewer), text => text == "online", TimeSpan.FromSeconds(5),
            async text => $"the camera's tile says \"{text}\" {watch.Elapsed.TotalSeconds:0.0} s after the reconnection.\n{await viewer.DiagnosticsAsync()}");
        await camera.WaitForStatusAsync("online");
    }

    private async Task<Device> CountedDeviceAsync(string name, BrowserNewContextOptions? options = null)
    {
        var device = await browser.NewDeviceAsync(name, options);
        await device.Context.AddInitScriptAsync(CountSockets);
        return device;
    }

    /// <summary>The database REST requests (reads, writes, streams) a device's camera or viewer page makes.</summary>
    private static List<string> CountDatabaseRequests(Device device)
    {
        var seen = new List<string>();
        // The page's own requests (the service worker's have no frame), not the page's navigations.
        device.Page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            var page = device.Page.Url;
            if (url.AbsolutePath.EndsWith(".json", StringComparison.Ordinal) && !url.AbsolutePath.Contains("/__/", StringComparison.Ordinal)
                && (page.Contains("/camera.html", StringComparison.Ordinal) || page.Contains("/viewer.html", StringComparison.Ordinal)))
            {
                lock (seen)
                {
                    seen.Add(request.Method + " " + url.AbsolutePath);
                }
            }
        };
        return seen;
    }

    private static async Task StartCameraAsync(Device camera, string invitation)
    {
        await camera.GotoAsync(invitation);
        await camera.Page.WaitForURLAsync(url => url.Contains("/camera.html", StringComparison.Ordinal), new() { Timeout = (float)Device.ConnectTime.TotalMilliseconds });
        await camera.WaitForStatusAsync("online");
        await camera.ExpectFramesGrowAsync(Device.CameraPreview, gain: 5);
    }

    private static async Task WatchAsync(Device viewer, string invitation)
    {
        await viewer.GotoAsync(invitation);
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
    }

    /// <summary>The first camera tile's presence text; '' while there is none (or join.html is opening viewer.html).</summary>
    private static async Task<string> PresenceAsync(Device viewer)
    {
        try
        {
            return await viewer.Page.EvaluateAsync<string>("() => { const p = document.querySelector('#cameras .camera .presence'); return p ? p.textContent.trim() : ''; }");
        }
        catch (PlaywrightException e) when (e.Message.Contains("navigation", StringComparison.OrdinalIgnoreCase))
        {
            return "";
        }
    }

    private static async Task ExpectOnlineAsync(Device viewer) =>
        await Eventually.WaitAsync(() => PresenceAsync(viewer), text => text == "online", Device.ConnectTime,
            async text => $"the camera's tile says \"{text}\".\n{await viewer.DiagnosticsAsync()}");

    private static async Task ExpectOfflineAsync(Device viewer, TimeSpan bound, Stopwatch since)
    {
        while (!(await PresenceAsync(viewer)).StartsWith("offline", StringComparison.Ordinal))
        {
            if (since.Elapsed > bound + TimeSpan.FromSeconds(10))
            {
                Assert.Fail($"the viewer still says \"{await PresenceAsync(viewer)}\" after {since.Elapsed.TotalSeconds:0.0} s.\n{await viewer.DiagnosticsAsync()}");
            }

            await Task.Delay(100);
        }

        var took = since.Elapsed;
        Assert.True(took <= bound, $"the viewer said offline after {took.TotalSeconds:0.0} s (bound {bound.TotalSeconds:0} s)");
    }
}
