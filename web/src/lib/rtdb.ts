// A small Realtime Database client over the REST API: get/put/patch/delete with ?auth=, and
// streams (Server-Sent Events) that keep a local copy of their subtree and reconnect by
// themselves. Transport layer: knows nothing about rooms or calls.
import { Auth, AuthError } from './auth';
import { Bus } from './bus';
import { BackendConfig } from './config';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export class DbError extends Error {
  /** HTTP status; 0 when the server could not be reached. */
  constructor(message: string, readonly status: number) {
    super(message);
  }
  get denied(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export type NetState = 'connecting' | 'online' | 'offline';

export interface DbEvents {
  /** Overall state of the streams, for the status line. */
  net: NetState;
}

export class Db {
  readonly bus = new Bus<DbEvents>();
  private streams: Stream[] = [];
  private lastNet: NetState | null = null;

  constructor(readonly cfg: BackendConfig, readonly auth: Auth) {
    window.addEventListener('online', () => this.wake(true));
    window.addEventListener('offline', () => this.updateNet());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.wake(false);
    });
  }

  async url(path: string, extra?: string): Promise<string> {
    const token = await this.auth.token();
    let url = this.cfg.databaseBase + '/' + path.replace(/^\/+/, '') + '.json?auth=' + encodeURIComponent(token);
    if (this.cfg.ns) url += '&ns=' + encodeURIComponent(this.cfg.ns);
    return extra ? url + '&' + extra : url;
  }

  get(path: string): Promise<Json> {
    return this.request('GET', path);
  }
  put(path: string, value: Json): Promise<Json> {
    return this.request('PUT', path, value);
  }
  patch(path: string, value: JsonObject): Promise<Json> {
    return this.request('PATCH', path, value);
  }
  remove(path: string): Promise<Json> {
    return this.request('DELETE', path);
  }

  /**
   * A request that must leave while the page goes away (pagehide): sent synchronously with the
   * cached token, without waiting for an answer. It is a POST with `x-http-method-override` and
   * a text/plain body, a "simple" request that needs no CORS preflight (browsers do not
   * preflight requests sent while unloading), sent with sendBeacon where available.
   */
  sendOnUnload(method: 'PUT' | 'DELETE', path: string, value?: Json): void {
    const token = this.auth.cachedToken;
    if (!token) return;
    let url = this.cfg.databaseBase + '/' + path + '.json?x-http-method-override=' + method + '&auth=' + encodeURIComponent(token);
    if (this.cfg.ns) url += '&ns=' + encodeURIComponent(this.cfg.ns);
    const body = value === undefined ? '' : JSON.stringify(value);
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return;
      fetch(url, { method: 'POST', keepalive: true, body }).catch(() => undefined);
    } catch (e) {
      // Best effort.
    }
  }

  private async request(method: string, path: string, body?: Json, retried = false): Promise<Json> {
    let url: string;
    try {
      url = await this.url(path);
    } catch (e) {
      throw new DbError(e instanceof AuthError ? e.message : 'Cannot sign in.', e instanceof AuthError && e.unreachable ? 0 : 401);
    }
    let response: Response;
    try {
      response = await fetch(url, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new DbError('Cannot reach the database.', 0);
    }
    let json: Json = null;
    try {
      json = await response.json();
    } catch (e) {
      // Non-JSON error page: keep null.
    }
    if (response.ok) return json;
    const message = json && typeof json === 'object' && !Array.isArray(json) && typeof json.error === 'string' ? json.error : 'HTTP ' + response.status;
    if (response.status === 401 && /expired/i.test(message) && !retried) {
      await this.auth.token(true);
      return this.request(method, path, body, true);
    }
    throw new DbError(message, response.status);
  }

  stream(path: string, handlers: StreamHandlers): Stream {
    const s = new Stream(this, path, handlers);
    this.streams.push(s);
    s.start();
    return s;
  }

  /** Called by streams when their state changes. */
  updateNet(): void {
    const live = this.streams.filter((s) => !s.closed);
    let net: NetState = 'online';
    if (!navigator.onLine) net = 'offline';
    else if (live.some((s) => s.failures >= 3)) net = 'offline';
    else if (live.some((s) => s.state !== 'open')) net = 'connecting';
    this.streams = live;
    if (net !== this.lastNet) {
      this.lastNet = net;
      this.bus.emit('net', net);
    }
  }

  /** Network back or page visible again: reconnect now instead of waiting for the backoff. */
  private wake(networkChanged: boolean): void {
    for (const s of this.streams) s.wake(networkChanged);
  }
}

export interface StreamHandlers {
  /** After each event: the subtree's copy, and the changed path (relative, '' = all) . */
  data(value: Json, path: string): void;
  /** The server ended the stream because read access is gone (cancel, or 401 on reconnect). */
  denied?(): void;
}

const KEEPALIVE_TIMEOUT_MS = 75000;

export class Stream {
  value: Json = null;
  state: 'connecting' | 'open' | 'closed' = 'connecting';
  failures = 0;
  closed = false;
  private source: EventSource | null = null;
  private retryTimer: number | undefined;
  private watchdog: number | undefined;
  private lastEvent = 0;
  private generation = 0;

  constructor(private readonly db: Db, readonly path: string, private readonly handlers: StreamHandlers) {}

  async start(): Promise<void> {
    const generation = ++this.generation;
    this.disconnect();
    this.state = 'connecting';
    this.db.updateNet();
    let url: string;
    try {
      url = await this.db.url(this.path);
    } catch (e) {
      if (generation === this.generation) this.fail();
      return;
    }
    if (generation !== this.generation || this.closed) return;
    const source = new EventSource(url);
    this.source = source;
    const on = (name: string, fn: (data: string) => void) =>
      source.addEventListener(name, (ev) => {
        if (this.source !== source) return;
        this.lastEvent = Date.now();
        fn((ev as MessageEvent).data);
      });
    on('put', (d) => this.apply(d, false));
    on('patch', (d) => this.apply(d, true));
    on('keep-alive', () => undefined);
    on('cancel', () => {
      this.disconnect();
      this.state = 'closed';
      this.db.updateNet();
      if (this.handlers.denied) this.handlers.denied();
    });
    on('auth_revoked', () => {
      // The token expired: get a fresh one and reopen.
      this.db.auth.token(true).then(() => this.start(), () => this.fail());
    });
    source.onopen = () => {
      if (this.source !== source) return;
      this.lastEvent = Date.now();
    };
    source.onerror = () => {
      if (this.source !== source) return;
      // EventSource retries network errors by itself, but with a stale token and its own timing;
      // we take over: close and reconnect on our schedule.
      this.disconnect();
      this.checkAccessThenRetry();
    };
    clearInterval(this.watchdog);
    this.watchdog = window.setInterval(() => {
      if (this.state === 'open' && Date.now() - this.lastEvent > KEEPALIVE_TIMEOUT_MS) this.start();
    }, 15000);
  }

  close(): void {
    this.closed = true;
    this.generation++;
    this.disconnect();
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
    this.state = 'closed';
    this.db.updateNet();
  }

  wake(networkChanged: boolean): void {
    if (this.closed || this.state === 'closed') return;
    const stale = Date.now() - this.lastEvent > 35000;
    if (this.state !== 'open' || networkChanged || stale) {
      clearTimeout(this.retryTimer);
      this.start();
    }
  }

  private disconnect(): void {
    if (this.source) {
      this.source.close();
      this.source = null;
    }
  }

  private apply(text: string, isPatch: boolean): void {
    let ev: { path: string; data: Json };
    try {
      ev = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (this.state !== 'open') {
      this.state = 'open';
      this.failures = 0;
      this.db.updateNet();
    }
    const parts = ev.path.split('/').filter((p) => p);
    if (isPatch && ev.data && typeof ev.data === 'object' && !Array.isArray(ev.data)) {
      for (const key of Object.keys(ev.data)) this.value = setAt(this.value, parts.concat(key.split('/').filter((p) => p)), ev.data[key]);
    } else {
      this.value = setAt(this.value, parts, ev.data);
    }
    this.handlers.data(this.value, parts.join('/'));
  }

  /** After an error: a 401/403 means access is gone (revoked, rotated); anything else is retried. */
  private async checkAccessThenRetry(): Promise<void> {
    const generation = this.generation;
    this.state = 'connecting';
    this.failures++;
    this.db.updateNet();
    if (this.failures >= 2) {
      try {
        await this.db.get(this.path);
      } catch (e) {
        if (generation !== this.generation) return;
        if (e instanceof DbError && e.denied) {
          this.state = 'closed';
          this.db.updateNet();
          if (this.handlers.denied) this.handlers.denied();
          return;
        }
      }
    }
    if (generation !== this.generation) return;
    this.scheduleRetry();
  }

  private fail(): void {
    this.failures++;
    this.state = 'connecting';
    this.db.updateNet();
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    // Quick while visible (0.5 s doubling up to 2 s: a silently dropped network gives no event
    // when it returns, so a camera must notice by itself within seconds); slow in the background (30 s).
    const visible = document.visibilityState === 'visible';
    const delay = visible ? Math.min(2000, 500 * Math.pow(2, Math.max(0, this.failures - 1))) : 30000;
    this.retryTimer = window.setTimeout(() => this.start(), delay * (0.8 + Math.random() * 0.4));
  }
}

/** Returns `root` with `value` stored at `path` (null deletes), copying along the way. */
export function setAt(root: Json, path: string[], value: Json): Json {
  if (path.length === 0) return value;
  // Arrays (RTDB turns objects with small integer keys into arrays) become objects again.
  const obj: JsonObject = {};
  if (root && typeof root === 'object') {
    const src = root as JsonObject;
    for (const k of Object.keys(src)) if (src[k] !== null) obj[k] = src[k];
  }
  const child = setAt(obj[path[0]] === undefined ? null : obj[path[0]], path.slice(1), value);
  if (child === null) delete obj[path[0]];
  else obj[path[0]] = child;
  return Object.keys(obj).length ? obj : null;
}

export function isObject(v: Json | undefined): v is JsonObject {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
