using System.Diagnostics;
using System.Globalization;

using Microsoft.Playwright;

using RemoteCam.E2E.Tests.Infrastructure;

using Xunit.Abstractions;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// A call survives its network being cut, without anyone touching a page: the camera and the
/// viewer each sit in a network namespace behind a switch the test makes (<see cref="CuttableNetwork"/>),
/// their browsers running inside them, the relay on this machine's port of the switch. A cut drops
/// every packet of one device silently (its switch port disabled). While it lasts the viewer says
/// in words that the connection is lost; once the network is back, live video must be back within
/// <see cref="RecoveryBound"/>. The figures measured are printed (docs/testing.md "Network faults").
/// One fixture (network, relay, browsers, one running call) serves every case, so the cases cost
/// little more than their cuts.
/// </summary>
public sealed class NetworkFaultTests(NetworkFaultTests.Call call, ITestOutputHelper output) : IClassFixture<NetworkFaultTests.Call>
{
    /// <summary>The bound: video is back this soon after the network returns.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(5);

    // The viewer's tile: the words about its call (tile.ts `.call`).
    private const string CallLine = "#cameras .camera .call";

    // The viewer's video: decoded frames and whether a stream is attached.
    private const string VideoScript = """
        () => {
          const v = document.querySelector('#cameras .camera video');
          if (!v || !v.srcObject) return -1;
          return v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
        }
        """;

    [Fact]
    public Task The_camera_cut_off_for_10_s_is_live_again_within_5_s_of_its_network_returning() =>
        CutAsync(call.Network.CameraNamespace, "camera", TimeSpan.FromSeconds(10));

    [Fact]
    public Task The_viewer_cut_off_for_10_s_is_live_again_within_5_s_of_its_network_returning() =>
        CutAsync(call.Network.ViewerNamespace, "viewer", TimeSpan.FromSeconds(10));

    [Fact]
    public Task The_camera_cut_off_for_60_s_is_called_again_and_live_within_5_s_of_its_network_returning() =>
        CutAsync(call.Network.CameraNamespace, "camera", TimeSpan.FromSeconds(60));

    private async Task CutAsync(string networkNamespace, string who, TimeSpan cut)
    {
        var viewer = call.Viewer;
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        var callsBefore = await call.CallIdsAsync();

        await call.Network.CutAsync(networkNamespace);
        var cutAt = Stopwatch.StartNew();
        try
        {
            // The video stops (the cut is real), and the viewer says so in words before the network returns.
            var frozenAt = await FramesAsync(viewer);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var frozen = await FramesAsync(viewer);
            Assert.True(frozen - frozenAt <= 5, $"the viewer decoded {frozen - frozenAt} frames in 2 s with the {who}'s network cut: the cut does not drop packets.");
            var words = await Eventually.WaitAsync(
                async () => (await viewer.Page.Locator(CallLine).TextContentAsync() ?? "").Trim(),
                text => text.Contains("lost", StringComparison.OrdinalIgnoreCase),
                cut - cutAt.Elapsed - TimeSpan.FromMilliseconds(500),
                async text => $"the viewer's tile says '{text}' during the {who}'s cut, expected words that the connection is lost.\n{await viewer.DiagnosticsAsync()}");
            var saidAfter = cutAt.Elapsed;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{who} cut {cut.TotalSeconds:0} s: the viewer said '{words}' {saidAfter.TotalSeconds:0.0} s after the cut"));
            var rest = cut - cutAt.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }
        finally
        {
            await call.Network.RestoreAsync(networkNamespace);
        }

        var recovered = await VideoMovingAsync(viewer, RecoveryBound + TimeSpan.FromSeconds(25));
        var callsAfter = await call.CallIdsAsync();
        var remade = !callsAfter.SetEquals(callsBefore);
        var wordsNow = (await viewer.Page.Locator(CallLine).TextContentAsync() ?? "").Trim();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{who} cut {cut.TotalSeconds:0} s: live video {(recovered is { } r ? $"back {r.TotalSeconds:0.00} s" : "NOT back")} after the network returned; call {(remade ? "re-made" : "kept")}; words now '{wordsNow}'"));
        Assert.True(
            recovered is { } took && took <= RecoveryBound,
            $"after the {who}'s {cut.TotalSeconds:0} s cut live video came back {(recovered is { } t ? $"after {t.TotalSeconds:0.0} s" : "not at all")}, bound {RecoveryBound.TotalSeconds:0} s.\n{await viewer.DiagnosticsAsync()}\n{await call.Camera.DiagnosticsAsync()}");
    }

    /// <summary>How long until the viewer's video decodes again: 3 frames more over ≥ 2 samples; null if not within <paramref name="within"/>.</summary>
    private static async Task<TimeSpan?> VideoMovingAsync(Device viewer, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var last = await FramesAsync(viewer);
        var rising = 0L;
        var rises = 0;
        while (clock.Elapsed < within)
        {
            await Task.Delay(100);
            var now = await FramesAsync(viewer);
            if (now > last && last >= 0)
            {
                rising += now - last;
                rises++;
                if (rising >= 3 && rises >= 2)
                {
                    return clock.Elapsed;
                }
            }
            else if (now < last || now < 0)
            {
                // A new call: a new stream whose count starts again.
                rising = 0;
                rises = 0;
            }

            last = now;
        }

        return null;
    }

    private static async Task<long> FramesAsync(Device viewer)
    {
        try
        {
            return await viewer.Page.EvaluateAsync<long>(VideoScript);
        }
        catch (PlaywrightException)
        {
            return -1;
        }
    }

    /// <summary>The network, the relay on this machine's port of it, a camera and a viewer in their namespaces, in a call.</summary>
    public sealed class Call : IAsyncLifetime
    {
        private readonly BrowserFixture _browser = new();
        private CuttableNetwork? _network;
        private RelayHost? _relay;
        private Owner? _owner;
        private IBrowser? _cameraBrowser;
        private IBrowser? _viewerBrowser;
        private Device? _camera;
        private Device? _viewer;
        private Room? _room;

        internal CuttableNetwork Network => _network ?? throw new InvalidOperationException("not started");

        internal Device Camera => _camera ?? throw new InvalidOperationException("not started");

        internal Device Viewer => _viewer ?? throw new InvalidOperationException("not started");

        public async Task InitializeAsync()
        {
            await _browser.InitializeAsync();
            _network = await CuttableNetwork.CreateAsync();
            _relay = await RelayHost.StartAsync(_network.ServerAddress.ToString());
            _owner = await Owner.ForRelayAsync(_relay);
            _room = await _owner.CreateRoomAsync("Home");
            _cameraBrowser = await _browser.LaunchInNetworkAsync(_network, _network.CameraNamespace, _relay.Url);
            _viewerBrowser = await _browser.LaunchInNetworkAsync(_network, _network.ViewerNamespace, _relay.Url);
            _camera = await Device.NewAsync("camera", _cameraBrowser);
            await _camera.GotoAsync(_room.CameraInvitation);
            await _camera.Page.WaitForURLAsync(url => url.Contains("/camera.html", StringComparison.Ordinal), new() { Timeout = (float)Device.ConnectTime.TotalMilliseconds });
            await _camera.WaitForStatusAsync("online");
            _viewer = await Device.NewAsync("viewer", _viewerBrowser);
            await _viewer.GotoAsync(_room.ViewerInvitation);
            await _viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        }

        /// <summary>The ids of the calls in the room's inboxes now.</summary>
        internal async Task<IReadOnlySet<string>> CallIdsAsync()
        {
            var calls = await _relay!.AdminReadAsync($"rooms/{_room!.Id}/calls");
            var ids = new HashSet<string>();
            if (calls.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                foreach (var inbox in calls.EnumerateObject())
                {
                    if (inbox.Value.ValueKind == System.Text.Json.JsonValueKind.Object)
                    {
                        ids.UnionWith(inbox.Value.EnumerateObject().Select(c => c.Name));
                    }
                }
            }

            return ids;
        }

        public async Task DisposeAsync()
        {
            foreach (var device in new[] { _viewer, _camera })
            {
                if (device is not null)
                {
                    await device.DisposeAsync();
                }
            }

            foreach (var browser in new[] { _viewerBrowser, _cameraBrowser })
            {
                if (browser is not null)
                {
                    await browser.DisposeAsync();
                }
            }

            await _browser.DisposeAsync();
            _owner?.Dispose();
            if (_relay is not null)
            {
                await _relay.DisposeAsync();
            }

            if (_network is not null)
            {
                await _network.DisposeAsync();
            }
        }
    }
}
