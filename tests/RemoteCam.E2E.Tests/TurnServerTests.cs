using System.Net;
using System.Text.Json;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// The TURN fixture (Debian's coturn) proven with the real browser, without the product pages:
/// two peer connections in one page that may only use relayed candidates.
/// </summary>
public sealed class TurnServerTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>
    /// Two relay-only peer connections in the page, wired to each other: offer, answer and
    /// candidates are exchanged in the page; a data channel message is sent once the channel opens.
    /// Returns what happened as JSON: the outcome, the message received, the candidates gathered,
    /// the candidate errors and the selected candidate pair's local and remote candidates.
    /// </summary>
    private const string RelayOnlyCallScript = """
        async (argumentsJson) => {
          const args = JSON.parse(argumentsJson);
          const config = {
            iceServers: [{ urls: args.url, username: args.username, credential: args.credential }],
            iceTransportPolicy: 'relay',
          };
          const a = new RTCPeerConnection(config);
          const b = new RTCPeerConnection(config);
          const candidates = { a: [], b: [] };
          const errors = [];
          // A candidate is added once the other side has the description it belongs to.
          const described = new Map();
          for (const pc of [a, b]) {
            let resolve;
            described.set(pc, { done: new Promise(r => { resolve = r; }), resolve: () => resolve() });
          }
          for (const [name, from, to] of [['a', a, b], ['b', b, a]]) {
            from.onicecandidate = event => {
              if (!event.candidate) return;
              candidates[name].push({ type: event.candidate.type, address: event.candidate.address, port: event.candidate.port });
              described.get(to).done.then(() => to.addIceCandidate(event.candidate))
                .catch(error => errors.push({ pc: name, addIceCandidate: String(error) }));
            };
            from.onicecandidateerror = event => errors.push({ pc: name, url: event.url, errorCode: event.errorCode, errorText: event.errorText });
          }
          const deadline = new Promise(resolve => setTimeout(() => resolve('timeout'), args.waitMs));
          const channel = a.createDataChannel('probe');
          const opened = new Promise(resolve => { channel.onopen = () => resolve('open'); });
          const received = new Promise(resolve => {
            b.ondatachannel = event => { event.channel.onmessage = message => resolve(message.data); };
          });

          await a.setLocalDescription(await a.createOffer());
          await b.setRemoteDescription(a.localDescription);
          described.get(b).resolve();
          await b.setLocalDescription(await b.createAnswer());
          await a.setRemoteDescription(b.localDescription);
          described.get(a).resolve();

          const outcome = await Promise.race([opened, deadline]);
          let message = null;
          if (outcome === 'open') {
            channel.send(args.message);
            message = await Promise.race([received, deadline.then(() => null)]);
          }

          const describe = candidate => candidate && {
            type: candidate.candidateType, address: candidate.address, port: candidate.port,
            protocol: candidate.protocol, relayProtocol: candidate.relayProtocol || null, url: candidate.url || null,
          };
          const stats = await a.getStats();
          let pair = null;
          stats.forEach(report => {
            if (report.type === 'transport' && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId);
          });
          const result = {
            outcome, message, candidates, errors,
            connectionState: a.connectionState,
            selected: pair && { state: pair.state, local: describe(stats.get(pair.localCandidateId)), remote: describe(stats.get(pair.remoteCandidateId)) },
          };
          a.close();
          b.close();
          return JSON.stringify(result);
        }
        """;

    [Fact]
    public async Task The_fixture_answers_stun_binding_requests_on_127_0_0_1()
    {
        await using var turn = await TurnServer.StartAsync();

        var mapped = await TurnServer.StunBindingAsync(new IPEndPoint(IPAddress.Loopback, turn.Port), TimeSpan.FromSeconds(5));

        Assert.NotNull(mapped);
        Assert.Equal(IPAddress.Loopback, mapped.Address);
        Assert.StartsWith($"turn:127.0.0.1:{turn.Port}?transport=udp", turn.Url, StringComparison.Ordinal);
        Assert.NotEqual(turn.Username, turn.Credential);
    }

    [Fact]
    public async Task A_relay_only_call_in_chromium_goes_through_the_turn_server()
    {
        await using var turn = await TurnServer.StartAsync();
        await using var device = await browser.NewDeviceAsync("browser");
        await device.GotoAsync("about:blank");

        using var result = await CallAsync(device, turn.Url, turn.Username, turn.Credential, waitMs: 20_000);
        var root = result.RootElement;
        var details = $"page result: {root}\n--- coturn log:\n{turn.Log}";

        Assert.True(root.GetProperty("outcome").GetString() == "open", $"the data channel did not open.\n{details}");
        Assert.True(root.GetProperty("message").GetString() == "through the relay", $"the message did not arrive.\n{details}");
        Assert.True(root.GetProperty("connectionState").GetString() == "connected", details);

        // Only relayed candidates were gathered, and they are the fixture's relayed addresses.
        foreach (var side in new[] { "a", "b" })
        {
            var gathered = root.GetProperty("candidates").GetProperty(side).EnumerateArray().ToList();
            Assert.True(gathered.Count > 0, $"peer {side} gathered no candidate.\n{details}");
            Assert.All(gathered, candidate => AssertFixtureRelay(turn, candidate, details));
        }

        var selected = root.GetProperty("selected");
        Assert.True(selected.ValueKind == JsonValueKind.Object, $"no selected candidate pair.\n{details}");
        Assert.Equal("succeeded", selected.GetProperty("state").GetString());
        var local = selected.GetProperty("local");
        AssertFixtureRelay(turn, local, details);
        Assert.Equal("udp", local.GetProperty("relayProtocol").GetString());
        Assert.Equal(turn.Url, local.GetProperty("url").GetString());
        AssertFixtureRelay(turn, selected.GetProperty("remote"), details);

        // coturn granted both peer connections an allocation and let them reach each other.
        await Eventually.WaitAsync(
            () => Task.FromResult((Allocations: turn.AllocationsOf(turn.Username), Permissions: turn.PeerPermissions)),
            counts => counts.Allocations >= 2 && counts.Permissions >= 2,
            TimeSpan.FromSeconds(10),
            counts => Task.FromResult($"coturn logged {counts.Allocations} allocations and {counts.Permissions} peer permissions, expected at least 2 of each.\n{details}"));
        Assert.Equal(0, turn.RejectedCredentials);
    }

    [Fact]
    public async Task A_wrong_credential_gathers_no_relay_candidate_and_never_connects()
    {
        await using var turn = await TurnServer.StartAsync();
        await using var device = await browser.NewDeviceAsync("browser");
        await device.GotoAsync("about:blank");

        using var result = await CallAsync(device, turn.Url, turn.Username, turn.Credential + "x", waitMs: 5_000);
        var root = result.RootElement;
        var details = $"page result: {root}\n--- coturn log:\n{turn.Log}";

        Assert.True(root.GetProperty("outcome").GetString() == "timeout", $"the data channel opened with a wrong credential.\n{details}");
        Assert.True(root.GetProperty("message").ValueKind == JsonValueKind.Null, details);
        Assert.True(root.GetProperty("connectionState").GetString() != "connected", details);
        Assert.True(
            root.GetProperty("candidates").GetProperty("a").GetArrayLength() == 0
                && root.GetProperty("candidates").GetProperty("b").GetArrayLength() == 0,
            $"candidates were gathered with a wrong credential.\n{details}");
        Assert.True(
            root.GetProperty("errors").EnumerateArray().Any(e => e.TryGetProperty("errorCode", out var code) && code.GetInt32() == 401),
            $"the page saw no icecandidateerror 401 (Unauthorized).\n{details}");

        // The refusal is coturn's, and it granted nothing.
        await Eventually.WaitAsync(
            () => Task.FromResult(turn.RejectedCredentials),
            rejected => rejected > 0,
            TimeSpan.FromSeconds(10),
            _ => Task.FromResult($"coturn logged no rejected credentials.\n{details}"));
        Assert.Equal(0, turn.Allocations);
    }

    private static async Task<JsonDocument> CallAsync(Device device, string url, string username, string credential, int waitMs)
    {
        var arguments = JsonSerializer.Serialize(new { url, username, credential, waitMs, message = "through the relay" });
        return JsonDocument.Parse(await device.Page.EvaluateAsync<string>(RelayOnlyCallScript, arguments));
    }

    private static void AssertFixtureRelay(TurnServer turn, JsonElement candidate, string details)
    {
        var type = candidate.GetProperty("type").GetString();
        var address = candidate.GetProperty("address").GetString();
        var port = candidate.GetProperty("port").GetInt32();
        Assert.True(
            type == "relay" && address == "127.0.0.1" && port >= turn.RelayPorts.Min && port <= turn.RelayPorts.Max,
            $"candidate {candidate} is not a relayed address of the fixture (relay, 127.0.0.1, ports {turn.RelayPorts.Min}-{turn.RelayPorts.Max}).\n{details}");
    }
}
