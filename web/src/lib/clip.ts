// The sealed clip format of docs/clips.md: a per-clip AES-256-GCM key from HKDF-SHA256 over the
// room's viewer secret ("remotecam-clips-v1", "clip|room|camera|clip"); 256 KiB chunks sealed as
// version | IV | ciphertext | tag with associated data binding room, camera, clip, chunk number
// and a last-chunk flag; the index entry and the thumbnail sealed as "1.iv.ciphertext" text.
// The C# twin (src/RemoteCam.Cli/Clips) opens what this seals; docs/clips.vectors.json proves it.
import { Bytes, fromB64u, toB64u, utf8 } from './b64';

export type ClipReason = 'motion' | 'timed' | 'manual';

export interface ClipEntry {
  v: 1;
  clip: string;
  camera: string;
  /** First frame (ms since 1970, the camera's clock), pre-roll included. */
  start: number;
  durationMs: number;
  mime: string;
  reason: ClipReason;
  /** Number of chunks (1…4096); chunk chunks-1 carries the last flag. */
  chunks: number;
  /** Plaintext bytes of the whole clip. */
  bytes: number;
  preRollMs: number;
  /** Highest motion score of the clip (0…1). */
  peak: number;
  target: 'database' | 'bucket' | 'relay';
}

export interface ClipKeys {
  /** For bucket/relay object names: clips/{pathKey}/{camera}/{clip}/{n}. */
  pathKey: string;
  sealChunk(camera: string, clip: string, n: number, last: boolean, plain: Uint8Array): Promise<Uint8Array>;
  openChunk(camera: string, clip: string, n: number, last: boolean, sealed: Uint8Array): Promise<Uint8Array>;
  /** "1.…" text for events/{camera}/{clip}. */
  sealEntry(entry: ClipEntry): Promise<string>;
  openEntry(camera: string, clip: string, text: string): Promise<ClipEntry>;
  /** "1.…" text for thumbs/{camera}/{clip} (at most THUMB_CHARS). */
  sealThumb(camera: string, clip: string, jpeg: Uint8Array): Promise<string>;
  openThumb(camera: string, clip: string, text: string): Promise<Uint8Array>;
}

/** Plaintext bytes per chunk; every chunk but the last has exactly this many. */
export const CHUNK_BYTES = 262144;
/** Most chunks of one clip (1 GiB of plaintext). */
export const MAX_CHUNKS = 4096;
/** Longest sealed thumbnail text the rules accept. */
export const THUMB_CHARS = 120000;

const LABEL = 'remotecam-clips-v1';
const VERSION = 1;
const IV = 12;
const TAG = 16;
const REASONS = ['motion', 'timed', 'manual'];
const TARGETS = ['database', 'bucket', 'relay'];
const ID = /^[A-Za-z0-9_-]{1,128}$/;

export class ClipError extends Error {}

/** A clip id: the start time (13 digits, so ids sort by time) and 10 random base64url characters. */
export function newClipId(startMs: number): string {
  const t = String(Math.max(0, Math.floor(startMs)));
  const random = toB64u(crypto.getRandomValues(new Uint8Array(8))).slice(0, 10);
  return '0000000000000'.slice(t.length) + t + '-' + random;
}

export async function clipKeys(viewerSecret: Uint8Array, roomId: string): Promise<ClipKeys> {
  checkId(roomId, 'room');
  const ikm = await crypto.subtle.importKey('raw', new Uint8Array(viewerSecret), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const hkdf = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: utf8(LABEL), info: utf8(info) });
  const path = await crypto.subtle.deriveBits(hkdf('path|' + roomId), ikm, 128);
  // The last few clips' keys: a camera seals one clip at a time, a viewer opens a page of them.
  const cache = new Map<string, Promise<CryptoKey>>();
  const key = (camera: string, clip: string): Promise<CryptoKey> => {
    checkId(camera, 'camera');
    checkId(clip, 'clip');
    const name = camera + '|' + clip;
    let k = cache.get(name);
    if (!k) {
      k = crypto.subtle.deriveKey(hkdf('clip|' + roomId + '|' + name), ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      if (cache.size >= 64) cache.delete(cache.keys().next().value as string);
      cache.set(name, k);
    }
    return k;
  };
  const aad = (kind: string, camera: string, clip: string) => LABEL + '|' + kind + '|' + roomId + '|' + camera + '|' + clip;
  const chunkAad = (camera: string, clip: string, n: number, last: boolean) => {
    if (!(n >= 0 && n < MAX_CHUNKS && n === Math.floor(n))) throw new ClipError('chunk number ' + n + ' is outside 0…' + (MAX_CHUNKS - 1));
    return utf8(aad('chunk', camera, clip) + '|' + n + '|' + (last ? '1' : '0'));
  };
  const checkSize = (n: number, last: boolean, length: number) => {
    if (last ? length < 1 || length > CHUNK_BYTES : length !== CHUNK_BYTES)
      throw new ClipError('chunk ' + n + ' has ' + length + ' bytes; every chunk but the last has ' + CHUNK_BYTES + ', the last 1…' + CHUNK_BYTES);
  };

  return {
    pathKey: toB64u(new Uint8Array(path)),
    async sealChunk(camera, clip, n, last, plain) {
      const ad = chunkAad(camera, clip, n, last);
      checkSize(n, last, plain.length);
      const iv = crypto.getRandomValues(new Uint8Array(IV));
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: ad }, await key(camera, clip), new Uint8Array(plain)));
      const out = new Uint8Array(1 + IV + ct.length);
      out[0] = VERSION;
      out.set(iv, 1);
      out.set(ct, 1 + IV);
      return out;
    },
    async openChunk(camera, clip, n, last, sealed) {
      const ad = chunkAad(camera, clip, n, last);
      if (sealed.length < 1 + IV + TAG || sealed[0] !== VERSION) throw new ClipError('chunk ' + n + ' is not a sealed clip chunk');
      checkSize(n, last, sealed.length - 1 - IV - TAG);
      try {
        const iv = sealed.slice(1, 1 + IV);
        const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: ad }, await key(camera, clip), sealed.slice(1 + IV));
        return new Uint8Array(plain);
      } catch (e) {
        throw new ClipError('chunk ' + n + ' of clip ' + clip + ' does not open: altered, moved, from another clip, or not the last one');
      }
    },
    async sealEntry(entry) {
      checkEntry(entry);
      const e = entry;
      // Fixed field order: the JSON text is part of what docs/clips.vectors.json pins down.
      const text = JSON.stringify({
        v: e.v, clip: e.clip, camera: e.camera, start: e.start, durationMs: e.durationMs, mime: e.mime, reason: e.reason,
        chunks: e.chunks, bytes: e.bytes, preRollMs: e.preRollMs, peak: e.peak, target: e.target,
      });
      return sealText(await key(e.camera, e.clip), utf8(aad('entry', e.camera, e.clip)), utf8(text));
    },
    async openEntry(camera, clip, text) {
      const plain = await openText(await key(camera, clip), utf8(aad('entry', camera, clip)), text, 'index entry of clip ' + clip);
      let entry: ClipEntry;
      try {
        entry = JSON.parse(new TextDecoder().decode(plain));
      } catch (e) {
        throw new ClipError('index entry of clip ' + clip + ' is not JSON');
      }
      checkEntry(entry);
      if (entry.camera !== camera || entry.clip !== clip) throw new ClipError('index entry of clip ' + clip + ' names another clip');
      return entry;
    },
    async sealThumb(camera, clip, jpeg) {
      const text = await sealText(await key(camera, clip), utf8(aad('thumb', camera, clip)), jpeg);
      if (text.length > THUMB_CHARS) throw new ClipError('thumbnail is ' + jpeg.length + ' bytes; sealed it must stay within ' + THUMB_CHARS + ' characters (about 89 KB)');
      return text;
    },
    async openThumb(camera, clip, text) {
      return openText(await key(camera, clip), utf8(aad('thumb', camera, clip)), text, 'thumbnail of clip ' + clip);
    },
  };
}

function checkId(id: string, what: string): void {
  if (typeof id !== 'string' || !ID.test(id)) throw new ClipError(what + ' id "' + id + '" is not 1…128 base64url characters');
}

function checkEntry(e: ClipEntry): void {
  const num = (x: unknown, min: number, max: number) => typeof x === 'number' && isFinite(x) && x >= min && x <= max;
  const int = (x: unknown, min: number, max: number) => num(x, min, max) && Math.floor(x as number) === x;
  const ok =
    !!e && e.v === 1 && typeof e.clip === 'string' && ID.test(e.clip) && typeof e.camera === 'string' && ID.test(e.camera) &&
    int(e.start, 0, 8.64e15) && int(e.durationMs, 0, 8.64e7) && typeof e.mime === 'string' && e.mime.length >= 1 && e.mime.length <= 100 &&
    REASONS.indexOf(e.reason) >= 0 && int(e.chunks, 1, MAX_CHUNKS) &&
    int(e.bytes, (e.chunks - 1) * CHUNK_BYTES + 1, e.chunks * CHUNK_BYTES) &&
    int(e.preRollMs, 0, 8.64e7) && num(e.peak, 0, 1) && TARGETS.indexOf(e.target) >= 0;
  if (!ok) throw new ClipError('not a valid clip index entry (docs/clips.md "Index entry")');
}

async function sealText(key: CryptoKey, additionalData: Bytes, plain: Uint8Array): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, new Uint8Array(plain));
  return '1.' + toB64u(iv) + '.' + toB64u(new Uint8Array(ct));
}

async function openText(key: CryptoKey, additionalData: Bytes, text: string, what: string): Promise<Uint8Array> {
  const parts = typeof text === 'string' ? text.split('.') : [];
  let iv: Bytes | null = null;
  let ct: Bytes | null = null;
  try {
    if (parts.length === 3 && parts[0] === '1') {
      iv = fromB64u(parts[1]);
      ct = fromB64u(parts[2]);
    }
  } catch (e) {
    iv = null;
  }
  if (!iv || !ct || iv.length !== IV || ct.length < TAG) throw new ClipError(what + ' is not sealed text');
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData }, key, ct));
  } catch (e) {
    throw new ClipError(what + ' does not open with this room key: altered or moved');
  }
}
