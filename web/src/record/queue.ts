// Store and forward (docs/pages.md "Clips"): clips are sealed chunk by chunk as MediaRecorder
// produces them (256 KiB of media a chunk, docs/clips.md) and queued in this browser's IndexedDB;
// an uploader (upload.ts) sends them to the room and deletes each piece only once the room has
// confirmed it. Chunk 0 stays in memory until the clip ends, because the WebM Duration is written
// into its first bytes then; a clip still recording when the page closes is therefore lost, every
// finished clip survives reloads and network drops.
// The queue is bounded (QUEUE_LIMIT_BYTES): while it is full, new clips are not recorded and the
// page says so; clips already queued are never dropped to make room (nothing is deleted before
// the room has it).
import { CHUNK_BYTES, ClipEntry, ClipKeys, newClipId } from '../lib/clip';
import { ClipEnd, ClipSink, ClipStart, ClipWriter } from './sink';

/** The most sealed bytes waiting in this browser; past it new clips are skipped. */
export const QUEUE_LIMIT_BYTES = 200 * 1024 * 1024;

const DB_NAME = 'remotecam-clips';

export interface QueuedClip {
  /** room/camera/clip */
  id: string;
  room: string;
  camera: string;
  clip: string;
  /** 'recording' until its end is known; then 'ready' to upload. */
  state: 'recording' | 'ready';
  created: number;
  /** Sealed bytes of the chunks still queued. */
  bytes: number;
  entry: ClipEntry | null;
  /** The sealed index entry and thumbnail, written last (viewers see the clip only once its chunks are in). */
  sealedEntry: string | null;
  sealedThumb: string | null;
  /** The thumbnail is in the room already. */
  thumbDone: boolean;
}

export interface QueuedChunk {
  /** id + '#' + n (zero-padded): sorts in upload order. */
  key: string;
  id: string;
  n: number;
  last: boolean;
  data: Uint8Array;
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('aborted'));
  });
}

export function chunkKey(id: string, n: number): string {
  return id + '#' + ('000' + n).slice(-4);
}

/** The IndexedDB queue of one browser (all rooms and cameras of it). */
export class ClipQueue {
  private db: Promise<IDBDatabase>;
  /** Told whenever the queue changed (a clip queued, a piece uploaded). */
  onChange: () => void = () => undefined;

  constructor() {
    this.db = new Promise((resolve, reject) => {
      if (typeof indexedDB === 'undefined') return reject(new Error('this browser has no IndexedDB'));
      const open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => {
        const db = open.result;
        db.createObjectStore('clips', { keyPath: 'id' });
        db.createObjectStore('chunks', { keyPath: 'key' });
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error || new Error('IndexedDB refused'));
    });
  }

  private async tx(stores: string[], mode: IDBTransactionMode): Promise<IDBTransaction> {
    return (await this.db).transaction(stores, mode);
  }

  async putClip(c: QueuedClip): Promise<void> {
    const tx = await this.tx(['clips'], 'readwrite');
    tx.objectStore('clips').put(c);
    await done(tx);
    this.onChange();
  }

  async putChunk(c: QueuedChunk, clipBytes: number): Promise<void> {
    const tx = await this.tx(['clips', 'chunks'], 'readwrite');
    tx.objectStore('chunks').put(c);
    const clips = tx.objectStore('clips');
    const rec = (await req(clips.get(c.id))) as QueuedClip | undefined;
    if (rec) {
      rec.bytes = clipBytes;
      clips.put(rec);
    }
    await done(tx);
    this.onChange();
  }

  async clips(): Promise<QueuedClip[]> {
    const tx = await this.tx(['clips'], 'readonly');
    const all = (await req(tx.objectStore('clips').getAll())) as QueuedClip[];
    return all.sort((a, b) => a.created - b.created);
  }

  /** The clip's chunks still queued, in order. */
  async chunks(id: string): Promise<QueuedChunk[]> {
    const tx = await this.tx(['chunks'], 'readonly');
    const range = IDBKeyRange.bound(id + '#', id + '#\uffff');
    return (await req(tx.objectStore('chunks').getAll(range))) as QueuedChunk[];
  }

  /** A chunk the room confirmed. */
  async dropChunk(c: QueuedChunk): Promise<void> {
    const tx = await this.tx(['clips', 'chunks'], 'readwrite');
    tx.objectStore('chunks').delete(c.key);
    const clips = tx.objectStore('clips');
    const rec = (await req(clips.get(c.id))) as QueuedClip | undefined;
    if (rec) {
      rec.bytes = Math.max(0, rec.bytes - c.data.length);
      clips.put(rec);
    }
    await done(tx);
    this.onChange();
  }

  /** A clip wholly in the room (or one that can never be: its recording failed). */
  async dropClip(id: string): Promise<void> {
    const tx = await this.tx(['clips', 'chunks'], 'readwrite');
    tx.objectStore('clips').delete(id);
    tx.objectStore('chunks').delete(IDBKeyRange.bound(id + '#', id + '#\uffff'));
    await done(tx);
    this.onChange();
  }

  /** Sealed bytes waiting, in all. */
  async queuedBytes(): Promise<number> {
    let sum = 0;
    for (const c of await this.clips()) sum += c.bytes + (c.sealedThumb && !c.thumbDone ? c.sealedThumb.length : 0);
    return sum;
  }
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

export interface QueueSinkContext {
  room: string;
  camera: string;
  keys: Promise<ClipKeys>;
  /** Where the room keeps clips now (read when a clip ends). */
  target(): 'database' | 'bucket' | 'relay';
}

export interface QueueSinkEvents {
  /** A clip is queued whole (ready to upload). */
  queued(entry: ClipEntry): void;
  /** A clip was not recorded: the queue is full. */
  skipped(): void;
  /** A clip could not be queued (IndexedDB failed, e.g. the disk is full), in words. */
  failed(reason: string): void;
}

/** A ClipSink that seals each 256 KiB as it comes and queues it in IndexedDB. */
export class QueueSink implements ClipSink {
  /** Sealed bytes queued (kept up to date by the uploader's counts and this sink's writes). */
  queuedBytes = 0;

  constructor(private readonly queue: ClipQueue, private readonly ctx: QueueSinkContext, private readonly events: QueueSinkEvents) {}

  open(start: ClipStart): ClipWriter {
    const ctx = this.ctx;
    if (this.queuedBytes >= QUEUE_LIMIT_BYTES) {
      this.events.skipped();
      return { write: () => undefined, end: () => undefined, fail: () => undefined };
    }
    const clip = newClipId(start.startedAt);
    const id = ctx.room + '/' + ctx.camera + '/' + clip;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let n = 0;
    let first: Uint8Array | null = null;
    let sealedBytes = 0;
    let failed = false;
    const rec: QueuedClip = {
      id, room: ctx.room, camera: ctx.camera, clip, state: 'recording', created: Date.now(), bytes: 0,
      entry: null, sealedEntry: null, sealedThumb: null, thumbDone: false,
    };
    let chain: Promise<void> = this.queue.putClip(rec);
    const take = (size: number): Uint8Array => {
      const out = new Uint8Array(size);
      let at = 0;
      while (at < size) {
        const p = pending[0];
        const k = Math.min(p.length, size - at);
        out.set(p.subarray(0, k), at);
        at += k;
        if (k === p.length) pending.shift();
        else pending[0] = p.subarray(k);
      }
      pendingBytes -= size;
      return out;
    };
    const store = async (index: number, plain: Uint8Array, last: boolean): Promise<void> => {
      const keys = await ctx.keys;
      const data = await keys.sealChunk(ctx.camera, clip, index, last, plain);
      sealedBytes += data.length;
      this.queuedBytes += data.length;
      await this.queue.putChunk({ key: chunkKey(id, index), id, n: index, last, data }, sealedBytes);
    };
    const lost = (why: string) => {
      if (failed) return;
      failed = true;
      pending = [];
      first = null;
      this.queuedBytes = Math.max(0, this.queuedBytes - sealedBytes);
      this.queue.dropClip(id).catch(() => undefined);
      this.events.failed(why);
    };
    const step = (f: () => Promise<void>): Promise<void> => {
      chain = chain.then(() => (failed ? undefined : f())).catch((e) => lost(e instanceof Error ? e.message : String(e)));
      return chain;
    };
    return {
      write: (bytes) => {
        if (failed) return;
        pending.push(bytes);
        pendingBytes += bytes.length;
        // A full chunk is sealed once more bytes follow it: only then is it surely not the last.
        while (pendingBytes > CHUNK_BYTES) {
          const plain = take(CHUNK_BYTES);
          const index = n++;
          if (index === 0) first = plain;
          else step(() => store(index, plain, false));
        }
        return undefined;
      },
      end: (info: ClipEnd) =>
        step(async () => {
          // The rest is the last chunk (or, for a short clip, chunk 0 itself).
          const rest = take(pendingBytes);
          let count = n;
          if (rest.length || n === 0) {
            const index = n++;
            count = n;
            if (index === 0) first = rest;
            else await store(index, rest, true);
          }
          const head = first!;
          // The Duration, known only now, goes over its place in the head (within the first 4 KiB).
          const patch = info.patch;
          if (patch && patch.at < head.length) head.set(patch.bytes.subarray(0, Math.min(patch.bytes.length, head.length - patch.at)), patch.at);
          await store(0, head, count === 1);
          first = null;
          const keys = await ctx.keys;
          const entry: ClipEntry = {
            v: 1, clip, camera: ctx.camera, start: start.startedAt, durationMs: Math.round(info.durationMs), mime: start.mimeType,
            reason: info.reason, chunks: count, bytes: info.size, preRollMs: Math.round(info.preRollMs), peak: info.peakScore, target: ctx.target(),
          };
          rec.state = 'ready';
          rec.bytes = sealedBytes;
          rec.entry = entry;
          rec.sealedEntry = await keys.sealEntry(entry);
          rec.sealedThumb = info.thumbnail ? await keys.sealThumb(ctx.camera, clip, await bytesOf(info.thumbnail)) : null;
          await this.queue.putClip(rec);
          this.events.queued(entry);
        }),
      fail: (reason) => {
        step(async () => lost('the recording failed: ' + reason));
      },
    };
  }
}
