// Connection details of a call, read from getStats (docs/pages.md "Connection details"): the
// path (direct, or through which TURN server), round-trip time, bitrate, frame rate, picture
// size and packet loss. Rates are differences between two samples; nothing is estimated.

export interface Details {
  /** 'direct' (host or STUN candidates on both ends) or 'turn' (a relay candidate on either end). */
  path: 'direct' | 'turn' | '';
  /** In words: "direct, same network", "direct, through NAT", "direct", "via TURN turn:host:3478", … */
  route: string;
  /** Round-trip time of the selected candidate pair, ms; null when not measured yet. */
  rttMs: number | null;
  /** Received (viewer) or sent (camera) media bitrate, kbit/s; null on the first sample. */
  kbps: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  /** Packets lost between the last two samples, in %; null on the first sample. */
  lossPct: number | null;
}

interface Counters {
  at: number;
  bytes: number;
  packets: number;
  lost: number;
  frames: number;
}

type Stat = { [k: string]: unknown } & { type: string; id: string };

function num(x: unknown): number | null {
  return typeof x === 'number' && isFinite(x) ? x : null;
}

function candidateText(c: Stat | undefined): string {
  return c ? String(c.candidateType || c.type || '') : '';
}

/** Samples one peer connection; call `sample()` about once a second. */
export class StatsSampler {
  private last: Counters | null = null;

  /** `direction`: 'in' reads what arrives (viewer), 'out' what leaves (camera). */
  constructor(private readonly pc: RTCPeerConnection, private readonly direction: 'in' | 'out') {}

  async sample(): Promise<Details> {
    const report = await this.pc.getStats();
    const all: Stat[] = [];
    report.forEach((s) => all.push(s as Stat));
    const byId = (id: unknown): Stat | undefined => (typeof id === 'string' ? (report.get(id) as Stat | undefined) : undefined);

    // The selected pair: the transport names it; older browsers flag it on the pair.
    let pair: Stat | undefined;
    for (const s of all) if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId(s.selectedCandidatePairId);
    if (!pair) pair = all.filter((s) => s.type === 'candidate-pair' && (s.selected === true || (s.nominated === true && s.state === 'succeeded')))[0];
    const local = pair ? byId(pair.localCandidateId) : undefined;
    const remote = pair ? byId(pair.remoteCandidateId) : undefined;
    const lt = candidateText(local), rt = candidateText(remote);
    let path: Details['path'] = '';
    let route = '';
    if (pair) {
      if (lt === 'relay') {
        path = 'turn';
        const url = local && typeof local.url === 'string' ? local.url.replace(/\?.*$/, '') : '';
        route = 'via TURN' + (url ? ' ' + url : '');
      } else if (rt === 'relay') {
        path = 'turn';
        route = "via the other side's TURN server";
      } else {
        path = 'direct';
        // srflx: an address a STUN server saw, so a NAT is in between; host on both ends: one network.
        route = lt === 'srflx' || rt === 'srflx' ? 'direct, through NAT' : lt === 'host' && rt === 'host' ? 'direct, same network' : 'direct';
      }
    }
    const rtt = pair ? num(pair.currentRoundTripTime) : null;

    const kind = this.direction === 'in' ? 'inbound-rtp' : 'outbound-rtp';
    const now: Counters = { at: Date.now(), bytes: 0, packets: 0, lost: 0, frames: 0 };
    let fps: number | null = null, width: number | null = null, height: number | null = null;
    for (const s of all) {
      if (s.type !== kind) continue;
      now.bytes += num(this.direction === 'in' ? s.bytesReceived : s.bytesSent) || 0;
      now.packets += num(this.direction === 'in' ? s.packetsReceived : s.packetsSent) || 0;
      if (s.kind === 'video') {
        now.frames += num(this.direction === 'in' ? s.framesDecoded : s.framesEncoded) || 0;
        fps = num(s.framesPerSecond) !== null ? num(s.framesPerSecond) : fps;
        width = num(s.frameWidth) || width;
        height = num(s.frameHeight) || height;
      }
    }
    // What the other side reports losing (camera) or what this side counts as lost (viewer).
    if (this.direction === 'in') {
      for (const s of all) if (s.type === 'inbound-rtp') now.lost += num(s.packetsLost) || 0;
    } else {
      for (const s of all) if (s.type === 'remote-inbound-rtp') now.lost += num(s.packetsLost) || 0;
    }
    const prev = this.last;
    this.last = now;
    let kbps: number | null = null, lossPct: number | null = null;
    if (prev && now.at > prev.at) {
      const dt = (now.at - prev.at) / 1000;
      kbps = Math.max(0, ((now.bytes - prev.bytes) * 8) / 1000 / dt);
      if (fps === null) fps = Math.max(0, (now.frames - prev.frames) / dt);
      const lost = Math.max(0, now.lost - prev.lost);
      const got = Math.max(0, now.packets - prev.packets);
      lossPct = lost + got > 0 ? (100 * lost) / (lost + got) : 0;
    }
    return { path, route, rttMs: rtt === null ? null : rtt * 1000, kbps, fps, width, height, lossPct };
  }
}

/** "direct, same network · 3 ms · 1.9 Mbit/s · 24 fps · 1280×720 · 0.0% lost". */
export function detailsText(d: Details): string {
  const parts: string[] = [d.route || 'finding a path…'];
  if (d.rttMs !== null) parts.push(Math.round(d.rttMs) + ' ms');
  if (d.kbps !== null) parts.push(d.kbps >= 1000 ? (d.kbps / 1000).toFixed(1) + ' Mbit/s' : Math.round(d.kbps) + ' kbit/s');
  if (d.fps !== null) parts.push(Math.round(d.fps) + ' fps');
  if (d.width && d.height) parts.push(d.width + '×' + d.height);
  if (d.lossPct !== null) parts.push(d.lossPct.toFixed(1) + '% lost');
  return parts.join(' · ');
}
