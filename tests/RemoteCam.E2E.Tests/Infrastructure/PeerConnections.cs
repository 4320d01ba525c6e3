using System.Text.Json;

using Microsoft.Playwright;

namespace RemoteCam.E2E.Tests.Infrastructure;

/// <summary>
/// What a page's peer connections really send and receive, read with <c>getStats()</c> from the test's side
/// (independently of what the page shows): the init script <see cref="Keep"/> keeps every connection a page makes.
/// </summary>
internal static class PeerConnections
{
    /// <summary>An init script that keeps every <c>RTCPeerConnection</c> the page makes in <c>window.__pcs</c>.</summary>
    public const string Keep = """
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
    private const string SelectedPairsScript = """
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

    // Totals of the inbound RTP streams of one kind over the connected peer connections.
    private const string InboundScript = """
        async kind => {
          const out = { width: 0, height: 0, fps: 0, frames: 0, packets: 0, energy: 0 };
          for (const pc of window.__pcs || []) {
            if (pc.connectionState !== 'connected') continue;
            (await pc.getStats()).forEach(s => {
              if (s.type !== 'inbound-rtp' || s.kind !== kind) return;
              out.width = Math.max(out.width, s.frameWidth || 0);
              out.height = Math.max(out.height, s.frameHeight || 0);
              out.fps = Math.max(out.fps, s.framesPerSecond || 0);
              out.frames += s.framesDecoded || 0;
              out.packets += s.packetsReceived || 0;
              out.energy += s.totalAudioEnergy || 0;
            });
          }
          return out;
        }
        """;

    /// <summary>Local candidate type, remote address and port of each connected connection's selected pair.</summary>
    public static async Task<string[]> SelectedPairsAsync(IPage page) => await page.EvaluateAsync<string[]>(SelectedPairsScript);

    /// <summary>What arrives over RTP of <paramref name="kind"/> ("video" or "audio"), summed over connected connections.</summary>
    public static async Task<Inbound> InboundAsync(IPage page, string kind)
    {
        var v = await page.EvaluateAsync<JsonElement>(InboundScript, kind);
        return new Inbound(
            v.GetProperty("width").GetInt32(),
            v.GetProperty("height").GetInt32(),
            v.GetProperty("fps").GetDouble(),
            v.GetProperty("frames").GetInt64(),
            v.GetProperty("packets").GetInt64(),
            v.GetProperty("energy").GetDouble());
    }
}

/// <summary>Inbound RTP as getStats reports it: the picture's size and frame rate, decoded frames, packets, audio energy.</summary>
internal sealed record Inbound(int Width, int Height, double Fps, long Frames, long Packets, double Energy);
