// Peer layer: RTCPeerConnection negotiation over a Channel, the part shared by both sides. The
// viewer always offers (also for ICE restarts, viewer-call.ts); the camera answers every call in
// its inbox (inbox.ts, camera-call.ts). UI code listens on the buses and never touches
// RTCPeerConnection.
import { Bus } from './bus';
import { CandidateBatcher, Channel, Message } from './channel';
import { IceSettings } from './ice';
import { Db } from './rtdb';
import { withStartBitrate } from './sdp';
import { verificationCode } from './verify';

export type CallState = 'calling' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

export interface CallEvents {
  state: CallState;
  /** The verification code once connected. */
  code: string;
  /** The remote media (viewer side). */
  media: MediaStream;
  /** Why the call ended, in words. */
  ended: string;
  /** A STUN/TURN server failed (wrong credentials, unreachable), in words: why a call may not connect. */
  trouble: string;
}

/** An `icecandidateerror` in words, or '' for one that is no news (a host candidate's address). */
export function iceErrorText(url: string, code: number): string {
  if (!/^(stuns?|turns?):/.test(url)) return '';
  const server = url.replace(/\?.*$/, '');
  if (code === 401) return 'the TURN server ' + server + ' refused the username or password';
  if (code === 701) return server + ' does not answer';
  if (code >= 300 && code < 700) return server + ' refused (error ' + code + ')';
  return '';
}

export interface PeerContext {
  db: Db;
  key: CryptoKey;
  roomId: string;
  uid: string;
  /** Read for each new peer connection: a change applies to the next call. */
  ice: IceSettings;
}

/**
 * Offers only codecs every WebRTC browser has (VP8, constrained-baseline H.264, Opus, with
 * retransmission): the SDP, and so each call's traffic through the database, shrinks by half,
 * and the answer mirrors it. Browsers without setCodecPreferences offer their full list.
 */
export function preferCodecs(t: RTCRtpTransceiver, kind: 'video' | 'audio'): void {
  const caps = typeof RTCRtpReceiver.getCapabilities === 'function' ? RTCRtpReceiver.getCapabilities(kind) : null;
  if (!caps || typeof t.setCodecPreferences !== 'function') return;
  const keep = caps.codecs.filter((c) => {
    const mime = c.mimeType.toLowerCase();
    const fmtp = c.sdpFmtpLine || '';
    if (kind === 'audio') return mime === 'audio/opus';
    if (mime === 'video/vp8' || mime === 'video/rtx') return true;
    return mime === 'video/h264' && /profile-level-id=42e01f/i.test(fmtp) && /packetization-mode=1/.test(fmtp);
  });
  if (!keep.some((c) => !/rtx$/i.test(c.mimeType))) return;
  try {
    t.setCodecPreferences(keep);
  } catch (e) {
    // Keep the browser's defaults.
  }
}
/**
 * The camera's start bitrate (kbit/s): enough for its first 720p frame (see withStartBitrate).
 * Congestion control lowers it within a second on slower paths.
 */
export const START_BITRATE_KBPS = 1000;

/** Applies a viewer's offer on the camera, asking the browser to start sending at START_BITRATE_KBPS. */
export async function applyOffer(pc: RTCPeerConnection, sdp: string): Promise<void> {
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: withStartBitrate(sdp, START_BITRATE_KBPS) });
  } catch (e) {
    // A browser that refuses the edited description gets the offer exactly as sent.
    await pc.setRemoteDescription({ type: 'offer', sdp });
  }
}

export function newConnection(ctx: PeerContext): RTCPeerConnection {
  return new RTCPeerConnection({ iceServers: ctx.ice.iceServers, iceTransportPolicy: ctx.ice.policy, bundlePolicy: 'max-bundle' });
}

export abstract class PeerCall {
  readonly bus = new Bus<CallEvents>();
  readonly pc: RTCPeerConnection;
  state: CallState = 'calling';
  code = '';
  protected channel!: Channel;
  protected batcher: CandidateBatcher;
  protected over = false;

  constructor(protected readonly ctx: PeerContext, watch = false, pc?: RTCPeerConnection) {
    // The "watch" moment for bench/ (ttff: watch → first decoded frame), before anything of the
    // call exists, as the other contenders mark it. Costs nothing.
    if (watch && typeof performance !== 'undefined' && performance.mark) performance.mark('remotecam:watch');
    // max-bundle: one transport, so candidates are gathered (and sent) once, not per m-line.
    this.pc = pc || newConnection(ctx);
    this.batcher = new CandidateBatcher(
      (c, end) => {
        const m: Message = end ? { t: 'cand', c, end: true } : { t: 'cand', c };
        this.send(m);
      },
      () => this.channel.idle(),
    );
    this.pc.onicecandidate = (ev) => this.batcher.add(ev.candidate);
    this.pc.addEventListener('icecandidateerror', (ev) => {
      const e = ev as RTCPeerConnectionIceErrorEvent;
      const text = iceErrorText(e.url || '', e.errorCode);
      if (text && this.state !== 'connected') this.bus.emit('trouble', text);
    });
    this.pc.onconnectionstatechange = () => this.connectionChanged();
    // Browsers without connectionState (older Safari) still report ICE state.
    this.pc.oniceconnectionstatechange = () => {
      if (this.pc.connectionState === undefined) this.connectionChanged();
    };
  }

  /**
   * Resolves once the first local candidates are in the local description (or gathering is over,
   * or after `maxMs`), so the offer carries them: the other side can start ICE checks
   * without waiting for a candidate write, which would itself wait for the offer's acknowledgement.
   * This is not waiting for gathering to finish: later candidates still trickle in batches.
   */
  protected firstCandidates(maxMs: number): Promise<void> {
    const pc = this.pc;
    const sdp = pc.localDescription ? pc.localDescription.sdp : '';
    if (pc.iceGatheringState === 'complete' || sdp.indexOf('a=candidate:') >= 0) return Promise.resolve();
    return new Promise((resolve) => {
      let timer = 0;
      const finish = () => {
        clearTimeout(timer);
        pc.removeEventListener('icecandidate', finish);
        // Candidates of one burst arrive in consecutive tasks: let them land in the description.
        window.setTimeout(resolve, 0);
      };
      timer = window.setTimeout(finish, maxMs);
      pc.addEventListener('icecandidate', finish);
    });
  }

  /**
   * Sends the local description (offer or answer) without the candidates it already carries,
   * then lets the candidate batches follow it.
   */
  protected sendDescription(t: 'offer' | 'answer'): Promise<void> {
    const sdp = this.pc.localDescription!.sdp;
    this.batcher.covered(sdp);
    const sent = this.channel.send({ t, sdp });
    this.batcher.release();
    return sent;
  }

  protected send(m: Message): void {
    if (this.over) return;
    this.channel.send(m).catch((e) => {
      if (!this.over) console.warn('Could not send ' + m.t, e);
    });
  }

  protected setState(s: CallState): void {
    if (this.state === s || this.state === 'ended') return;
    this.state = s;
    this.bus.emit('state', s);
  }

  protected connState(): string {
    const c = this.pc.connectionState;
    if (c !== undefined) return c;
    const i = this.pc.iceConnectionState;
    return i === 'checking' ? 'connecting' : i === 'completed' ? 'connected' : i;
  }

  private connectionChanged(): void {
    const c = this.connState();
    if (c === 'connected') {
      this.setState('connected');
      this.updateCode();
    } else if (c === 'disconnected' || c === 'failed') {
      if (this.state === 'connected') this.setState('reconnecting');
    }
    this.onConnection(c);
  }

  protected abstract onConnection(c: string): void;
  protected abstract offerAnswer(): [string | undefined, string | undefined];

  private async updateCode(): Promise<void> {
    const [offer, answer] = this.offerAnswer();
    if (!offer || !answer) return;
    try {
      const code = await verificationCode(offer, answer);
      if (code !== this.code) {
        this.code = code;
        this.bus.emit('code', code);
      }
    } catch (e) {
      console.warn('No verification code', e);
    }
  }

  /**
   * Adds a batch at once: the browser applies them in order (its operations chain), and the ICE
   * checks do not wait for a round trip to this page per candidate.
   */
  protected async addCandidates(m: { c: RTCIceCandidateInit[] }): Promise<void> {
    await Promise.all(
      (m.c || []).map((c) =>
        this.pc.addIceCandidate(c).catch(() => {
          // A candidate of an earlier ICE generation: harmless.
        }),
      ),
    );
  }

  /** Ends locally: closes the connection and tells listeners why. */
  protected finish(reason: string): void {
    if (this.over) return;
    this.over = true;
    this.batcher.stop();
    if (this.channel) this.channel.close();
    this.pc.close();
    this.state = 'ended';
    this.bus.emit('state', 'ended');
    this.bus.emit('ended', reason);
  }
}
