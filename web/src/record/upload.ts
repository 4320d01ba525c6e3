// The uploader of store and forward (queue.ts): sends each queued clip to the room's storage
// target, oldest first — its chunks in order, then the sealed thumbnail, then the index entry
// last, so that a viewer never sees a clip whose chunks are missing — and deletes each piece from
// this browser only once the room confirmed it. Failures are retried with a growing pause (1 s,
// doubling to 60 s; at once when the network comes back). A write refused because the piece is
// there already (its earlier answer was lost) counts as done when the room holds the same bytes.
import { toB64u } from '../lib/b64';
import { ClipKeys } from '../lib/clip';
import * as paths from '../lib/paths';
import { Db, DbError } from '../lib/rtdb';
import { StorageTarget, StoredObjects } from '../lib/storage';
import { ClipQueue, QueuedClip } from './queue';

export type TargetName = 'database' | 'bucket' | 'relay';

export interface UploadState {
  /** Clips waiting (queued whole, not yet all in the room). */
  waiting: number;
  /** Sealed bytes waiting. */
  bytes: number;
  /** The last failure, in words ('' after a success). */
  error: string;
  /** Clips uploaded since the page opened. */
  uploaded: number;
}

export interface UploadContext {
  db: Db;
  room: string;
  camera: string;
  keys: Promise<ClipKeys>;
  /** The room's target now. */
  target(): TargetName;
  /** The bucket/relay object store for the room's target now (null when there is none). */
  objects(): StoredObjects | null;
}

const MAX_PAUSE_MS = 60000;

/** A chunk's text in the database target: the sealed bytes in base64url (docs/clips.md). */
export function chunkText(sealed: Uint8Array): string {
  return toB64u(sealed);
}

export class Uploader {
  readonly state: UploadState = { waiting: 0, bytes: 0, error: '', uploaded: 0 };
  onState: (s: UploadState) => void = () => undefined;
  private running = false;
  private again = false;
  private pause = 1000;
  private timer: number | undefined;
  private stopped = false;
  private readonly since = Date.now();

  constructor(private readonly queue: ClipQueue, private readonly ctx: UploadContext) {
    window.addEventListener('online', () => this.kick(true));
  }

  /** Upload what is queued now (and whatever is queued meanwhile). */
  kick(now = false): void {
    if (this.stopped) return;
    if (now) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer !== undefined) return;
    this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Counts what waits (for the page and the presence) without uploading. */
  async count(): Promise<void> {
    const mine = (await this.queue.clips()).filter((c) => c.room === this.ctx.room && c.camera === this.ctx.camera);
    const ready = mine.filter((c) => c.state === 'ready');
    this.state.waiting = ready.length;
    this.state.bytes = mine.reduce((s, c) => s + c.bytes, 0);
    this.onState(this.state);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        const all = (await this.queue.clips()).filter((c) => c.room === this.ctx.room && c.camera === this.ctx.camera);
        // A clip that was recording when an earlier page closed never got its head (chunk 0): it is lost.
        for (const c of all) if (c.state === 'recording' && c.created < this.since) await this.queue.dropClip(c.id);
        await this.count();
        for (const c of all) {
          if (this.stopped) return;
          if (c.state !== 'ready') continue;
          await this.upload(c);
          this.state.uploaded++;
          this.state.error = '';
          this.pause = 1000;
          await this.count();
        }
      } while (this.again && !this.stopped);
    } catch (e) {
      this.state.error = e instanceof Error ? e.message : String(e);
      await this.count().catch(() => undefined);
      this.onState(this.state);
      this.timer = window.setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, this.pause);
      this.pause = Math.min(MAX_PAUSE_MS, this.pause * 2);
    } finally {
      this.running = false;
    }
    if (this.again && this.timer === undefined && !this.stopped) this.kick();
  }

  private async upload(c: QueuedClip): Promise<void> {
    const entry = c.entry!;
    const { room, camera } = this.ctx;
    const chunks = await this.queue.chunks(c.id);
    const target = entry.target;
    let objects: StorageTarget | null = null;
    if (target !== 'database') {
      const store = this.ctx.objects();
      if (!store) throw new Error('the room keeps clips in a bucket, but this server offers no storage');
      objects = store.target((await this.ctx.keys).pathKey, camera, c.clip);
    }
    for (const ch of chunks) {
      if (objects) await objects.put(ch.n, ch.data);
      else await this.putOnce(paths.clipPart(room, camera, c.clip, ch.n), chunkText(ch.data));
      await this.queue.dropChunk(ch);
      this.state.bytes = Math.max(0, this.state.bytes - ch.data.length);
      this.onState(this.state);
    }
    if (c.sealedThumb && !c.thumbDone) {
      await this.putOnce(paths.thumb(room, camera, c.clip), c.sealedThumb);
      c.thumbDone = true;
      await this.queue.putClip(c);
    }
    await this.putOnce(paths.event(room, camera, c.clip), c.sealedEntry!);
    await this.queue.dropClip(c.id);
  }

  /** Writes a value that the rules let be written once: a refusal is fine when the same value is there. */
  private async putOnce(path: string, value: string): Promise<void> {
    const db = this.ctx.db;
    try {
      await db.put(path, value);
    } catch (e) {
      if (!(e instanceof DbError) || !e.denied) throw uploadError(e);
      let there: unknown = null;
      try {
        there = await db.get(path);
      } catch (e2) {
        throw uploadError(e);
      }
      if (there !== value) throw uploadError(e);
    }
  }
}

function uploadError(e: unknown): Error {
  if (e instanceof DbError) return new Error(e.status === 0 ? 'the database cannot be reached' : 'the database refused a clip: ' + e.message);
  return e instanceof Error ? e : new Error(String(e));
}

