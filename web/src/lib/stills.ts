// Still pictures when no live path exists (docs/protocol.md "Still pictures"): a viewer whose call
// found no path asks for them (wants/{cameraUid}/{viewerUid}); the camera posts a sealed JPEG of its
// picture every 3 s (stills/{cameraUid}) while a want is younger than 60 s.
import { Bytes } from './b64';
import * as paths from './paths';
import { Db, DbError, Json, Stream, isObject } from './rtdb';
import { SealError, openStill, sealStill } from './seal';

export const STILL_EVERY_MS = 3000;
export const WANT_REFRESH_MS = 20000;
export const WANT_FRESH_MS = 60000;
/** The rules' bound on a sealed still (database.rules.json). */
export const MAX_SEALED_STILL = 120000;
export const STILL_MAX_WIDTH = 640;
const QUALITIES = [0.6, 0.45, 0.3, 0.2];

export interface StillContext {
  db: Db;
  key: CryptoKey;
  roomId: string;
  uid: string;
}

function jpeg(canvas: HTMLCanvasElement, quality: number): Promise<Bytes | null> {
  return new Promise((resolve) =>
    canvas.toBlob((blob) => {
      if (!blob) return resolve(null);
      const reader = new FileReader();
      reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
      reader.onerror = () => resolve(null);
      reader.readAsArrayBuffer(blob);
    }, 'image/jpeg', quality),
  );
}

/** The camera's side: streams its wants and posts a still every 3 s while one is fresh. */
export class StillPoster {
  private stream: Stream | null = null;
  private timer: number | undefined;
  private wants: Json = null;
  private busy = false;
  private lastN = 0;
  private readonly canvas = document.createElement('canvas');
  /** Stills posted, for the page and the tests. */
  posted = 0;
  /** Told how many viewers want stills now (fresh wants), whenever that number changes. */
  onWanted: ((viewers: number) => void) | null = null;
  private reported = 0;

  constructor(
    private readonly ctx: StillContext,
    private readonly video: HTMLVideoElement,
    /** serverTime - Date.now() (from the presence write's echo). */
    private readonly serverOffset: () => number,
    private readonly denied: () => void,
  ) {}

  get path(): string {
    return paths.still(this.ctx.roomId, this.ctx.uid);
  }

  start(): void {
    this.stream = this.ctx.db.stream(paths.wants(this.ctx.roomId, this.ctx.uid), {
      data: (v) => {
        const before = this.wanted();
        this.wants = v;
        if (!before && this.wanted()) this.tick();
      },
      denied: this.denied,
    });
    this.timer = window.setInterval(() => this.tick(), STILL_EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.stream) this.stream.close();
    this.stream = null;
  }

  /** Whether some viewer asked for stills within the last 60 s (server time). */
  wanted(): boolean {
    return this.wanting() > 0;
  }

  /** How many viewers asked for stills within the last 60 s (server time). */
  wanting(): number {
    if (!isObject(this.wants)) return 0;
    const now = Date.now() + this.serverOffset();
    const w = this.wants;
    return Object.keys(w).filter((k) => typeof w[k] === 'number' && now - (w[k] as number) < WANT_FRESH_MS).length;
  }

  private async tick(): Promise<void> {
    const viewers = this.wanting();
    if (viewers !== this.reported) {
      this.reported = viewers;
      if (this.onWanted) this.onWanted(viewers);
    }
    if (this.busy || !viewers) return;
    this.busy = true;
    try {
      await this.post();
    } catch (e) {
      if (!(e instanceof DbError)) console.warn('Could not post a still', e);
    } finally {
      this.busy = false;
    }
  }

  private async post(): Promise<void> {
    const v = this.video;
    if (!v.videoWidth || !v.videoHeight) return;
    // Numbers never go backwards, also across reloads: server time in ms, or one more than the last.
    const n = Math.max(this.lastN + 1, Math.floor(Date.now() + this.serverOffset()));
    let width = Math.min(STILL_MAX_WIDTH, v.videoWidth);
    for (let shrink = 0; shrink < 3; shrink++, width = Math.round(width / 2)) {
      this.canvas.width = width;
      this.canvas.height = Math.max(1, Math.round((v.videoHeight * width) / v.videoWidth));
      const g = this.canvas.getContext('2d');
      if (!g) return;
      g.drawImage(v, 0, 0, this.canvas.width, this.canvas.height);
      for (const q of QUALITIES) {
        const bytes = await jpeg(this.canvas, q);
        if (!bytes) return;
        const sealed = await sealStill(this.ctx.key, this.ctx.roomId, this.ctx.uid, n, bytes);
        if (sealed.length > MAX_SEALED_STILL) continue;
        this.lastN = n;
        await this.ctx.db.put(this.path, { n, at: { '.sv': 'timestamp' }, s: sealed });
        this.posted++;
        return;
      }
    }
  }
}

export interface Still {
  n: number;
  /** An object URL of the JPEG (the receiver revokes the previous one). */
  url: string;
  /** When it was posted, on this device's clock (arrival, or the server time for a first snapshot). */
  shownAt: number;
}

/** The viewer's side for one camera: keeps its want fresh and opens the camera's stills. */
export class StillWatcher {
  private stream: Stream | null = null;
  private refresh: number | undefined;
  private lastN = -1;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly ctx: StillContext,
    readonly cameraUid: string,
    private readonly onStill: (s: Still) => void,
  ) {}

  get wantPath(): string {
    return paths.want(this.ctx.roomId, this.cameraUid, this.ctx.uid);
  }

  start(): void {
    const want = () => {
      if (!this.stopped) this.ctx.db.put(this.wantPath, { '.sv': 'timestamp' }).catch(() => undefined);
    };
    want();
    this.refresh = window.setInterval(want, WANT_REFRESH_MS);
    this.stream = this.ctx.db.stream(paths.still(this.ctx.roomId, this.cameraUid), {
      data: (value, path) => {
        const arrived = Date.now();
        // A whole snapshot (first, or after a reconnect) may hold an old still: date it by its server time.
        const first = path === '';
        this.chain = this.chain.then(() => this.show(value, first, arrived));
      },
    });
  }

  /** No more stills wanted: deletes the want (or, while the page goes away, sends the deletion). */
  stop(unloading = false): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.refresh);
    if (this.stream) this.stream.close();
    if (unloading) this.ctx.db.sendOnUnload('DELETE', this.wantPath);
    else this.ctx.db.remove(this.wantPath).catch(() => undefined);
  }

  private async show(value: Json, first: boolean, arrived: number): Promise<void> {
    if (this.stopped || !isObject(value)) return;
    const n = value.n, s = value.s, at = value.at;
    if (typeof n !== 'number' || typeof s !== 'string' || n <= this.lastN) return;
    let bytes: Bytes;
    try {
      bytes = await openStill(this.ctx.key, this.ctx.roomId, this.cameraUid, n, s);
    } catch (e) {
      console.warn('Ignored still ' + n + ': ' + (e instanceof SealError ? e.message : e));
      return;
    }
    if (this.stopped || n <= this.lastN) return;
    this.lastN = n;
    const shownAt = first && typeof at === 'number' ? Math.min(arrived, at) : arrived;
    this.onStill({ n, url: URL.createObjectURL(new Blob([bytes], { type: 'image/jpeg' })), shownAt });
  }
}
