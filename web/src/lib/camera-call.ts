// One viewer's call, camera side: applies the viewer's offers and answers them with the camera's
// media; a call whose offer never opens or whose connection stays broken is cleaned up. The
// viewer's quality preset and pause are set on this call's video sender, its talking arrives on
// the audio receiver.
import { Channel, Message } from './channel';
import { CONTROL_LABEL, Preset } from './control';
import { PeerCall, PeerContext, applyOffer } from './peer';
import { applyPreset } from './quality';
import { Json } from './rtdb';

const FAILED_CLEANUP_MS = 30000;
const NO_OFFER_MS = 20000;

/** One viewer's call, camera side. */
export class CameraCall extends PeerCall {
  private failedTimer: number | undefined;
  private noOfferTimer: number | undefined;
  protected readonly statsDirection = 'out';
  /** The name the viewer gave in its offer (or later over the control channel). */
  viewerName = '';
  /** This viewer's quality preset and pause (docs/protocol.md "Control channel"). */
  preset: Preset = 'auto';
  paused = false;
  /** The outgoing sound while a viewer talks (ducked), else null: the camera's microphone. */
  private audioOverride: MediaStreamTrack | null = null;
  /** What the viewer says while it talks: its microphone, received here. */
  readonly talk = new MediaStream();

  constructor(ctx: PeerContext, readonly callId: string, private media: MediaStream, pc?: RTCPeerConnection) {
    super(ctx, false, pc);
    this.pc.ondatachannel = (ev) => {
      if (ev.channel.label === CONTROL_LABEL) this.attachControl(ev.channel);
    };
    this.bus.on('control', (c) =>
      c.bus.on('message', (m) => {
        if (m.t !== 'hello' || !m.name || m.name === this.viewerName) return;
        this.viewerName = m.name;
        this.bus.emit('name', m.name);
      }),
    );
    this.pc.ontrack = (ev) => {
      if (ev.track.kind === 'audio' && this.talk.getTracks().indexOf(ev.track) < 0) this.talk.addTrack(ev.track);
    };
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
      let track = this.media.getTracks().filter((x) => x.kind === kind)[0] || null;
      if (kind === 'audio' && track && this.audioOverride) track = this.audioOverride;
      if (t.sender.track !== track) t.sender.replaceTrack(track).catch(() => undefined);
      // Audio is always received (a viewer may talk), and sent when the camera has sound.
      if (kind === 'audio') t.direction = track ? 'sendrecv' : 'recvonly';
      else t.direction = track ? 'sendonly' : 'inactive';
    }
    this.applyQuality().catch((e) => console.warn('Could not apply the quality preset', e));
  }

  private get videoSender(): RTCRtpSender | null {
    for (const t of this.pc.getTransceivers()) if (t.receiver.track && t.receiver.track.kind === 'video') return t.sender;
    return null;
  }

  /** Sets this viewer's preset and pause on its video sender (no renegotiation). */
  setQuality(preset: Preset, paused: boolean): Promise<void> {
    this.preset = preset;
    this.paused = paused;
    this.qualitySet = true;
    return this.applyQuality();
  }

  private qualitySet = false;

  private applyQuality(): Promise<void> {
    const sender = this.videoSender;
    const video = this.media.getVideoTracks()[0];
    // Until a viewer asks, the sender keeps the browser's defaults (nothing to set).
    if (!this.qualitySet || !sender || this.over || !this.pc.remoteDescription) return Promise.resolve();
    const height = video && video.getSettings ? video.getSettings().height || 720 : 720;
    return applyPreset(sender, this.preset, this.paused, height);
  }

  /** The sound this call sends instead of the microphone (ducked while a viewer talks), or null. */
  overrideAudio(track: MediaStreamTrack | null): void {
    this.audioOverride = track;
    if (!this.over && this.pc.remoteDescription) this.attachTracks();
  }

  private async receive(m: Message): Promise<void> {
    if (this.over) return;
    if (m.t === 'offer') {
      if (typeof m.name === 'string' && m.name && m.name !== this.viewerName) {
        this.viewerName = m.name.slice(0, 40);
        this.bus.emit('name', this.viewerName);
      }
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
