// The official Firebase SDKs as foreign clients of the relay's WebSocket protocol.
// Usage: node sdk-suite.mjs <host:port> <scenario>... ; prints one JSON object per line:
// {"scenario": name, "result": {...}} or {"scenario": name, "error": "..."}. The C# tests
// (SdkClientTests.cs) assert on the results; this file only drives the SDKs and reports.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initializeApp, deleteApp } from 'firebase/app';
import {
  getDatabase, connectDatabaseEmulator, ref, child, set, get, update, remove, push, onValue, onChildAdded,
  onChildChanged, onChildRemoved, onChildMoved, query, orderByChild, orderByKey, orderByValue, equalTo, startAt,
  endAt, limitToFirst, limitToLast, serverTimestamp, increment, runTransaction, onDisconnect, goOffline, goOnline,
  setPriority,
} from 'firebase/database';

const [host, port] = process.argv[2].split(':');
const scenarios = process.argv.slice(3);
const relay = `http://${host}:${port}`;
const apps = [];
const children = [];
let appCount = 0;

/** A web SDK client of database `ns`, optionally signed in with an unsigned emulator token for `uid`. */
function client(ns, uid) {
  const app = initializeApp({ projectId: 'demo-sdk', databaseURL: `${relay}?ns=${ns}` }, `app${++appCount}`);
  apps.push(app);
  const db = getDatabase(app);
  connectDatabaseEmulator(db, host, Number(port), uid ? { mockUserToken: { user_id: uid, sub: uid } } : undefined);
  return db;
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the first value of `q` for which `test(value)` holds (default: any). */
function until(q, test = () => true, ms = 10000) {
  return new Promise((resolve, reject) => {
    let done = false;
    let off = null;
    const finish = (settle) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      setTimeout(() => off && off()); // the SDK may call back before onValue returns
      settle();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting at ${q.toString()}`))), ms);
    off = onValue(q, (snap) => { if (test(snap.val())) finish(() => resolve(snap.val())); }, (e) => finish(() => reject(e)));
  });
}

function childKeys(snap) { const keys = []; snap.forEach((c) => { keys.push(c.key); }); return keys; }

async function rest(method, ns, path, body, extra = '') {
  const response = await fetch(`${relay}/${path}.json?ns=${ns}${extra}`, {
    method, headers: { Authorization: 'Bearer owner', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const run = {
  async crud() {
    const db = client('sdk-crud');
    const r = ref(db, 'items/a');
    await set(r, { name: 'first', n: 1, nested: { deep: true } });
    const afterSet = (await get(r)).val();
    await update(ref(db, 'items'), { 'a/n': 2, 'b/name': 'second' });
    const afterUpdate = (await get(ref(db, 'items'))).val();
    const pushed = await push(ref(db, 'log'), { at: 1 });
    const pushed2 = await push(ref(db, 'log'), { at: 2 });
    const log = (await get(ref(db, 'log'))).val();
    await remove(ref(db, 'items/b'));
    const afterRemove = (await get(ref(db, 'items'))).val();
    await setPriority(ref(db, 'items/a'), 7);
    const priority = (await get(ref(db, 'items/a'))).priority;
    const overRest = await rest('GET', 'sdk-crud', 'items');
    return { afterSet, afterUpdate, pushedKeys: [pushed.key, pushed2.key], logKeys: Object.keys(log), afterRemove, priority, overRest: overRest.body };
  },

  async events() {
    const writer = client('sdk-events');
    const reader = client('sdk-events');
    const seen = [];
    const list = ref(reader, 'list');
    const byScore = query(list, orderByChild('score'));
    await set(ref(writer, 'list'), { a: { score: 3 }, b: { score: 1 } });
    await until(list, (v) => v && v.a && v.b);
    onChildAdded(byScore, (s, prev) => seen.push(['added', s.key, prev]));
    onChildChanged(byScore, (s, prev) => seen.push(['changed', s.key, prev]));
    onChildMoved(byScore, (s, prev) => seen.push(['moved', s.key, prev]));
    onChildRemoved(byScore, (s) => seen.push(['removed', s.key]));
    await wait(300);
    await set(ref(writer, 'list/c'), { score: 2 });
    await until(list, (v) => v && v.c);
    await set(ref(writer, 'list/b/score'), 5);
    await until(list, (v) => v && v.b && v.b.score === 5);
    await remove(ref(writer, 'list/a'));
    await until(list, (v) => v && !v.a);
    await wait(200);
    const values = [];
    const off = onValue(ref(reader, 'list/c/score'), (s) => values.push(s.val()));
    await set(ref(writer, 'list/c/score'), 9);
    await until(ref(reader, 'list/c/score'), (v) => v === 9);
    off();
    return { seen, values };
  },

  async queries() {
    const db = client('sdk-queries');
    const people = { alice: { age: 30, city: 'b' }, bob: { age: 25, city: 'a' }, carol: { age: 35, city: 'a' }, dave: { age: 25, city: 'c' }, eve: { age: 40 } };
    await set(ref(db, 'people'), people);
    await set(ref(db, 'scores'), { x: 10, y: 30, z: 20 });
    const p = ref(db, 'people');
    const keys = async (q) => childKeys(await get(q));
    const result = {
      childEqual: await keys(query(p, orderByChild('age'), equalTo(25))),
      childRange: await keys(query(p, orderByChild('age'), startAt(26), endAt(36))),
      childFirst: await keys(query(p, orderByChild('age'), limitToFirst(2))),
      childLast: await keys(query(p, orderByChild('age'), limitToLast(2))),
      keyRange: await keys(query(p, orderByKey(), startAt('b'), endAt('d'))),
      keyFirst: await keys(query(p, orderByKey(), limitToFirst(1))),
      valueLast: await keys(query(ref(db, 'scores'), orderByValue(), limitToLast(2))),
      valueRange: await keys(query(ref(db, 'scores'), orderByValue(), startAt(15))),
      cityEqual: await keys(query(p, orderByChild('city'), equalTo('a'))),
    };
    // A moving window: the top two by score, listened while scores change and children come and go.
    const windows = [];
    const top = query(ref(db, 'board'), orderByChild('score'), limitToLast(2));
    await set(ref(db, 'board'), { p1: { score: 1 }, p2: { score: 2 }, p3: { score: 3 } });
    const off = onValue(top, (s) => windows.push(childKeys(s)));
    await wait(300);
    await set(ref(db, 'board/p1/score'), 10);
    await wait(300);
    await push(ref(db, 'board'), { score: 5 });
    await wait(300);
    await remove(ref(db, 'board/p1'));
    await wait(300);
    off();
    result.windows = windows.map((w) => w.join(','));
    result.finalWindow = await keys(top);
    return result;
  },

  async serverValues() {
    const db = client('sdk-sv');
    const before = Date.now();
    await set(ref(db, 'stamp'), { at: serverTimestamp(), count: 5 });
    await update(ref(db, 'stamp'), { count: increment(3) });
    await set(ref(db, 'stamp/count'), increment(-1));
    await set(ref(db, 'fresh'), increment(2));
    const value = (await get(ref(db, 'stamp'))).val();
    return { at: value.at, before, after: Date.now(), count: value.count, fresh: (await get(ref(db, 'fresh'))).val() };
  },

  async transactions() {
    const a = client('sdk-tx');
    const b = client('sdk-tx');
    await set(ref(a, 'counter'), 0);
    let attempts = 0;
    const bump = (db) => runTransaction(ref(db, 'counter'), (v) => { attempts++; return (v || 0) + 1; });
    const runs = [];
    for (let i = 0; i < 20; i++) { runs.push(bump(a)); runs.push(bump(b)); }
    const outcomes = await Promise.all(runs);
    const aborted = await runTransaction(ref(a, 'counter'), () => undefined);
    return {
      committed: outcomes.filter((o) => o.committed).length,
      final: (await get(ref(b, 'counter'))).val(),
      overRest: (await rest('GET', 'sdk-tx', 'counter')).body,
      attempts,
      abortedCommitted: aborted.committed,
    };
  },

  async onDisconnectOffline() {
    const observer = client('sdk-od');
    const leaving = client('sdk-od');
    await set(ref(leaving, 'presence'), { set: 'online', update: { a: 1 }, removed: 'here', cancelled: 'stays' });
    await onDisconnect(ref(leaving, 'presence/set')).set({ state: 'offline', at: serverTimestamp() });
    await onDisconnect(ref(leaving, 'presence/update')).update({ b: 2, 'c/d': 3 });
    await onDisconnect(ref(leaving, 'presence/removed')).remove();
    const cancelled = onDisconnect(ref(leaving, 'presence/cancelled'));
    await cancelled.set('gone');
    await cancelled.cancel();
    const before = Date.now();
    goOffline(leaving);
    const value = await until(ref(observer, 'presence'), (v) => v && v.set && v.set.state === 'offline');
    return { value, ms: Date.now() - before, stampIsRecent: value.set.at >= before - 5000 };
  },

  async onDisconnectKilled() {
    const observer = client('sdk-kill');
    await set(ref(observer, 'camera'), 'none');
    // The victim's output is piped, never inherited: a pipe it held would keep the test waiting.
    const victim = spawn(process.execPath, [fileURLToPath(new URL('sdk-victim.mjs', import.meta.url)), `${host}:${port}`, 'sdk-kill'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(victim);
    try {
      await new Promise((resolve, reject) => {
        let err = '';
        victim.stderr.on('data', (d) => { err += d; });
        victim.stdout.on('data', (d) => { if (String(d).includes('armed')) resolve(); });
        victim.on('exit', (code) => reject(new Error(`victim exited with ${code} before arming: ${err}`)));
        setTimeout(() => reject(new Error(`victim did not arm: ${err}`)), 15000);
      });
      const online = (await get(ref(observer, 'camera'))).val();
      const before = Date.now();
      victim.kill('SIGKILL');
      const value = await until(ref(observer, 'camera'), (v) => v && v.state === 'offline');
      return { online, value, ms: Date.now() - before };
    } finally {
      victim.kill('SIGKILL');
    }
  },

  async info() {
    const db = client('sdk-info');
    const connected = await until(ref(db, '.info/connected'), (v) => v === true);
    const offset = await until(ref(db, '.info/serverTimeOffset'), (v) => typeof v === 'number');
    goOffline(db);
    const afterOffline = await until(ref(db, '.info/connected'), (v) => v === false);
    goOnline(db);
    const again = await until(ref(db, '.info/connected'), (v) => v === true);
    return { connected, offset, afterOffline, again };
  },

  async rules() {
    // The C# fixture gave database sdk-rules rules: /public readable by all; /users/$uid by its user;
    // /gate readable while /gate/open is true.
    const alice = client('sdk-rules', 'alice');
    const nobody = client('sdk-rules');
    const denial = async (p) => { try { await p; return 'allowed'; } catch (e) { return e.code || e.message; } };
    const result = {
      ownWrite: await denial(set(ref(alice, 'users/alice/name'), 'Alice')),
      otherWrite: await denial(set(ref(alice, 'users/bob/name'), 'not Bob')),
      anonymousRead: await denial(get(ref(nobody, 'users/alice'))),
      ownRead: (await get(ref(alice, 'users/alice/name'))).val(),
      validateFails: await denial(set(ref(alice, 'users/alice/age'), 'old')),
    };
    result.listenDenied = await new Promise((resolve) => {
      onValue(ref(nobody, 'users/alice'), () => resolve('value'), (e) => resolve(e.code || e.message));
    });
    // A listen the rules revoke later: /gate is readable while open is true.
    await rest('PUT', 'sdk-rules', 'gate', { open: true, secret: 1 });
    const events = [];
    const cancelled = new Promise((resolve) => {
      onValue(ref(nobody, 'gate'), (s) => events.push(s.val()), (e) => resolve(e.code || e.message));
    });
    await wait(300);
    await rest('PUT', 'sdk-rules', 'gate/open', false);
    result.revoked = await cancelled;
    result.beforeRevoke = events[0];
    return result;
  },

  async big() {
    const writer = client('sdk-big');
    const reader = client('sdk-big');
    const text = 'x'.repeat(150 * 1024) + 'é€😀';
    const heard = until(ref(reader, 'blob'), (v) => v && v.text && v.text.length > 1000, 20000);
    await wait(200);
    await set(ref(writer, 'blob'), { text });
    const value = await heard;
    const overRest = await rest('GET', 'sdk-big', 'blob/text');
    return { length: value.text.length, same: value.text === text, restSame: overRest.body === text };
  },

  async manyListens() {
    const db = client('sdk-many');
    const values = new Map();
    for (let i = 0; i < 200; i++) {
      onValue(ref(db, `l/${i}`), (s) => values.set(i, s.val()));
    }
    await wait(500);
    const body = {};
    for (let i = 0; i < 200; i++) body[i] = `v${i}`;
    await rest('PATCH', 'sdk-many', 'l', body);
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline && [...values.values()].filter((v) => v !== null).length < 200) await wait(50);
    let correct = 0;
    for (let i = 0; i < 200; i++) if (values.get(i) === `v${i}`) correct++;
    return { correct };
  },

  async restInterplay() {
    const db = client('sdk-rest');
    const heard = until(ref(db, 'fromRest'), (v) => v && v.n === 1);
    await wait(200);
    await rest('PUT', 'sdk-rest', 'fromRest', { n: 1 });
    const overWs = await heard;
    // A write over the WebSocket reaches an SSE stream.
    const controller = new AbortController();
    const stream = await fetch(`${relay}/fromWs.json?ns=sdk-rest`, { headers: { Accept: 'text/event-stream', Authorization: 'Bearer owner' }, signal: controller.signal });
    const reader = stream.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const sawPut = (async () => {
      while (!text.includes('"w":2')) { const { value, done } = await reader.read(); if (done) break; text += decoder.decode(value); }
    })();
    await wait(300);
    await set(ref(db, 'fromWs'), { w: 2 });
    await Promise.race([sawPut, wait(10000)]);
    controller.abort();
    return { overWs, sse: text.includes('"w":2') };
  },

  async hashes() {
    // The SDK's own hash of values as the relay stores them (a transaction sends this hash).
    const db = client('sdk-hash');
    const samples = {
      int: 5, neg: -3, frac: 0.1, big: 1e300, tiny: 5e-324, two53: 9007199254740993, negzero: -0,
      str: 'héllo 😀', bool: false, obj: { b: 1, a: 'x', 10: true, 9: null, '-1': 2 },
      prio: { '.value': 'v', '.priority': 2 }, prioObj: { x: { '.value': 1, '.priority': 'b' }, y: { '.value': 2, '.priority': 1 }, z: 3 },
    };
    await set(ref(db, 'h'), samples);
    const out = {};
    const snap = await get(ref(db, 'h'));
    snap.forEach((c) => { out[c.key] = c._node.hash(); });
    out['(whole)'] = snap._node.hash();
    return { hashes: out, exported: (await rest('GET', 'sdk-hash', 'h', undefined, '&format=export')).body };
  },

  async auth() {
    // firebase/auth against the relay's Auth-emulator endpoints. A "reload" is a new Auth of the same
    // app name over the same persistence (what a browser's localStorage is across page loads).
    const { initializeAuth, connectAuthEmulator, signInAnonymously, deleteUser } = await import('firebase/auth');
    const stored = new Map();
    class SharedPersistence {
      static type = 'LOCAL';
      type = 'LOCAL';
      async _isAvailable() { return true; }
      async _set(key, value) { stored.set(key, value); }
      async _get(key) { return stored.get(key) ?? null; }
      async _remove(key) { stored.delete(key); }
      _addListener() {}
      _removeListener() {}
    }
    const config = { apiKey: 'remotecam-relay', projectId: 'demo-remotecam', databaseURL: `${relay}?ns=sdk-rules` };
    const open = () => {
      const app = initializeApp(config, 'auth-page');
      const auth = initializeAuth(app, { persistence: SharedPersistence });
      connectAuthEmulator(auth, relay, { disableWarnings: true });
      return { app, auth };
    };
    const first = open();
    const credential = await signInAnonymously(first.auth);
    const user = credential.user;
    const token = await user.getIdToken();
    const refreshed = await user.getIdToken(true);
    const db = getDatabase(first.app);
    connectDatabaseEmulator(db, host, Number(port));
    await set(ref(db, `users/${user.uid}/name`), 'anonymous me');
    const mine = (await get(ref(db, `users/${user.uid}/name`))).val();
    let other;
    try { await set(ref(db, 'users/someone-else/name'), 'x'); other = 'allowed'; } catch (e) { other = e.code; }
    await deleteApp(first.app);
    const second = open();
    await second.auth.authStateReady();
    const afterReload = second.auth.currentUser && second.auth.currentUser.uid;
    const anonymousAfterReload = second.auth.currentUser && second.auth.currentUser.isAnonymous;
    await deleteUser(second.auth.currentUser);
    const afterDelete = second.auth.currentUser;
    const lookup = await fetch(`${relay}/identitytoolkit.googleapis.com/v1/accounts:lookup?key=k`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ idToken: refreshed }),
    });
    await deleteApp(second.app);
    return {
      uid: user.uid, isAnonymous: user.isAnonymous, tokenParts: token.split('.').length, refreshedParts: refreshed.split('.').length,
      mine, other, afterReload, anonymousAfterReload, afterDelete, lookupAfterDelete: { status: lookup.status, body: await lookup.json() },
    };
  },

  async admin() {
    process.env.FIREBASE_DATABASE_EMULATOR_HOST = `${host}:${port}`;
    const { initializeApp: adminApp } = await import('firebase-admin/app');
    const { getDatabase: adminDb, ServerValue } = await import('firebase-admin/database');
    const app = adminApp({ projectId: 'demo-sdk', databaseURL: `http://${host}:${port}?ns=sdk-rules` }, 'admin');
    const db = adminDb(app);
    await db.ref('users/bob/name').set('Bob by admin');
    await db.ref('admin/list').set({ a: { n: 2 }, b: { n: 1 } });
    await db.ref('admin/list').update({ 'c/n': 3 });
    const pushed = await db.ref('admin/log').push({ at: ServerValue.TIMESTAMP });
    const ordered = [];
    (await db.ref('admin/list').orderByChild('n').limitToFirst(2).once('value')).forEach((c) => { ordered.push(c.key); });
    const tx = await db.ref('admin/counter').transaction((v) => (v || 0) + 10);
    const heard = await new Promise((resolve) => {
      const r = db.ref('admin/watch');
      r.on('value', (s) => { if (s.val() === 'ping') { r.off(); resolve(s.val()); } });
      setTimeout(() => rest('PUT', 'sdk-rules', 'admin/watch', 'ping'), 200);
    });
    const result = {
      bob: (await db.ref('users/bob/name').once('value')).val(),
      ordered, pushedKey: pushed.key, txCommitted: tx.committed, counter: tx.snapshot.val(), heard,
      stamp: typeof (await db.ref(`admin/log/${pushed.key}/at`).once('value')).val(),
    };
    await app.delete();
    return result;
  },
};

// Whatever happens, the suite ends: a scenario that hangs is reported as such.
setTimeout(() => {
  console.log(JSON.stringify({ scenario: '(suite)', error: 'timed out after 90 s' }));
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
}, 90000).unref();
const results = await Promise.all(scenarios.map(async (name) => {
  try {
    return { scenario: name, result: await run[name]() };
  } catch (e) {
    return { scenario: name, error: String(e && e.stack || e) };
  }
}));
for (const r of results) console.log(JSON.stringify(r));
await Promise.all(apps.map((a) => deleteApp(a).catch(() => {})));
process.exit(0);
