// Clips: motion clips with pre-roll, post-roll, a maximum length and a cool-down; timed clips;
// "record now". Pre-roll comes from two overlapping recorders restarted in turn every `preRollMs`
// while armed: when something happens, the older one — running for between one and two periods —
// becomes the clip, so the clip starts at least `preRollMs` before the trigger, and the other is
// dropped (one encoder runs while a clip records). A browser that cannot run two recorders at once
// gets one, restarted every two periods: its pre-roll is then anywhere from 0 to that.
import { Bus } from '../lib/bus';
import { ClipReason, ClipSink, ClipWriter } from './sink';
import { Take, TakeOptions } from './take';

export interface RecorderOptions extends TakeOptions {
  /** Pre-roll at least this long where the browser allows (ms). */
  preRollMs: number;
  /** A motion clip goes on this long after the motion ended (ms). */
  postRollMs: number;
  /** No clip is longer (ms): longer motion continues in a new clip. */
  maxMs: number;
  /** After a motion clip, the next starts no sooner (ms); motion still going on then starts it. */
  coolDownMs: number;
}

export const DEFAULT_RECORDER: Omit<RecorderOptions, 'mimeType' | 'videoBitsPerSecond' | 'audioBitsPerSecond'> = {
  timesliceMs: 1000,
  preRollMs: 2000,
  postRollMs: 5000,
  maxMs: 60000,
  coolDownMs: 10000,
};

export interface RecorderEvents {
  /** A clip started recording. */
  recording: ClipReason;
  /** The clip ended (written to the sink). */
  recorded: { reason: ClipReason; durationMs: number };
  /** Something failed, in words (the clip under way is lost). */
  error: string;
}

interface Clip {
  take: Take;
  writer: ClipWriter;
  reason: ClipReason;
  /** performance.now() of the trigger. */
  trigger: number;
  /** Recording goes on at least until then (post-roll; Infinity while the motion that started it lasts). */
  holdUntil: number;
  /** …and until then ("record now"). */
  manualUntil: number;
  /** Or until then at most: the take started at this moment plus the clip's length (timed clips). */
  endAt: number;
  peakScore: number;
}

const TICK_MS = 250;

export class ClipRecorder {
  readonly bus = new Bus<RecorderEvents>();
  /** The picture for a clip's thumbnail when it ends (the motion watcher's peak frame, or a frame now). */
  thumbnail: (reason: ClipReason) => Promise<Blob | null> = () => Promise.resolve(null);
  private takes: Take[] = [];
  private clip: Clip | null = null;
  private armed = false;
  /** Two recorders at once work here (until one fails to start). */
  private overlap = true;
  private motion = false;
  private coolUntil = 0;
  private rotation: number | undefined;
  private ticker: number | undefined;
  private closed = false;
  private ending: Promise<void> = Promise.resolve();

  constructor(private readonly stream: MediaStream, private readonly sink: ClipSink, private readonly options: RecorderOptions) {
    this.ticker = window.setInterval(() => this.tick(), TICK_MS);
  }

  /** Whether a clip is being recorded. */
  get busy(): boolean {
    return this.clip !== null;
  }

  /** Keeps pre-roll ready (motion detection is on). */
  arm(): void {
    if (this.armed || this.closed) return;
    this.armed = true;
    if (!this.clip) this.rotate();
  }

  /** No pre-roll any more (detection off); a clip under way completes. */
  disarm(): void {
    this.armed = false;
    clearTimeout(this.rotation);
    for (const t of this.takes) t.discard();
    this.takes = [];
  }

  /**
   * The detector's event started or ended (`score`: the frame's motion score). Motion during a
   * timed clip makes it a motion clip; any clip goes on while motion does, and `postRollMs` after.
   */
  setMotion(active: boolean, score = 0): void {
    this.motion = active;
    const now = performance.now();
    const c = this.clip;
    if (active && !c && now >= this.coolUntil) this.begin('motion', now, Infinity);
    else if (active && c) {
      if (c.reason === 'timed') c.reason = 'motion';
      c.endAt = Infinity;
    } else if (!active && c) c.holdUntil = now + this.options.postRollMs;
    this.score(score);
  }

  /** A frame's motion score during the event: the clip keeps the highest. */
  score(score: number): void {
    if (this.motion && this.clip) this.clip.peakScore = Math.max(this.clip.peakScore, score);
  }

  /** "Record now": pre-roll where there is some, then `ms` more (a clip under way is lengthened). */
  recordNow(ms: number): void {
    const now = performance.now();
    const c = this.clip || this.begin('manual', now, 0);
    if (c) c.manualUntil = Math.max(c.manualUntil, now + ms);
  }

  /** A timed clip of `ms`: skipped while another clip records (that one shows the scene already). */
  recordTimed(ms: number): boolean {
    if (this.clip || this.closed) return false;
    // The youngest recorder: the clip is `ms` long from its start, with little or no pre-roll.
    const now = performance.now();
    const take = this.takes.length ? this.takes[this.takes.length - 1] : null;
    const c = this.begin('timed', now, Infinity, take);
    if (c) c.endAt = c.take.startedAt + ms;
    return c !== null;
  }

  /** Ends everything: the clip under way is completed; resolves when it reached the sink. */
  async close(): Promise<void> {
    this.closed = true;
    this.disarm();
    clearInterval(this.ticker);
    if (this.clip) this.end();
    await this.ending;
  }

  /** Pre-roll: a new recorder now, dropping the oldest, then again in `preRollMs`. */
  private rotate(): void {
    clearTimeout(this.rotation);
    if (!this.armed || this.clip || this.closed) return;
    const keep = this.overlap ? 1 : 0;
    while (this.takes.length > keep) this.takes.shift()!.discard();
    const take = this.newTake();
    if (take) this.takes.push(take);
    this.rotation = window.setTimeout(() => this.rotate(), this.overlap ? this.options.preRollMs : 2 * this.options.preRollMs);
  }

  private newTake(): Take | null {
    try {
      const take = new Take(this.stream, this.options);
      take.onError = (reason) => this.takeFailed(take, reason);
      take.start();
      return take;
    } catch (e) {
      if (this.overlap && this.takes.length) {
        // Probably one encoder only: fall back to one recorder at a time.
        this.overlap = false;
        return null;
      }
      this.bus.emit('error', 'Recording could not start: ' + (e instanceof Error ? e.message : e));
      return null;
    }
  }

  private takeFailed(take: Take, reason: string): void {
    const i = this.takes.indexOf(take);
    if (i >= 0) {
      this.takes.splice(i, 1);
      if (this.overlap && this.takes.length) this.overlap = false;
    }
    if (this.clip && this.clip.take === take) {
      this.clip = null;
      this.bus.emit('error', 'The clip was lost: ' + reason);
      this.rotate();
    }
  }

  /** Starts a clip on the oldest running recorder (the most pre-roll), or a new one. */
  private begin(reason: ClipReason, now: number, holdUntil: number, prefer: Take | null = null): Clip | null {
    let take = prefer || (this.takes.length ? this.takes[0] : null);
    if (take) this.takes.splice(this.takes.indexOf(take), 1);
    else take = this.newTake();
    if (!take) return null;
    clearTimeout(this.rotation);
    for (const t of this.takes) t.discard();
    this.takes = [];
    const writer = this.sink.open({ reason, startedAt: take.startedWall, mimeType: take.mimeType });
    take.attach(writer);
    this.clip = { take, writer, reason, trigger: now, holdUntil, manualUntil: 0, endAt: Infinity, peakScore: 0 };
    this.bus.emit('recording', reason);
    return this.clip;
  }

  private tick(): void {
    const c = this.clip;
    const now = performance.now();
    if (!c) {
      // Motion that outlasted the cool-down starts its clip now.
      if (this.motion && now >= this.coolUntil && !this.closed) this.begin('motion', now, Infinity);
      return;
    }
    const tooLong = c.take.age(now) >= this.options.maxMs;
    const held = now < c.holdUntil || now < c.manualUntil || this.motion;
    if (tooLong || now >= c.endAt || !held) {
      const continues = tooLong && this.motion;
      this.end();
      // Motion longer than a clip goes on in the next one (no cool-down, no pre-roll: it follows on).
      if (continues) this.begin('motion', now, Infinity);
    }
  }

  private end(): void {
    const c = this.clip!;
    this.clip = null;
    if (c.reason === 'motion') this.coolUntil = performance.now() + this.options.coolDownMs;
    const done = (async () => {
      try {
        const [end, thumbnail] = await Promise.all([c.take.finish(), this.thumbnail(c.reason).catch(() => null)]);
        await c.writer.end({
          durationMs: end.durationMs,
          size: end.size,
          patch: end.patch,
          thumbnail,
          preRollMs: Math.max(0, c.trigger - c.take.startedAt),
          peakScore: c.peakScore,
          reason: c.reason,
        });
        this.bus.emit('recorded', { reason: c.reason, durationMs: end.durationMs });
      } catch (e) {
        c.writer.fail(e instanceof Error ? e.message : String(e));
        this.bus.emit('error', 'The clip was lost: ' + (e instanceof Error ? e.message : e));
      }
    })();
    this.ending = this.ending.then(() => done);
    // Pre-roll again for the next event.
    this.rotate();
  }
}
