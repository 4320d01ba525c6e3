// One MediaRecorder run, start() to stop(): a file that plays on its own. Its pieces (one per
// timeslice) are kept while nobody needs them yet (pre-roll) and handed to a writer, in order,
// once the take becomes a clip. The first piece of a WebM take gets room for its Duration.
import { ClipWriter } from './sink';
import { DurationSlot, durationBytes, reserveDuration } from './webm';
import { Container, containerOf } from './formats';

export interface TakeOptions {
  mimeType: string;
  videoBitsPerSecond: number;
  audioBitsPerSecond: number;
  /** How often MediaRecorder hands over a piece (ms). */
  timesliceMs: number;
}

export interface TakeEnd {
  durationMs: number;
  size: number;
  patch: { at: number; bytes: Uint8Array } | null;
}

function bytesOf(blob: Blob): Promise<Uint8Array> {
  if (typeof blob.arrayBuffer === 'function') return blob.arrayBuffer().then((b) => new Uint8Array(b));
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(blob);
  });
}

export class Take {
  /** performance.now() when recording started (the 'start' event), or when start() was called. */
  startedAt = 0;
  /** Date.now() at the same moment. */
  startedWall = 0;
  readonly mimeType: string;
  readonly container: Container;
  private readonly rec: MediaRecorder;
  private pending: Uint8Array[] = [];
  private writer: ClipWriter | null = null;
  private chain: Promise<void> = Promise.resolve();
  private first = true;
  private slot: DurationSlot | null = null;
  private size = 0;
  private stopped: Promise<number>;
  private failed: string | null = null;
  /** Told when the recorder fails (encoder gone, track ended). */
  onError: (reason: string) => void = () => undefined;

  constructor(stream: MediaStream, private readonly options: TakeOptions) {
    const init: MediaRecorderOptions = { videoBitsPerSecond: options.videoBitsPerSecond, audioBitsPerSecond: options.audioBitsPerSecond };
    if (options.mimeType) init.mimeType = options.mimeType;
    this.rec = new MediaRecorder(stream, init);
    this.mimeType = this.rec.mimeType || options.mimeType || 'video/webm';
    this.container = containerOf(this.mimeType);
    this.rec.ondataavailable = (e: BlobEvent) => {
      if (e.data && e.data.size) this.piece(e.data);
    };
    this.rec.onerror = (e: Event) => {
      const err = (e as unknown as { error?: { message?: string; name?: string } }).error;
      this.fail('the recorder failed' + (err ? ': ' + (err.message || err.name) : ''));
    };
    this.stopped = new Promise((resolve) => {
      this.rec.onstop = () => resolve(performance.now());
    });
    this.rec.onstart = () => {
      this.startedAt = performance.now();
      this.startedWall = Date.now();
    };
  }

  start(): void {
    this.startedAt = performance.now();
    this.startedWall = Date.now();
    this.rec.start(this.options.timesliceMs);
  }

  /** How long it has been recording (ms). */
  age(now = performance.now()): number {
    return now - this.startedAt;
  }

  get recording(): boolean {
    return this.rec.state === 'recording';
  }

  private piece(blob: Blob): void {
    this.chain = this.chain.then(async () => {
      if (this.failed) return;
      let bytes = await bytesOf(blob);
      if (this.first) {
        this.first = false;
        const head = this.container === 'webm' ? reserveDuration(bytes) : null;
        if (head) {
          bytes = head.bytes;
          this.slot = head.slot;
        }
      }
      this.size += bytes.length;
      if (this.writer) await this.writer.write(bytes);
      else this.pending.push(bytes);
    }).catch((e) => this.fail('could not read the recording: ' + (e instanceof Error ? e.message : e)));
  }

  /** This take becomes a clip: what it holds goes to `writer` now, the rest as it comes. */
  attach(writer: ClipWriter): void {
    this.chain = this.chain.then(async () => {
      this.writer = writer;
      const held = this.pending;
      this.pending = [];
      for (const b of held) await writer.write(b);
    });
    if (this.failed) writer.fail(this.failed);
  }

  /** Stops recording; resolves once every piece reached the writer, with the clip's length and its Duration patch. */
  async finish(): Promise<TakeEnd> {
    if (this.rec.state !== 'inactive') this.rec.stop();
    const stoppedAt = await this.stopped;
    await this.chain;
    if (this.failed) throw new Error(this.failed);
    const durationMs = Math.max(0, stoppedAt - this.startedAt);
    const patch = this.slot ? { at: this.slot.at, bytes: durationBytes(durationMs, this.slot) } : null;
    return { durationMs, size: this.size, patch };
  }

  /** Not needed after all (pre-roll that no event used): stop and forget. */
  discard(): void {
    this.pending = [];
    this.writer = null;
    this.failed = 'discarded';
    if (this.rec.state !== 'inactive') {
      try {
        this.rec.stop();
      } catch (e) {
        // Already stopping.
      }
    }
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = reason;
    this.pending = [];
    if (this.writer) this.writer.fail(reason);
    this.onError(reason);
  }
}
