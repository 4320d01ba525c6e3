using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// A room whose owner set its own TURN server with <c>remotecam rooms ice … --relay-only</c>: the real pages
/// call through a real coturn, and say in words when the TURN server refuses them.
/// </summary>
public sealed class TurnTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    // Keeps every peer connection a page makes, so the test can ask which path the call took (also UdpBlockedTurnTests).
    internal const string KeepPeerConnections = """
        (() => {
          const Original = RTCPeerConnection;
          const kept = (window.__pcs = []);
          const Patched = function (config) { const pc = new Original(config); kept.push(pc); return pc; };
          Patched.prototype = Original.prototype;
          Patched.generateCertificate = Original.generateCertificate;
          window.RTCPeerConnection = Patched;
        })();
        """;

    // The selected pair of every connected peer connection: local type, remote address and port, e.g. "relay 127.0.0.1 55592".
    private const string SelectedPairs = """
        async () => {
          const out = [];
          for (const pc of window.__pcs || []) {
            if (pc.connectionState !== 'connected') continue;
            const stats = await pc.getStats();
            stats.forEach(s => {
              if (s.type === 'transport' && s.selectedCandidatePairId) {
                const pair = stats.get(s.selectedCandidatePairId);
                const remote = stats.get(pair.remoteCandidateId);
                out.push(stats.get(pair.localCandidateId).candidateType + ' ' + (remote.address || remote.ip) + ' ' + remote.port);
              }
            });
          }
          return out;
        }
        """;

    // The viewer tiles' `.call` lines; empty while join.html goes on to viewer.html.
    private static async Task<string> TileCallsAsync(Device viewer)
    {
        try
        {
            return await viewer.Page.EvaluateAsync<string>("() => Array.from(document.querySelectorAll('#cameras .camera .call')).map(e => e.textContent).join(' | ')");
        }
        catch (Microsoft.Playwright.PlaywrightException e) when (e.Message.Contains("navigation", StringComparison.OrdinalIgnoreCase))
        {
            return "";
        }
    }

    [Fact]
    public async Task A_relay_only_room_calls_through_its_turn_server_and_the_database_never_sees_the_password()
    {
        await using var relay = await RelayHost.StartAsync();
        await using var turn = await TurnServer.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        var set = await owner.RunJsonAsync("rooms", "ice", room.Id, "--url", turn.Url, "--username", turn.Username, "--credential", turn.Credential, "--relay-only");
        Assert.True(set.GetProperty("relayOnly").GetBoolean());

        await using var camera = await browser.StartCameraAsync(room);
        await using var viewer = await browser.NewDeviceAsync("viewer");
        await viewer.Context.AddInitScriptAsync(KeepPeerConnections);
        await viewer.GotoAsync(room.ViewerInvitation);
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        await camera.ExpectViewersAsync(1);

        // The live video went through coturn: the viewer's end is a relay candidate and the camera's end is an
        // port coturn relays from (a relay candidate, or one learned from its checks, whose address the browser hides), and both
        // pages allocated there.
        var pairs = await viewer.Page.EvaluateAsync<string[]>(SelectedPairs);
        Assert.True(
            pairs.Length == 1 && pairs[0].Split(' ') is ["relay", "127.0.0.1" or "" or "undefined", var port] && int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) is var p
                && p >= turn.RelayPorts.Min && p <= turn.RelayPorts.Max,
            $"selected candidate pairs: [{string.Join(", ", pairs)}], coturn relays from ports {turn.RelayPorts.Min}-{turn.RelayPorts.Max}\n{turn.Log}");
        Assert.True(turn.AllocationsOf(turn.Username) >= 2, $"coturn allocated {turn.AllocationsOf(turn.Username)} times for the room's user.\n{turn.Log}");
        Assert.Equal(0, turn.RejectedCredentials);

        // The TURN server, its user and password are in the database only sealed.
        var files = relay.StoredFiles();
        foreach (var secret in new[] { turn.Credential, turn.Username, $"127.0.0.1:{turn.Port}" })
        {
            Assert.DoesNotContain(files, f => System.Text.Encoding.UTF8.GetString(f.Bytes).Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_turn_server_that_refuses_the_rooms_credentials_is_named_in_words_on_both_pages()
    {
        await using var relay = await RelayHost.StartAsync();
        await using var turn = await TurnServer.StartAsync();
        using var owner = await Owner.ForRelayAsync(relay);
        var room = await owner.CreateRoomAsync("Home");
        await owner.RunJsonAsync("rooms", "ice", room.Id, "--url", turn.Url, "--username", turn.Username, "--credential", "not-the-password", "--relay-only");

        await using var camera = await browser.StartCameraAsync(room);
        await using var viewer = await browser.NewDeviceAsync("viewer");
        await viewer.GotoAsync(room.ViewerInvitation);

        const string Refused = "refused the username or password";
        var tile = await Eventually.WaitAsync(
            () => TileCallsAsync(viewer),
            text => text.Contains(Refused, StringComparison.Ordinal),
            Device.ConnectTime,
            async text => $"the viewer's tile says \"{text}\".\n{await viewer.DiagnosticsAsync()}\n{turn.Log}");
        Assert.Contains(turn.Url.Split('?')[0], tile, StringComparison.Ordinal);
        await Eventually.WaitAsync(
            () => camera.Page.Locator("#calls").InnerTextAsync(),
            text => text.Contains(Refused, StringComparison.Ordinal),
            Device.ConnectTime,
            async text => $"the camera's calls say \"{text}\".\n{await camera.DiagnosticsAsync()}");
        Assert.True(await viewer.FramesAsync(Device.ViewerVideo) <= 0, "video plays although no path exists");

        // The call does not hang in "connecting" for good: after an ICE restart it gives up with the reason, which
        // stays on the tile while the viewer calls again.
        await Eventually.WaitAsync(
            () => TileCallsAsync(viewer),
            text => text.Contains("No connection path to the camera: the TURN server", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60),
            async text => $"the viewer's tile says \"{text}\".\n{await viewer.DiagnosticsAsync()}");
        Assert.True(turn.RejectedCredentials > 0, turn.Log);
        Assert.Equal(0, turn.Allocations);
    }
}
