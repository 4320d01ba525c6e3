// The camera's call scheduling: answers every new call in its inbox (with a peer connection made
// ahead of time), swaps media into running calls, and deletes calls left over by earlier runs of
// the page or that nobody picked up.
import { Bus } from './bus';
import { CameraCall } from './camera-call';
import { IceSettings, sameIce } from './ice';
import * as paths from './paths';
import { PeerContext, newConnection } from './peer';
import { Json, Stream, isObject } from './rtdb';

export interface InboxEvents {
  /** A new call was accepted. */
  call: CameraCall;
  /** Number of connected viewers changed. */
  viewers: number;
}

const STALE_UNANSWERED_MS = 2 * 60 * 1000;

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
