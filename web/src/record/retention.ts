// Retention (docs/pages.md "Clips"): the camera deletes its own clips older than its setting —
// the index entry first (viewers stop listing it), then the thumbnail, then the chunks — once an
// hour and when the setting changes. Clip ids begin with their start time (docs/clips.md), so the
// old ones are found from the ids alone; each entry is opened to know its chunks and target.
import { ClipKeys } from '../lib/clip';
import * as paths from '../lib/paths';
import { Db, isObject } from '../lib/rtdb';
import { StoredObjects } from '../lib/storage';

export const RETENTION_EVERY_MS = 3600000;

/** The start time (ms) a clip id begins with, or NaN. */
export function clipStart(clipId: string): number {
  const m = /^([0-9]{13})-/.exec(clipId);
  return m ? Number(m[1]) : NaN;
}

/** Deletes this camera's clips that started before `before` (ms); resolves with how many. */
export async function deleteOlder(db: Db, room: string, camera: string, keys: ClipKeys, objects: StoredObjects | null, before: number): Promise<number> {
  const all = await db.get(paths.events(room, camera));
  if (!isObject(all)) return 0;
  let deleted = 0;
  for (const clip of Object.keys(all).sort()) {
    const start = clipStart(clip);
    if (!(start < before)) continue;
    await deleteClip(db, room, camera, clip, all[clip], keys, objects);
    deleted++;
  }
  return deleted;
}

/** Deletes one clip: entry, thumbnail, chunks (an entry that does not open loses its entry and thumbnail). */
export async function deleteClip(db: Db, room: string, camera: string, clip: string, sealed: unknown, keys: ClipKeys, objects: StoredObjects | null): Promise<void> {
  let chunks = 0;
  let target = 'database';
  if (typeof sealed === 'string') {
    try {
      const e = await keys.openEntry(camera, clip, sealed);
      chunks = e.chunks;
      target = e.target;
    } catch (e) {
      // Not ours to read: the entry and thumbnail still go; database chunks go with their folder.
    }
  }
  await db.remove(paths.event(room, camera, clip));
  await db.remove(paths.thumb(room, camera, clip));
  if (target === 'database') await db.remove(paths.clip(room, camera, clip));
  else if (objects) {
    const t = objects.target(keys.pathKey, camera, clip);
    for (let n = 0; n < chunks; n++) await t.remove(n);
  }
}
