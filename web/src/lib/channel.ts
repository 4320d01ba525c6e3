// One call's signaling channel: numbered, sealed slots in both directions (docs/protocol.md
// "Calls"). Outgoing writes are serialised in slot order; incoming slots are opened and handed
// over in order, each once, so a replayed or tampered slot is never acted on.
import { Db, Json, isObject } from './rtdb';
import { Direction, SealError, open, seal } from './seal';

export type Message =
  | { t: 'offer'; sdp: string }
  | { t: 'answer'; sdp: string }
  | { t: 'cand'; c: RTCIceCandidateInit[]; end?: boolean }
  | { t: 'bye'; reason?: string };

export const MAX_SLOTS = 100;

export interface ChannelAddress {
  roomId: string;
  cameraUid: string;
  callId: string;
}

export class Channel {
  readonly path: string;
  private out = 0;
  private nextIn = 0;
  private writes: Promise<void> = Promise.resolve();
  private latest: Json = null;
  private pumping = false;
  private again = false;
  /** Bytes written, for the budget in the docs (≤ 12 KB per call). */
  bytesWritten = 0;
  writesDone = 0;

  constructor(
    private readonly db: Db,
    private readonly key: CryptoKey,
    readonly at: ChannelAddress,
    private readonly mine: Direction,
    private readonly onMessage: (m: Message) => Promise<void> | void,
  ) {
    this.path = 'rooms/' + at.roomId + '/calls/' + at.cameraUid + '/' + at.callId;
  }

  private get theirs(): Direction {
    return this.mine === 'v' ? 'c' : 'v';
  }

  /** Sends a message in the next slot; the first viewer message also creates the call. */
  send(m: Message): Promise<void> {
    if (this.out >= MAX_SLOTS) return Promise.reject(new Error('call has used all its message slots'));
    const n = this.out++;
    const write = async () => {
      const sealed = await seal(this.key, Object.assign({ dir: this.mine, n }, this.at), JSON.stringify(m));
      if (n === 0 && this.mine === 'v') {
        const body = { created: { '.sv': 'timestamp' }, 'v/0': sealed };
        this.count(body);
        await this.db.patch(this.path, body);
      } else {
        this.count(sealed);
        await this.db.put(this.path + '/' + this.mine + '/' + n, sealed);
      }
    };
    const p = this.writes.then(write);
    this.writes = p.catch(() => undefined);
    return p;
  }

  private count(v: Json): void {
    this.writesDone++;
    this.bytesWritten += JSON.stringify(v).length;
  }

  /** The call's current value (from a stream); opens new slots of the other side in order. */
  update(call: Json): void {
    this.latest = call;
    this.pump();
  }

  /** Whether the other side has written anything yet. */
  get heard(): boolean {
    return this.nextIn > 0;
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const box = isObject(this.latest) ? this.latest[this.theirs] : null;
          const value = isObject(box) ? box[String(this.nextIn)] : Array.isArray(box) ? box[this.nextIn] : undefined;
          if (typeof value !== 'string') break;
          const n = this.nextIn++;
          let m: Message;
          try {
            m = JSON.parse(await open(this.key, Object.assign({ dir: this.theirs, n }, this.at), value));
          } catch (e) {
            console.warn('Ignored slot ' + this.theirs + '/' + n + ': ' + (e instanceof SealError ? e.message : e));
            continue;
          }
          try {
            await this.onMessage(m);
          } catch (e) {
            console.warn('Message ' + m.t + ' failed', e);
          }
        }
      } while (this.again);
    } finally {
      this.pumping = false;
    }
  }
}

/**
 * Batches ICE candidates: the first batch 40 ms after the first candidate (or at the end of
 * gathering), then at most one write per 250 ms.
 */
export class CandidateBatcher {
  private queue: RTCIceCandidateInit[] = [];
  private ended = false;
  private timer: number | undefined;
  private lastFlush = 0;

  constructor(private readonly flush: (c: RTCIceCandidateInit[], end: boolean) => void) {}

  add(c: RTCIceCandidate | null): void {
    if (c && c.candidate) this.queue.push({ candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
    else if (!c) this.ended = true;
    else return; // an empty end-of-candidates marker for one m-line
    if (this.ended) {
      // End of gathering: send now unless we just wrote, then at the 250 ms mark.
      this.schedule(Math.max(0, this.lastFlush + 250 - Date.now()));
    } else if (this.timer === undefined) {
      this.schedule(this.lastFlush ? Math.max(40, this.lastFlush + 250 - Date.now()) : 40);
    }
  }

  /** A new gathering (ICE restart). */
  reset(): void {
    this.ended = false;
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      if (!this.queue.length && !this.ended) return;
      const batch = this.queue;
      const end = this.ended;
      this.queue = [];
      this.ended = false;
      this.lastFlush = Date.now();
      this.flush(batch, end);
    }, delay);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
