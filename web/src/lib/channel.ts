// One call's signaling channel: numbered, sealed slots in both directions (docs/protocol.md
// "Calls"). Outgoing writes are serialised in slot order; incoming slots are opened and handed
// over in order, each once, so a replayed or tampered slot is never acted on.
import * as paths from './paths';
import { Db, DbError, Json, isObject } from './rtdb';
import { Direction, SealError, open, seal } from './seal';

export type Message =
  | { t: 'offer'; sdp: string }
  | { t: 'answer'; sdp: string }
  | { t: 'cand'; c: RTCIceCandidateInit[]; end?: boolean }
  | { t: 'bye'; reason?: string };

export const MAX_SLOTS = 100;
// Retries of a failed write in its slot (backoff 0.25 s doubling to 4 s: about 12 s in all).
const WRITE_RETRIES = 6;

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
  private closed = false;
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
    this.path = paths.call(at.roomId, at.cameraUid, at.callId);
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
      // A slot left empty would stop the other side's reading at the gap (slots are read in
      // order), so a failed write is retried in the same slot while the call lasts.
      for (let attempt = 0; ; attempt++) {
        try {
          if (n === 0 && this.mine === 'v') {
            const body = { created: { '.sv': 'timestamp' }, 'v/0': sealed };
            this.count(body);
            await this.db.patch(this.path, body);
          } else {
            this.count(sealed);
            await this.db.put(paths.slot(this.path, this.mine, n), sealed);
          }
          return;
        } catch (e) {
          const denied = e instanceof DbError && e.denied;
          // Refused on a retry: the earlier attempt landed (slots are write-once) and only its answer was lost.
          if (denied && attempt > 0) return;
          if (denied || this.closed || attempt >= WRITE_RETRIES) throw e;
          await new Promise((resolve) => window.setTimeout(resolve, Math.min(4000, 250 * Math.pow(2, attempt))));
        }
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

  /** The call is over: failed writes are not retried any more. */
  close(): void {
    this.closed = true;
  }

  /** Resolves when every write queued so far is done (acknowledged or failed). */
  idle(): Promise<void> {
    return this.writes;
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
 * Batches ICE candidates. Nothing leaves before the side's offer (or answer) is queued on the
 * channel (`release`), so a candidate never takes the description's slot. The first batch then
 * goes as soon as the channel is idle, i.e. when the offer (or answer) write is acknowledged:
 * candidates gathered meanwhile ride along, and none waits on a timer, since the other side
 * needs them to start ICE checks. Then at most one write per 250 ms (the rest, and the end of
 * gathering).
 */
export class CandidateBatcher {
  private queue: RTCIceCandidateInit[] = [];
  private ended = false;
  private timer: number | undefined;
  private lastFlush = 0;
  private waiting = false;
  private stopped = false;
  private released = false;

  /** `idle` resolves when the writes queued so far are done (Channel.idle). */
  constructor(
    private readonly flush: (c: RTCIceCandidateInit[], end: boolean) => void,
    private readonly idle: () => Promise<void> = () => Promise.resolve(),
  ) {}

  add(c: RTCIceCandidate | null): void {
    if (c && c.candidate) this.queue.push({ candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
    else if (!c) this.ended = true;
    else return; // an empty end-of-candidates marker for one m-line
    this.kick();
  }

  /** The offer or answer is queued on the channel: candidates may follow it. */
  release(): void {
    this.released = true;
    if (this.queue.length || this.ended) this.kick();
  }

  private kick(): void {
    if (!this.released) return; // held until the offer or answer is on its way
    if (!this.lastFlush) {
      // First batch: when the offer/answer write is done (no fixed delay).
      if (!this.waiting) {
        this.waiting = true;
        this.idle().then(() => {
          this.waiting = false;
          // A reset (new gathering) meanwhile holds the batch again until its description is queued.
          if (!this.stopped && this.released) this.schedule(0);
        });
      }
    } else if (this.ended) {
      // End of gathering: send now unless we just wrote, then at the 250 ms mark.
      this.schedule(Math.max(0, this.lastFlush + 250 - Date.now()));
    } else if (this.timer === undefined) {
      this.schedule(Math.max(40, this.lastFlush + 250 - Date.now()));
    }
  }

  /** Drops queued candidates that `sdp` (an offer or answer about to be sent) already carries. */
  covered(sdp: string): void {
    this.queue = this.queue.filter((c) => sdp.indexOf('a=' + c.candidate) < 0);
  }

  /** A new gathering (ICE restart): held again until the new offer is queued. */
  reset(): void {
    this.ended = false;
    this.released = false;
    this.lastFlush = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      // Nothing new (the offer or answer carried every candidate so far): no write.
      if (!this.queue.length) return;
      const batch = this.queue;
      const end = this.ended;
      this.queue = [];
      this.ended = false;
      this.lastFlush = Date.now();
      this.flush(batch, end);
    }, delay);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
