// One viewer's call, camera side: applies the viewer's offers and answers them with the camera's
// media; a call whose offer never opens or whose connection stays broken is cleaned up.
import { Channel, Message } from './channel';
import { PeerCall, PeerContext, applyOffer } from './peer';
import { Json } from './rtdb';

const FAILED_CLEANUP_MS = 30000;
const NO_OFFER_MS = 20000;

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
