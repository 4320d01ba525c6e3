// Peer layer: RTCPeerConnection negotiation over a Channel. The viewer always offers (also for
// ICE restarts); the camera answers every call in its inbox. UI code listens on the buses and
// never touches RTCPeerConnection.
import { randomId } from './b64';
import { Bus } from './bus';
import { CandidateBatcher, Channel, Message } from './channel';
import { IceSettings, sameIce } from './ice';
import * as paths from './paths';
import { Db, Json, Stream, isObject } from './rtdb';
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

const RESTART_AFTER_DISCONNECTED_MS = 5000;
// A call that has its answer but no path after this long restarts ICE once, then gives up (and
// the page calls again later): browsers may stay "connecting" for good when no candidate pair
// can exist (e.g. relay only, and the TURN server refuses).
const CONNECT_TIMEOUT_MS = 15000;

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

const ANSWER_TIMEOUT_MS = 20000;
// How long an offer may wait for its first local candidates (they usually come within a few ms).
const FIRST_CANDIDATE_WAIT_MS = 50;

function newConnection(ctx: PeerContext): RTCPeerConnection {
  return new RTCPeerConnection({ iceServers: ctx.ice.iceServers, iceTransportPolicy: ctx.ice.policy, bundlePolicy: 'max-bundle' });
}

abstract class PeerCall {
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

/** A viewer's call to one camera. */
export class ViewerCall extends PeerCall {
  readonly callId: string;
  readonly media = new MediaStream();
  private stream: Stream | null = null;
  private existed = false;
  private restartTimer: number | undefined;
  private answerTimer: number | undefined;
  private connectTimer: number | undefined;
  private connectTries = 0;
  private trouble = '';
  private awaitingAnswer = false;
  /** The call ended because no path to the camera appeared (not a hang-up or a silent camera). */
  noPath = false;

  constructor(ctx: PeerContext, readonly cameraUid: string) {
    super(ctx, true);
    this.callId = ctx.uid + '-' + randomId(12);
    this.channel = new Channel(ctx.db, ctx.key, { roomId: ctx.roomId, cameraUid, callId: this.callId }, 'v', (m) => this.receive(m));
    preferCodecs(this.pc.addTransceiver('video', { direction: 'recvonly' }), 'video');
    preferCodecs(this.pc.addTransceiver('audio', { direction: 'recvonly' }), 'audio');
    this.pc.ontrack = (ev) => {
      if (this.media.getTracks().indexOf(ev.track) < 0) this.media.addTrack(ev.track);
      this.bus.emit('media', this.media);
    };
    this.bus.on('trouble', (t) => (this.trouble = t));
  }

  /** After an answer: restart ICE once if no path appears in time, then hang up with the reason. */
  private armConnectTimer(): void {
    clearTimeout(this.connectTimer);
    if (this.state === 'connected') return;
    this.connectTimer = window.setTimeout(() => {
      if (this.over || this.connState() === 'connected') return;
      if (this.connectTries++ < 1) {
        this.restartIce();
        return;
      }
      this.noPath = true;
      this.hangUp(
        'No connection path to the camera' +
          (this.trouble
            ? ': ' + this.trouble + '.'
            : ': the two networks block direct connections. The owner can add a TURN server with “remotecam rooms ice”.'),
      );
    }, CONNECT_TIMEOUT_MS);
  }

  get stats(): { writes: number; bytes: number } {
    return { writes: this.channel.writesDone, bytes: this.channel.bytesWritten };
  }

  /** Offer at once, and open the call's stream in parallel (one round trip to the answer). */
  async start(): Promise<void> {
    this.listen();
    try {
      await this.offer(false);
    } catch (e) {
      this.finish('Could not call the camera: ' + (e instanceof Error ? e.message : e));
    }
  }

  /**
   * The call's stream is open while negotiating and whenever the connection is in trouble, and
   * closed while media flows: browsers allow only six HTTP/1.1 connections per server (a relay
   * on plain http), so a viewer of several cameras must not hold one stream per call. A camera
   * that hangs up closes its peer connection, which reopens the stream and shows the deletion.
   */
  private listen(): void {
    if (this.stream || this.over) return;
    this.stream = this.ctx.db.stream(this.channel.path, {
      data: (value) => this.callChanged(value),
      denied: () => this.close('Access to this room ended.'),
    });
  }

  private quiet(): void {
    if (this.stream) this.stream.close();
    this.stream = null;
  }

  private async offer(iceRestart: boolean): Promise<void> {
    const offer = await this.pc.createOffer(iceRestart ? { iceRestart: true } : undefined);
    // Candidates of a new gathering wait until the description that announces it is queued.
    this.batcher.reset();
    await this.pc.setLocalDescription(offer);
    this.awaitingAnswer = true;
    clearTimeout(this.answerTimer);
    this.answerTimer = window.setTimeout(() => {
      if (this.awaitingAnswer) this.hangUp('The camera did not answer.');
    }, ANSWER_TIMEOUT_MS);
    await this.firstCandidates(FIRST_CANDIDATE_WAIT_MS);
    await this.sendDescription('offer');
  }

  private callChanged(value: Json): void {
    if (this.over) return;
    if (isObject(value) && value.created !== undefined) this.existed = true;
    if (value === null && this.existed) {
      // Deleted under us: the camera hung up (restart, cleanup).
      this.close('The camera hung up.');
      return;
    }
    this.channel.update(value);
  }

  private async receive(m: Message): Promise<void> {
    if (this.over) return;
    if (m.t === 'answer') {
      if (this.pc.signalingState !== 'have-local-offer') return;
      await this.pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
      this.awaitingAnswer = false;
      clearTimeout(this.answerTimer);
      this.armConnectTimer();
      this.setState(this.state === 'calling' ? 'connecting' : this.state);
    } else if (m.t === 'cand') {
      await this.addCandidates(m);
    } else if (m.t === 'bye') {
      this.hangUp('The camera hung up' + (m.reason ? ': ' + m.reason : '.'));
    }
  }

  protected offerAnswer(): [string | undefined, string | undefined] {
    const l = this.pc.localDescription, r = this.pc.remoteDescription;
    return [l ? l.sdp : undefined, r ? r.sdp : undefined];
  }

  protected onConnection(c: string): void {
    clearTimeout(this.restartTimer);
    if (c === 'connected') {
      clearTimeout(this.connectTimer);
      this.connectTries = 0;
    }
    if (c === 'connected' && !this.awaitingAnswer) this.quiet();
    else if (c !== 'connecting' && c !== 'new') this.listen();
    if (c === 'failed') this.restartIce();
    else if (c === 'disconnected') this.restartTimer = window.setTimeout(() => this.restartIce(), RESTART_AFTER_DISCONNECTED_MS);
  }

  private restartIce(): void {
    if (this.over || this.pc.signalingState !== 'stable') return;
    this.listen();
    this.setState('reconnecting');
    this.offer(true).catch((e) => this.hangUp('ICE restart failed: ' + (e instanceof Error ? e.message : e)));
  }

  /** Leaves the call and deletes it from the inbox. */
  hangUp(reason = 'Hung up.'): void {
    if (this.over) return;
    this.ctx.db.remove(this.channel.path).catch(() => undefined);
    this.close(reason);
  }

  /** Hang-up that must survive the page going away. */
  hangUpOnUnload(): void {
    if (this.over) return;
    this.ctx.db.sendOnUnload('DELETE', this.channel.path);
    this.close('Left.');
  }

  private close(reason: string): void {
    clearTimeout(this.restartTimer);
    clearTimeout(this.answerTimer);
    clearTimeout(this.connectTimer);
    if (this.stream) this.stream.close();
    this.finish(reason);
  }
}

export interface InboxEvents {
  /** A new call was accepted. */
  call: CameraCall;
  /** Number of connected viewers changed. */
  viewers: number;
}

const STALE_UNANSWERED_MS = 2 * 60 * 1000;
const FAILED_CLEANUP_MS = 30000;
const NO_OFFER_MS = 20000;

/** The camera's side: answers every call in its inbox with the camera's media. */
export class CameraInbox {
  readonly bus = new Bus<InboxEvents>();
  private calls: { [callId: string]: CameraCall } = {};
  private stream: Stream | null = null;
  private path: string;
  private spare: RTCPeerConnection | null = null;
  private stopped = false;
  /** serverTime - Date.now(), from the presence write's echo. */
  serverOffset = 0;

  constructor(private readonly ctx: PeerContext, private media: MediaStream, private readonly denied: () => void) {
    this.path = paths.inbox(ctx.roomId, ctx.uid);
  }

  start(): void {
    this.stream = this.ctx.db.stream(this.path, { data: (v) => this.inboxChanged(v), denied: this.denied });
    this.prepare();
  }

  /**
   * Keeps one unused peer connection ready (no transceivers, so it gathers nothing), so a new
   * call does not wait for one to be created (and its DTLS certificate generated) before
   * applying the offer. A new one is made a moment after a call takes it.
   */
  private prepare(): void {
    if (this.spare || this.stopped) return;
    this.spare = newConnection(this.ctx);
    // The camera's tracks go in now: applying the offer pairs them with its m-lines (JSEP), so
    // answering needs no replaceTrack.
    for (const t of this.media.getTracks()) this.spare.addTrack(t, this.media);
  }

  stop(): void {
    this.stopped = true;
    if (this.spare) this.spare.close();
    this.spare = null;
    if (this.stream) this.stream.close();
    for (const id of Object.keys(this.calls)) this.calls[id].hangUp('The camera stopped.');
  }

  /** The room's ICE servers changed: the next call uses them (the spare connection is made again). */
  setIce(ice: IceSettings): void {
    if (sameIce(ice, this.ctx.ice)) return;
    this.ctx.ice = ice;
    if (this.spare) this.spare.close();
    this.spare = null;
    this.prepare();
  }

  setMedia(media: MediaStream): void {
    const kinds = (m: MediaStream) => m.getTracks().map((t) => t.kind).sort().join();
    const same = kinds(media) === kinds(this.media);
    this.media = media;
    if (this.spare) this.spare.close();
    this.spare = null;
    this.prepare();
    for (const id of Object.keys(this.calls)) {
      // Same kinds of tracks: swap them in place. Sound switched on or off: the viewer must
      // negotiate again, so end the call and let it call back.
      if (same) this.calls[id].setMedia(media);
      else this.calls[id].hangUp('The camera changed its settings.');
    }
  }

  connectedCount(): number {
    return Object.keys(this.calls).filter((id) => this.calls[id].state === 'connected').length;
  }

  private inboxChanged(inbox: Json): void {
    const now = Date.now() + this.serverOffset;
    const seen: { [id: string]: true } = {};
    if (isObject(inbox)) {
      for (const id of Object.keys(inbox)) {
        const call = inbox[id];
        seen[id] = true;
        const known = this.calls[id];
        if (known) {
          known.update(call);
          continue;
        }
        if (!isObject(call)) continue;
        const answeredBefore = call.c !== undefined && call.c !== null;
        const created = typeof call.created === 'number' ? call.created : 0;
        if (answeredBefore || (created && now - created > STALE_UNANSWERED_MS)) {
          // A call of an earlier session of this page, or one nobody picked up: clean up.
          this.ctx.db.remove(this.path + '/' + id).catch(() => undefined);
          continue;
        }
        if (call.v === undefined) continue; // only `created` so far
        const cc = new CameraCall(this.ctx, id, this.media, this.spare || undefined);
        this.spare = null;
        window.setTimeout(() => this.prepare(), 1000);
        this.calls[id] = cc;
        cc.bus.on('state', () => this.bus.emit('viewers', this.connectedCount()));
        cc.bus.on('ended', () => {
          delete this.calls[id];
          this.bus.emit('viewers', this.connectedCount());
        });
        this.bus.emit('call', cc);
        cc.update(call);
      }
    }
    for (const id of Object.keys(this.calls)) {
      if (!seen[id]) this.calls[id].close('The viewer hung up.');
    }
  }
}

/** One viewer's call, camera side. */
export class CameraCall extends PeerCall {
  private failedTimer: number | undefined;
  private noOfferTimer: number | undefined;

  constructor(ctx: PeerContext, readonly callId: string, private media: MediaStream, pc?: RTCPeerConnection) {
    super(ctx, false, pc);
    this.channel = new Channel(ctx.db, ctx.key, { roomId: ctx.roomId, cameraUid: ctx.uid, callId }, 'c', (m) => this.receive(m));
    // A call whose offer never opens (tampered, or sealed with an old room secret) would hold a
    // peer connection in state "new" for good: end it.
    this.noOfferTimer = window.setTimeout(() => {
      if (!this.pc.remoteDescription) this.hangUp('No offer that this camera can open arrived.');
    }, NO_OFFER_MS);
  }

  /** The viewer's uid (the call id's prefix). */
  get viewerUid(): string {
    return this.callId.slice(0, this.callId.lastIndexOf('-'));
  }

  update(call: Json): void {
    this.channel.update(call);
  }

  setMedia(media: MediaStream): void {
    this.media = media;
    this.attachTracks();
  }

  private attachTracks(): void {
    for (const t of this.pc.getTransceivers()) {
      const kind = t.receiver.track ? t.receiver.track.kind : '';
      const track = this.media.getTracks().filter((x) => x.kind === kind)[0] || null;
      if (t.sender.track !== track) t.sender.replaceTrack(track).catch(() => undefined);
      t.direction = track ? 'sendonly' : 'inactive';
    }
  }

  private async receive(m: Message): Promise<void> {
    if (this.over) return;
    if (m.t === 'offer') {
      await applyOffer(this.pc, m.sdp);
      this.attachTracks();
      const answer = await this.pc.createAnswer();
      this.batcher.reset();
      await this.pc.setLocalDescription(answer);
      this.setState(this.state === 'calling' ? 'connecting' : this.state);
      // The answer leaves at once, without waiting for the camera's candidates: the camera has
      // the viewer's (in the offer) and starts ICE checks itself, and the viewer answers those
      // checks as soon as it has the answer (the camera's candidates follow in a batch).
      this.sendDescription('answer').catch((e) => {
        if (!this.over) console.warn('Could not send answer', e);
      });
    } else if (m.t === 'cand') {
      await this.addCandidates(m);
    } else if (m.t === 'bye') {
      this.hangUp();
    }
  }

  protected offerAnswer(): [string | undefined, string | undefined] {
    const l = this.pc.localDescription, r = this.pc.remoteDescription;
    return [r ? r.sdp : undefined, l ? l.sdp : undefined];
  }

  protected onConnection(c: string): void {
    // The viewer drives ICE restarts; a connection that stays broken for 30 s is cleaned up.
    if (c === 'connected' || c === 'connecting' || c === 'new') {
      clearTimeout(this.failedTimer);
      this.failedTimer = undefined;
    } else if ((c === 'failed' || c === 'disconnected') && this.failedTimer === undefined) {
      this.failedTimer = window.setTimeout(() => this.hangUp('The connection to the viewer failed.'), FAILED_CLEANUP_MS);
    }
  }

  hangUp(reason = 'Hung up.'): void {
    if (this.over) return;
    this.ctx.db.remove(this.channel.path).catch(() => undefined);
    this.close(reason);
  }

  close(reason: string): void {
    clearTimeout(this.failedTimer);
    clearTimeout(this.noOfferTimer);
    this.finish(reason);
  }
}
