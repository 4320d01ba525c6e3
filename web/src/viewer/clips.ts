// The room's clips as the viewer sees them (docs/clips.md): each camera's sealed index
// (events/{camera}) streamed and opened in the browser, thumbnails read and opened when shown,
// and a clip's chunks read from the room's target (database or bucket), opened and joined into
// a Blob to play or download. The owner's devices may delete a clip (entry, thumbnail, chunks).
import { fromB64u } from '../lib/b64';
import { ClipEntry, ClipKeys, clipKeys } from '../lib/clip';
import * as paths from '../lib/paths';
import { Db, Json, Stream, isObject } from '../lib/rtdb';
import { StoredObjects } from '../lib/storage';

export interface ClipItem {
  camera: string;
  clip: string;
  entry: ClipEntry;
}

export interface LibraryContext {
  db: Db;
  room: string;
  /** The room's viewer secret (base64url, from the invitation). */
  secret: string;
  objects: StoredObjects | null;
}

export class ClipLibrary {
  readonly keys: Promise<ClipKeys>;
  /** Every opened clip of the room, newest first. */
  items: ClipItem[] = [];
  /** Told when the list changed; `added` are clips that arrived while the page was open. */
  onChange: (added: ClipItem[]) => void = () => undefined;
  private streams: { [camera: string]: Stream } = {};
  private opened: { [key: string]: ClipItem | null } = {};
  private perCamera: { [camera: string]: string[] } = {};
  private primed: { [camera: string]: boolean } = {};

  constructor(private readonly ctx: LibraryContext) {
    this.keys = clipKeys(fromB64u(ctx.secret), ctx.room);
  }

  /** Follows a camera's index (once per camera). */
  watch(camera: string): void {
    if (this.streams[camera]) return;
    this.streams[camera] = this.ctx.db.stream(paths.events(this.ctx.room, camera), {
      data: (v) => this.indexChanged(camera, v),
    });
  }

  /** A camera left the room: its clips go from the list. */
  forget(camera: string): void {
    const s = this.streams[camera];
    if (s) s.close();
    delete this.streams[camera];
    this.items = this.items.filter((i) => i.camera !== camera);
    this.onChange([]);
  }

  stop(): void {
    for (const c of Object.keys(this.streams)) this.streams[c].close();
    this.streams = {};
  }

  private async indexChanged(camera: string, v: Json): Promise<void> {
    const index = isObject(v) ? v : {};
    const keys = await this.keys;
    const ids = Object.keys(index);
    const before = this.perCamera[camera] || [];
    this.perCamera[camera] = ids;
    const added: ClipItem[] = [];
    for (const clip of ids) {
      const k = camera + '/' + clip;
      if (k in this.opened) continue;
      const text = index[clip];
      let item: ClipItem | null = null;
      if (typeof text === 'string') {
        try {
          item = { camera, clip, entry: await keys.openEntry(camera, clip, text) };
        } catch (e) {
          console.warn('Ignored clip ' + clip + ': ' + (e instanceof Error ? e.message : e));
        }
      }
      this.opened[k] = item;
      if (item && this.primed[camera]) added.push(item);
    }
    this.primed[camera] = true;
    const gone = before.filter((id) => ids.indexOf(id) < 0);
    for (const id of gone) delete this.opened[camera + '/' + id];
    const mine = ids.map((id) => this.opened[camera + '/' + id]).filter((i): i is ClipItem => !!i);
    this.items = this.items.filter((i) => i.camera !== camera).concat(mine);
    this.items.sort((a, b) => b.entry.start - a.entry.start);
    this.onChange(added);
  }

  /** The clip's thumbnail as an object URL, or null when it has none. */
  async thumbnail(item: ClipItem): Promise<string | null> {
    const text = await this.ctx.db.get(paths.thumb(this.ctx.room, item.camera, item.clip));
    if (typeof text !== 'string') return null;
    const jpeg = await (await this.keys).openThumb(item.camera, item.clip, text);
    return URL.createObjectURL(new Blob([jpeg as BlobPart], { type: 'image/jpeg' }));
  }

  /** The whole clip, opened: every chunk read and checked (a missing or altered one fails in words). */
  async blob(item: ClipItem, progress: (done: number, all: number) => void = () => undefined): Promise<Blob> {
    const keys = await this.keys;
    const e = item.entry;
    const parts: Uint8Array[] = [];
    const objects = e.target === 'database' ? null : this.ctx.objects;
    if (e.target !== 'database' && !objects) throw new Error('this clip is in a bucket, and this server offers no storage');
    const target = objects ? objects.target(keys.pathKey, item.camera, item.clip) : null;
    for (let n = 0; n < e.chunks; n++) {
      let sealed: Uint8Array;
      if (target) sealed = await target.get(n);
      else {
        const text = await this.ctx.db.get(paths.clipPart(this.ctx.room, item.camera, item.clip, n));
        if (typeof text !== 'string') throw new Error('part ' + (n + 1) + ' of ' + e.chunks + ' of this clip is missing');
        sealed = fromB64u(text);
      }
      parts.push(await keys.openChunk(item.camera, item.clip, n, n === e.chunks - 1, sealed));
      progress(n + 1, e.chunks);
    }
    return new Blob(parts as BlobPart[], { type: e.mime.split(';')[0] || 'video/webm' });
  }

  /** Deletes the clip from the room: the index entry first (no viewer lists it any more), then the rest. */
  async remove(item: ClipItem): Promise<void> {
    const { db, room } = this.ctx;
    await db.remove(paths.event(room, item.camera, item.clip));
    await db.remove(paths.thumb(room, item.camera, item.clip));
    if (item.entry.target === 'database') await db.remove(paths.clip(room, item.camera, item.clip));
    else if (this.ctx.objects) {
      const t = this.ctx.objects.target((await this.keys).pathKey, item.camera, item.clip);
      for (let n = 0; n < item.entry.chunks; n++) await t.remove(n);
    }
  }
}

/** A file name for a downloaded clip: camera name, start time, the container's extension. */
export function clipFileName(cameraName: string, item: ClipItem): string {
  const safe = cameraName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'camera';
  const when = new Date(item.entry.start).toISOString().replace(/[:.]/g, '-');
  return 'remotecam-' + safe + '-' + when + (/mp4/.test(item.entry.mime) ? '.mp4' : '.webm');
}
