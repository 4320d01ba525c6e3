// A viewer's call to one camera: offers at once (also for ICE restarts), restarts ICE when the
// connection breaks, and hangs up with the reason in words when no path or no answer appears.
import { randomId } from './b64';
import { Channel, Message } from './channel';
import { PeerCall, PeerContext, preferCodecs } from './peer';
import { Json, Stream, isObject } from './rtdb';

const RESTART_AFTER_DISCONNECTED_MS = 5000;
// A call that has its answer but no path after this long restarts ICE once, then gives up (and
// the page calls again later): browsers may stay "connecting" for good when no candidate pair
// can exist (e.g. relay only, and the TURN server refuses).
const CONNECT_TIMEOUT_MS = 15000;

const ANSWER_TIMEOUT_MS = 20000;
// How long an offer may wait for its first local candidates (they usually come within a few ms).
const FIRST_CANDIDATE_WAIT_MS = 50;


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
