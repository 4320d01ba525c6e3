// A small client of Firebase's realtime WebSocket protocol (`/.ws?v=5`, docs/pages.md "Transport"):
// one socket per page carries every listen (q/n), write (p/m), read (g) and onDisconnect (o/om/oc).
// It follows the server's host (the handshake's `h`, a reset `r`), authenticates with the ID token
// (again when it is refreshed or revoked), sends an idle ping, joins and splits frames of 16,384
// characters, and reconnects with backoff, naming its last session (`ls`) and restoring auth,
// listens and onDisconnect operations. Transport only: rtdb.ts decides when to use it.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A request's answer never came: the socket closed first (rtdb.ts then uses REST). */
export class Lost extends Error {}

export interface ListenHandlers {
  /** After each change: the location's copy and the changed path ('' = all), as rtdb.ts streams. */
  data(value: Json, path: string): void;
  /** The server revoked the listen (rules). */
  denied(): void;
}

interface Listen {
  value: Json;
  /** A push arrived since the listen was (re)sent. */
  heard: boolean;
  hs: ListenHandlers[];
}

type Answer = (status: string, data: Json) => void;

const MAX_FRAME = 16384;
/** Silence after which the client pings; a ping unanswered this long after means the socket is dead. */
const IDLE_MS = 25000;
const PONG_MS = 10000;

export class Realtime {
  /** Handshake done and auth sent: requests go over the socket. */
  up = false;
  /** Failed attempts since the last good connection. */
  tries = 0;
  /** serverTime - Date.now(), from the handshake. */
  offset = 0;
  private ws: WebSocket | null = null;
  private base: string;
  private session = '';
  private n = 0;
  private answers: { [r: number]: Answer } = {};
  private listens: { [path: string]: Listen } = {};
  private od: { [path: string]: [string, Json] } = {};
  private frames = 0;
  private buf = '';
  private heard = 0;
  private pinged = 0;
  private timer: number | undefined;
  private closed = false;
  private iv: number;
  /** The token last sent; `bad` when the server refused it on this connection. */
  private cred = '';
  private bad = false;

  /**
   * `base`: ws(s)://host[/prefix]; `ns`: the database, or '' for the server's default.
   * `token(force)` gives the ID token; `changed()` is told when `up` or `tries` change.
   */
  constructor(base: string, private readonly ns: string, private readonly token: (force: boolean) => Promise<string>, private readonly changed: () => void) {
    this.base = base;
    this.iv = window.setInterval(() => this.tick(), 5000);
  }

  connect(): void {
    if (this.ws || this.closed) return;
    clearTimeout(this.timer);
    let url = this.base + '/.ws?v=5';
    if (this.ns) url += '&ns=' + this.ns;
    if (this.session) url += '&ls=' + this.session;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      this.lost(null);
      return;
    }
    this.ws = ws;
    this.frames = 0;
    this.heard = Date.now();
    this.pinged = 0;
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.frame(String(ev.data));
    };
    ws.onclose = ws.onerror = () => this.lost(ws);
  }

  /** Closes for good. */
  close(): void {
    this.closed = true;
    clearInterval(this.iv);
    this.drop();
  }

  /** The network came back or the page is shown: reconnect now instead of after the backoff. */
  wake(): void {
    if (!this.ws && !this.closed) this.connect();
    else if (this.up && Date.now() - this.heard > IDLE_MS) this.ping();
  }

  /** Sends a request; the promise gives its data or rejects (DbError made by `fail`, or Lost). */
  request(action: string, body: JsonObject, fail: (status: string, message: string) => Error): Promise<Json> {
    return new Promise((resolve, reject) => {
      if (!this.up) return reject(new Lost());
      // After a refused token every refusal is the token's, not the rules': retried elsewhere.
      this.send(action, body, (s, d) => (s === 'ok' ? resolve(d) : reject(s === 'lost' || this.bad ? new Lost() : fail(s, typeof d === 'string' ? d : s))));
    });
  }

  listen(path: string, h: ListenHandlers): () => void {
    let l = this.listens[path];
    if (l) {
      l.hs.push(h);
      if (l.heard) h.data(l.value, '');
    } else {
      l = this.listens[path] = { value: null, heard: false, hs: [h] };
      if (this.up) this.sendListen(path);
    }
    return () => {
      const i = l.hs.indexOf(h);
      if (i >= 0) l.hs.splice(i, 1);
      if (l.hs.length || this.listens[path] !== l) return;
      delete this.listens[path];
      if (this.up) this.send('n', { p: '/' + path });
    };
  }

  /** Queues (value) or cancels (null) an onDisconnect operation at `path`; kept across reconnects. */
  onDisconnect(path: string, action: 'o' | 'om' | 'oc', value: Json): Promise<Json> {
    if (action === 'oc') delete this.od[path];
    else this.od[path] = [action, value];
    return this.request(action, { p: '/' + path, d: value }, (s, m) => new Error(s + ': ' + m));
  }

  /** A fresh ID token: the connection uses it from now on. */
  reauth(token: string): void {
    if (this.up && token !== this.cred) this.auth(token);
  }

  private sendListen(path: string): void {
    const l = this.listens[path];
    l.heard = false;
    this.send('q', { p: '/' + path, h: '' }, (s) => {
      if (this.listens[path] !== l) return;
      if (s === 'ok') {
        if (!l.heard) this.deliver(l, null, [], '');
      } else if (s !== 'lost' && this.up && !this.bad) {
        // Refused (rules): the listeners learn that access is gone.
        delete this.listens[path];
        for (const h of l.hs.slice()) h.denied();
      }
    });
  }

  private send(a: string, b: JsonObject, answer?: Answer): void {
    const msg: JsonObject = { a, b };
    if (answer) {
      msg.r = ++this.n;
      this.answers[this.n] = answer;
    }
    this.raw({ t: 'd', d: msg });
  }

  private raw(msg: Json): void {
    const text = JSON.stringify(msg);
    const ws = this.ws!;
    try {
      if (text.length <= MAX_FRAME) ws.send(text);
      else {
        const parts: string[] = [];
        for (let i = 0; i < text.length; i += MAX_FRAME) parts.push(text.substring(i, i + MAX_FRAME));
        ws.send(String(parts.length));
        for (const p of parts) ws.send(p);
      }
    } catch (e) {
      this.lost(ws);
    }
  }

  private frame(text: string): void {
    this.heard = Date.now();
    this.pinged = 0;
    if (!this.frames && text.length <= 6 && /^\d+$/.test(text)) {
      this.frames = +text;
      this.buf = '';
      return;
    }
    if (this.frames) {
      this.buf += text;
      if (--this.frames) return;
      text = this.buf;
      this.buf = '';
    }
    let m: { t: string; d: { t?: string; d?: Json; r?: number; a?: string; b?: Json } };
    try {
      m = JSON.parse(text);
    } catch (e) {
      return;
    }
    const d = m.d || {};
    if (m.t === 'c') this.control(d.t || '', d.d as JsonObject);
    else if (typeof d.r === 'number') {
      const answer = this.answers[d.r];
      delete this.answers[d.r];
      const b = (d.b || {}) as JsonObject;
      if (answer) answer(String(b.s), b.d === undefined ? null : b.d);
    } else this.push(d.a || '', (d.b || {}) as JsonObject);
  }

  private control(t: string, d: JsonObject): void {
    if (t === 'h') {
      this.offset = Number(d.ts) - Date.now() || 0;
      this.session = String(d.s || '');
      // Firebase answers from another host than the one first asked (s-….firebaseio.com): later
      // connections go there, as the SDK does.
      const host = String(d.h || '');
      if (host && this.base.split('/')[2] !== host) this.base = this.base.split(':')[0] + '://' + host;
      this.opened();
    } else if (t === 'r') {
      this.base = this.base.split(':')[0] + '://' + d;
      this.drop();
      this.connect();
    } else if (t === 's') this.drop();
  }

  /** After the handshake: auth, then every listen and onDisconnect operation, as the SDK does. */
  private async opened(): Promise<void> {
    const ws = this.ws;
    let token: string;
    try {
      token = await this.token(false);
    } catch (e) {
      return this.lost(ws);
    }
    if (this.ws !== ws) return;
    this.bad = false;
    this.auth(token);
    this.up = true;
    for (const p of Object.keys(this.listens)) this.sendListen(p);
    for (const p of Object.keys(this.od)) this.send(this.od[p][0], { p: '/' + p, d: this.od[p][1] });
    this.changed();
  }

  private auth(token: string): void {
    this.cred = token;
    this.send('auth', { cred: token }, (s) => {
      if (s === 'ok') {
        this.tries = 0;
        this.changed();
      } else if (s !== 'lost') {
        // Refused token (expired): a fresh one on the next connection.
        this.bad = true;
        this.token(true).then(() => this.drop(), () => this.drop());
      }
    });
  }

  private push(a: string, b: JsonObject): void {
    if (a === 'ac') return void this.token(true).then(() => this.drop(), () => this.drop());
    const at = split(String(b.p || ''));
    if (a === 'c') {
      const l = this.listens[at.join('/')];
      if (l) {
        delete this.listens[at.join('/')];
        for (const h of l.hs.slice()) h.denied();
      }
      return;
    }
    if (a !== 'd' && a !== 'm') return;
    const d = b.d === undefined ? null : b.d;
    for (const key of Object.keys(this.listens)) {
      const l = this.listens[key];
      const lp = split(key);
      const changes: [string[], Json][] = [];
      if (a === 'd') changes.push([at, d]);
      else if (d && typeof d === 'object') for (const k of Object.keys(d)) changes.push([at.concat(split(k)), (d as JsonObject)[k]]);
      let value = l.value;
      let hit = false;
      for (const [p, v] of changes) {
        if (under(p, lp)) value = setAt(value, p.slice(lp.length), v);
        else if (under(lp, p)) value = getAt(v, lp.slice(p.length));
        else continue;
        hit = true;
      }
      if (hit) this.deliver(l, value, at, key);
    }
  }

  private deliver(l: Listen, value: Json, at: string[], key: string): void {
    l.value = value;
    l.heard = true;
    const lp = split(key);
    const rel = under(at, lp) ? at.slice(lp.length).join('/') : '';
    for (const h of l.hs.slice()) h.data(value, rel);
  }

  private tick(): void {
    if (!this.ws) return;
    const quiet = Date.now() - this.heard;
    if (this.pinged && Date.now() - this.pinged > PONG_MS) this.lost(this.ws);
    else if (!this.up && quiet > PONG_MS) this.lost(this.ws);
    else if (this.up && quiet > IDLE_MS && !this.pinged) this.ping();
  }

  private ping(): void {
    this.pinged = Date.now();
    this.raw({ t: 'c', d: { t: 'p', d: {} } });
  }

  private drop(): void {
    if (this.ws) this.lost(this.ws);
  }

  private lost(ws: WebSocket | null): void {
    if (ws !== this.ws) return;
    const was = this.up;
    this.ws = null;
    this.up = false;
    if (ws) {
      ws.onclose = ws.onerror = ws.onmessage = null;
      try {
        ws.close();
      } catch (e) {
        // already closed
      }
    }
    const answers = this.answers;
    this.answers = {};
    for (const r of Object.keys(answers)) answers[+r]('lost', null);
    this.tries++;
    this.changed();
    if (this.closed) return;
    // At once after a good connection; then 1 s × 1.3 per failure, up to 30 s, randomised so
    // that a room's devices do not all come back together.
    const delay = (was ? 300 : Math.min(30000, 1000 * Math.pow(1.3, this.tries - 1))) * (0.5 + Math.random() / 2);
    this.timer = window.setTimeout(() => this.connect(), delay);
  }
}

export function split(path: string): string[] {
  return path.split('/').filter((p) => p);
}

/** Whether `p` is `prefix` or below it. */
function under(p: string[], prefix: string[]): boolean {
  if (p.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (p[i] !== prefix[i]) return false;
  return true;
}

function getAt(v: Json, path: string[]): Json {
  for (const k of path) v = v && typeof v === 'object' ? ((v as JsonObject)[k] === undefined ? null : (v as JsonObject)[k]) : null;
  return v;
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
