// The pages' Realtime Database client (docs/pages.md "Transport"). Over Firebase's WebSocket
// protocol (realtime.ts) when it connects: one socket for every read, write, stream and
// onDisconnect of the page. Else over the REST API: get/put/patch/delete with ?auth=, and streams
// (Server-Sent Events) that keep a local copy of their subtree and reconnect by themselves.
// Transport layer: knows nothing about rooms or calls.
import { Auth, AuthError } from './auth';
import { Bus } from './bus';
import { BackendConfig } from './config';
import { Json, JsonObject, Lost, Realtime, setAt } from './realtime';

export { setAt };
export type { Json, JsonObject };

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
  /** Overall state of the connection (or the streams), for the status line. */
  net: NetState;
}

/** A WebSocket that has not handshaken by then counts as blocked: the page uses REST. */
export const WS_DECIDE_MS = 4000;
/** While on REST, the WebSocket is tried again this long after (doubling up to 10 min). */
const WS_RETRY_MS = 60000;

export class Db {
  readonly bus = new Bus<DbEvents>();
  /** 'wait' until the first WebSocket handshakes ('ws') or fails ('rest'). */
  mode: 'wait' | 'ws' | 'rest' = 'rest';
  private rt: Realtime | null = null;
  private streams: Stream[] = [];
  private lastNet: NetState | null = null;
  private decided: Promise<void> = Promise.resolve();
  private decide: () => void = () => undefined;
  private closed = false;
  private retryMs = WS_RETRY_MS;

  /** `rest`: this page never uses the WebSocket (join.html's single write before it leaves). */
  constructor(readonly cfg: BackendConfig, readonly auth: Auth, rest = false) {
    window.addEventListener('online', () => this.wake(true));
    window.addEventListener('offline', () => this.updateNet());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.wake(false);
    });
    auth.onToken((t) => this.rt && this.rt.reauth(t));
    if (!rest && typeof WebSocket !== 'undefined') {
      this.mode = 'wait';
      this.decided = new Promise((resolve) => (this.decide = resolve));
      window.setTimeout(() => this.mode === 'wait' && this.toRest(), WS_DECIDE_MS);
      this.tryWs();
    }
  }

  /** The state last told on the bus (the WebSocket may be up before a page listens). */
  get net(): NetState {
    return this.lastNet || 'connecting';
  }

  /** serverTime - Date.now() as the WebSocket's handshake told it (0 on REST). */
  get serverOffset(): number {
    return this.rt ? this.rt.offset : 0;
  }

  /** Ends this client: its WebSocket and streams (a start-up attempt that failed and is made again). */
  close(): void {
    this.closed = true;
    if (this.rt) this.rt.close();
    this.rt = null;
    for (const s of this.streams) s.close();
  }

  private tryWs(): void {
    if (this.closed) return;
    const base = this.cfg.databaseBase.replace(/^http/, 'ws');
    const host = new URL(this.cfg.databaseBase).hostname;
    // Firebase's own hosts name the database in their first label; the SDK sends it as ns too.
    const ns = this.cfg.ns || (/\.(firebaseio\.com|firebasedatabase\.app)$/.test(host) ? host.split('.')[0] : '');
    const rt: Realtime = new Realtime(base, ns, (force) => this.auth.token(force), () => this.rtChanged(rt));
    this.rt = rt;
    rt.connect();
  }

  private rtChanged(rt: Realtime): void {
    if (rt !== this.rt) return;
    if (rt.up && this.mode !== 'ws') {
      // First handshake (or a later try while on REST): every stream moves onto the socket.
      this.mode = 'ws';
      this.retryMs = WS_RETRY_MS;
      this.decide();
      for (const s of this.streams) if (!s.closed) s.start();
    } else if (!rt.up && rt.tries > 0 && this.mode !== 'ws') {
      this.toRest();
    }
    this.updateNet();
  }

  /** The WebSocket cannot connect (a proxy refuses it): REST + EventSource, and a new try later. */
  private toRest(): void {
    if (this.rt) this.rt.close();
    this.rt = null;
    const first = this.mode === 'wait';
    this.mode = 'rest';
    this.decide();
    if (first) for (const s of this.streams) if (!s.closed) s.start();
    window.setTimeout(() => this.mode === 'rest' && this.tryWs(), this.retryMs);
    this.retryMs = Math.min(600000, this.retryMs * 2);
    this.updateNet();
  }

  /** The WebSocket when it is up now (waiting for the first decision). */
  private async live(): Promise<Realtime | null> {
    await this.decided;
    return this.mode === 'ws' && this.rt && this.rt.up ? this.rt : null;
  }

  /** Listens on the WebSocket; null when the page is on REST. */
  wsListen(path: string, data: (value: Json, path: string) => void, denied: () => void): (() => void) | null {
    return this.mode === 'ws' && this.rt ? this.rt.listen(path.replace(/^\/+/, ''), { data, denied }) : null;
  }

  /**
   * Queues a write the server makes when this page's connection ends (closed tab, killed
   * browser, lost network: docs/pages.md "Presence"); `merge` updates instead of replacing.
   * Kept across reconnections. False when the page is on REST, which has no such thing.
   */
  async onDisconnect(path: string, value: JsonObject | null, merge = false): Promise<boolean> {
    await this.decided;
    if (this.mode !== 'ws' || !this.rt) return false;
    try {
      await this.rt.onDisconnect(path.replace(/^\/+/, ''), merge ? 'om' : 'o', value);
    } catch (e) {
      if (!(e instanceof Lost)) throw wsError(e);
      // Queued: sent when the socket is back.
    }
    return true;
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

  private async request(method: string, path: string, body?: Json): Promise<Json> {
    const rt = await this.live();
    if (rt) {
      const p = '/' + path.replace(/^\/+/, '');
      try {
        if (method === 'GET') return await rt.request('g', { p, q: {} }, wsFail);
        await rt.request(method === 'PATCH' ? 'm' : 'p', { p, d: method === 'DELETE' ? null : body! }, wsFail);
        // REST echoes what it stored; here the server's values are estimated with the handshake's clock.
        return method === 'DELETE' ? null : resolved(body!, Date.now() + rt.offset);
      } catch (e) {
        if (!(e instanceof Lost)) throw e;
        // The socket went away before the answer: the same request over REST.
      }
    }
    return this.rest(method, path, body);
  }

  private async rest(method: string, path: string, body?: Json, retried = false): Promise<Json> {
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
    if (response.status === 401 && !retried) {
      // Expired, or a kept token the server no longer takes: once more with a fresh one.
      await this.auth.token(true);
      return this.rest(method, path, body, true);
    }
    throw new DbError(message, response.status);
  }

  stream(path: string, handlers: StreamHandlers): Stream {
    const s = new Stream(this, path, handlers);
    this.streams.push(s);
    s.start();
    return s;
  }

  /** Called by streams and the WebSocket when their state changes. */
  updateNet(): void {
    const live = this.streams.filter((s) => !s.closed);
    const rt = this.rt;
    let net: NetState = 'online';
    if (!navigator.onLine) net = 'offline';
    else if (this.mode === 'wait') net = 'connecting';
    else if (this.mode === 'ws' && rt) net = rt.up ? 'online' : rt.tries >= 3 ? 'offline' : 'connecting';
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
    if (this.rt) this.rt.wake();
    for (const s of this.streams) s.wake(networkChanged);
  }
}

function wsFail(status: string, message: string): DbError {
  const code = status === 'permission_denied' ? 403 : /token/.test(status) ? 401 : status === 'unavailable' ? 503 : 400;
  return new DbError(message, code);
}

function wsError(e: unknown): unknown {
  return e instanceof DbError || !(e instanceof Error) ? e : new DbError(e.message, /permission_denied/.test(e.message) ? 403 : 400);
}

/** `v` with server values ({".sv": "timestamp"}) replaced by `now`. */
function resolved(v: Json, now: number): Json {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  if (v['.sv'] === 'timestamp') return now;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) out[k] = resolved(v[k], now);
  return out;
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
  private unlisten: (() => void) | null = null;
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
    // Until the page knows whether its WebSocket connects, the stream waits (Db starts it again).
    if (this.db.mode === 'wait') return;
    this.unlisten = this.db.wsListen(this.path, (v, p) => {
      this.value = v;
      this.state = 'open';
      this.handlers.data(v, p);
    }, () => {
      this.disconnect();
      this.state = 'closed';
      this.db.updateNet();
      if (this.handlers.denied) this.handlers.denied();
    });
    if (this.unlisten) return;
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
      if (this.source && this.state === 'open' && Date.now() - this.lastEvent > KEEPALIVE_TIMEOUT_MS) this.start();
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
    if (this.closed || this.state === 'closed' || this.unlisten) return;
    const stale = Date.now() - this.lastEvent > 35000;
    if (this.state !== 'open' || networkChanged || stale) {
      clearTimeout(this.retryTimer);
      this.start();
    }
  }

  private disconnect(): void {
    if (this.unlisten) {
      this.unlisten();
      this.unlisten = null;
    }
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

export function isObject(v: Json | undefined): v is JsonObject {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
