// Clips in a bucket (the room's storage target "bucket" or "relay", docs/clips.md): the sealed
// chunks as objects clips/{pathKey}/{camera}/{clip}/{n} through Firebase Storage's REST API as
// the official web SDK uses it (multipart upload, `?alt=media` download, DELETE), against
// Google's servers or the relay's own subset (init.json's storageEmulatorUrl).
import { Auth } from './auth';
import { BackendConfig } from './config';

export class StorageError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export function objectName(pathKey: string, camera: string, clip: string, n: number): string {
  return 'clips/' + pathKey + '/' + camera + '/' + clip + '/' + n;
}

/** One clip's objects. */
export interface StorageTarget {
  put(n: number, sealed: Uint8Array): Promise<void>;
  get(n: number): Promise<Uint8Array>;
  remove(n: number): Promise<void>;
}

export class StoredObjects {
  constructor(private readonly cfg: BackendConfig, private readonly auth: Auth, private readonly bucket: string) {}

  /**
   * The store for a target: "relay" uses the backend's own bucket (init.json), "bucket" the room's
   * (meta/bucket, else the backend's). Null when there is no bucket to use.
   */
  static of(cfg: BackendConfig, auth: Auth, roomBucket: string | null = null): StoredObjects | null {
    const bucket = roomBucket || cfg.storageBucket;
    return bucket ? new StoredObjects(cfg, auth, bucket) : null;
  }

  target(pathKey: string, camera: string, clip: string): StorageTarget {
    const name = (n: number) => objectName(pathKey, camera, clip, n);
    return {
      put: (n, sealed) => this.put(name(n), sealed),
      get: (n) => this.get(name(n)),
      remove: (n) => this.remove(name(n)),
    };
  }

  private base(): string {
    return this.cfg.storageBase + '/v0/b/' + encodeURIComponent(this.bucket) + '/o';
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', 'Firebase ' + (await this.auth.token()));
    try {
      return await fetch(url, { ...init, headers });
    } catch (e) {
      throw new StorageError('the storage server cannot be reached', 0);
    }
  }

  private static async failure(r: Response, what: string): Promise<StorageError> {
    let message = 'HTTP ' + r.status;
    try {
      const j = await r.json();
      if (j && j.error && typeof j.error.message === 'string') message = j.error.message;
    } catch (e) {
      // Not JSON.
    }
    return new StorageError(what + ': ' + message, r.status);
  }

  /** Creates an object (objects are never overwritten: a refusal for one already there with the same bytes counts as done). */
  async put(name: string, sealed: Uint8Array): Promise<void> {
    const boundary = 'remotecam' + Math.random().toString().slice(2);
    const meta = JSON.stringify({ name, contentType: 'application/octet-stream' });
    const head = '--' + boundary + '\r\nContent-Type: application/json; charset=utf-8\r\n\r\n' + meta + '\r\n--' + boundary + '\r\nContent-Type: application/octet-stream\r\n\r\n';
    const body = new Blob([head, sealed as BlobPart, '\r\n--' + boundary + '--']);
    const r = await this.send(this.base() + '?name=' + encodeURIComponent(name), {
      method: 'POST',
      headers: { 'X-Goog-Upload-Protocol': 'multipart', 'Content-Type': 'multipart/related; boundary=' + boundary },
      body,
    });
    if (r.ok) return;
    const err = await StoredObjects.failure(r, 'the storage refused a clip');
    if (r.status === 403 || r.status === 409 || r.status === 412) {
      let there: Uint8Array | null = null;
      try {
        there = await this.get(name);
      } catch (e) {
        throw err;
      }
      if (there.length === sealed.length && there.every((b, i) => b === sealed[i])) return;
    }
    throw err;
  }

  async get(name: string): Promise<Uint8Array> {
    const r = await this.send(this.base() + '/' + encodeURIComponent(name) + '?alt=media', { method: 'GET' });
    if (!r.ok) throw await StoredObjects.failure(r, 'a clip could not be read from storage');
    return new Uint8Array(await r.arrayBuffer());
  }

  async remove(name: string): Promise<void> {
    const r = await this.send(this.base() + '/' + encodeURIComponent(name), { method: 'DELETE' });
    if (!r.ok && r.status !== 404) throw await StoredObjects.failure(r, 'a clip could not be deleted from storage');
  }
}
