using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using RemoteCam.E2E.Tests.Infrastructure;

namespace RemoteCam.E2E.Tests;

/// <summary>
/// A camera and a viewer on two networks that drop UDP (<see cref="UdpBlockedNetwork"/>: network
/// namespaces the test makes, each browser launched inside its own) and cannot reach each other:
/// a room whose TURN server is reached over TCP (<c>turn:…?transport=tcp</c>) or over TLS
/// (<c>turns:</c>, coturn with a certificate the test makes) still connects, through coturn, and
/// both ends of the selected candidate pair are relay candidates allocated over that transport.
/// </summary>
public sealed class UdpBlockedTurnTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    // The selected pair of every connected peer connection: "local-type relayProtocol local-address remote-type".
    private const string SelectedPairs = """
        async () => {
          const out = [];
          for (const pc of window.__pcs || []) {
            if (pc.connectionState !== 'connected') continue;
            const stats = await pc.getStats();
            stats.forEach(s => {
              if (s.type === 'transport' && s.selectedCandidatePairId) {
                const pair = stats.get(s.selectedCandidatePairId);
                const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
                out.push([local.candidateType, local.relayProtocol || '-', local.address || local.ip, remote.candidateType].join(' '));
              }
            });
          }
          return out;
        }
        """;

    // Gathers candidates with one ICE server and returns what came within a few seconds: "relay ADDRESS:PORT" and "error CODE TEXT" lines.
    private const string Gather = """
        async ([url, username, credential]) => {
          const pc = new RTCPeerConnection({ iceServers: [{ urls: url, username, credential }], iceTransportPolicy: 'relay' });
          const relays = [], errors = [];
          pc.onicecandidate = e => { if (e.candidate && e.candidate.type === 'relay') relays.push(e.candidate.address + ':' + e.candidate.port); };
          pc.onicecandidateerror = e => errors.push(e.errorCode + ' ' + e.errorText);
          pc.createDataChannel('probe');
          await pc.setLocalDescription(await pc.createOffer());
          await new Promise(done => {
            const timer = setTimeout(done, 6000);
            pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') { clearTimeout(timer); done(); } };
          });
          pc.close();
          return [...relays.map(r => 'relay ' + r), ...errors.map(e => 'error ' + e)];
        }
        """;

    [Fact]
    public Task A_room_whose_turn_server_is_reached_over_tcp_connects_when_the_networks_drop_udp() => CallAsync(tls: false);

    [Fact]
    public Task A_room_whose_turn_server_is_reached_over_tls_connects_when_the_networks_drop_udp() => CallAsync(tls: true);

    private async Task CallAsync(bool tls)
    {
        await using var network = await UdpBlockedNetwork.CreateAsync();
        await using var relay = await RelayHost.StartAsync(network.ServerAddress.ToString());
        using var owner = await Owner.ForRelayAsync(relay);
        var certificate = tls ? TestCertificate.Write(owner.Folder, network.ServerAddress) : null;
        await using var turn = await TurnServer.StartAsync(network.ServerAddress, certificate?.Files);
        var url = tls ? turn.TlsUrl : turn.TcpUrl;
        var room = await owner.CreateRoomAsync("Home");
        await owner.RunJsonAsync("rooms", "ice", room.Id, "--url", url, "--username", turn.Username, "--credential", turn.Credential);

        // Chromium checks a turns: server's certificate like any other: it is told to trust this one (its key, by hash) only.
        string[] trust = certificate is null ? [] : ["--ignore-certificate-errors-spki-list=" + certificate.SpkiHash];
        await using var cameraBrowser = await browser.LaunchInNetworkAsync(network, network.CameraNamespace, relay.Url, trust);
        await using var viewerBrowser = await browser.LaunchInNetworkAsync(network, network.ViewerNamespace, relay.Url, trust);

        // The network really drops UDP: from the camera's network the same coturn gives no relay candidate over
        // UDP, and one over the room's transport.
        await using (var probe = await Device.NewAsync("probe", cameraBrowser))
        {
            await probe.GotoAsync(relay.Url.ToString());
            var overUdp = probe.Page.EvaluateAsync<string[]>(Gather, new[] { turn.Url, turn.Username, turn.Credential });
            var overRoom = probe.Page.EvaluateAsync<string[]>(Gather, new[] { url, turn.Username, turn.Credential });
            var (udp, viaRoom) = (await overUdp, await overRoom);
            Assert.True(!udp.Any(IsRelay), $"over UDP coturn gave [{string.Join(", ", udp)}]: UDP is not dropped.\n{await network.RulesAsync(network.CameraNamespace)}");
            Assert.True(viaRoom.Any(IsRelay), $"over {url} no relay candidate was gathered: [{string.Join("; ", viaRoom)}]\n{turn.Log}");
        }

        await using var camera = await Device.NewAsync("camera", cameraBrowser);
        await camera.Context.AddInitScriptAsync(PeerConnections.Keep);
        await camera.GotoAsync(room.CameraInvitation);
        await camera.WaitForStatusAsync("online");
        await using var viewer = await Device.NewAsync("viewer", viewerBrowser);
        await viewer.Context.AddInitScriptAsync(PeerConnections.Keep);
        await viewer.GotoAsync(room.ViewerInvitation);
        await viewer.ExpectFramesGrowAsync(Device.ViewerVideo);
        await camera.ExpectViewersAsync(1);

        // Both ends of the call are relay candidates allocated from coturn over TCP or TLS.
        var protocol = tls ? "tls" : "tcp";
        foreach (var device in new[] { viewer, camera })
        {
            var pairs = await device.Page.EvaluateAsync<string[]>(SelectedPairs);
            Assert.True(
                pairs.Length == 1 && pairs[0].Split(' ') is ["relay", var relayProtocol, _, "relay"] && relayProtocol == protocol,
                $"{device.Name}'s selected candidate pairs: [{string.Join(", ", pairs)}], expected a relay candidate over {protocol} to a relay candidate.\n{turn.Log}");
        }

        Assert.True(turn.AllocationsOf(turn.Username) >= 2, $"coturn allocated {turn.AllocationsOf(turn.Username)} times for the room's user.\n{turn.Log}");
        Assert.Equal(0, turn.RejectedCredentials);
    }

    private static bool IsRelay(string gathered) => gathered.StartsWith("relay ", StringComparison.Ordinal);

    /// <summary>A certificate for coturn's TLS listener on a test network's address, signed by a CA made here.</summary>
    private sealed record TestCertificate(TurnTls Files, string SpkiHash)
    {
        public static TestCertificate Write(string folder, IPAddress address)
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=RemoteCam test TURN CA", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
            var now = DateTimeOffset.UtcNow;
            using var ca = caRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));

            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN={address}", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(address);
            request.CertificateExtensions.Add(san.Build());
            using var leaf = request.Create(ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

            var files = new TurnTls(Path.Combine(folder, "turn-cert.pem"), Path.Combine(folder, "turn-key.pem"));
            File.WriteAllText(files.CertificateFile, leaf.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n");
            File.WriteAllText(files.KeyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
            var spki = Convert.ToBase64String(SHA256.HashData(leaf.PublicKey.ExportSubjectPublicKeyInfo()));
            return new TestCertificate(files, spki);
        }
    }
}
