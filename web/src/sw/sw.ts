// The service worker (docs/pages.md "Offline and updates"): keeps the app shell — the pages,
// scripts, style, manifest and icons of this build — so that a page reloaded without network still
// opens, says it waits for the network and connects by itself when it returns. Network first:
// with a network every request gets the current files (the server says no-cache), and the copy
// is refreshed; the copy is used only when the server cannot be reached. Database, sign-in and
// init.json requests never pass through here. A new build has a new VERSION, so browsers install
// the new worker, which replaces the old copy.
declare const __VERSION__: string;
declare const __SHELL__: string[];

interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Promise<Response> | Response): void;
}
interface WorkerScope {
  registration: { scope: string };
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void;
}

const sw = self as unknown as WorkerScope;
const PREFIX = 'remotecam-shell-';
const CACHE = PREFIX + __VERSION__;
const SHELL: { [path: string]: true } = {};
for (const f of __SHELL__) SHELL[f] = true;
/** A page load waits this long for the network before it gets the copy. */
const NAVIGATION_WAIT_MS = 4000;

/** The shell file a request names ('' = index.html), or null when it is not one of ours. */
function shellPath(url: string): string | null {
  const scope = sw.registration.scope;
  if (url.indexOf(scope) !== 0) return null;
  const path = url.slice(scope.length).split(/[?#]/)[0] || 'index.html';
  return SHELL[path] ? path : null;
}

sw.addEventListener('install', (e) => {
  e.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(__SHELL__.map((f) => new Request(f, { cache: 'no-cache' }))))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.indexOf(PREFIX) === 0 && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

async function networkFirst(request: Request, path: string): Promise<Response> {
  const cache = await caches.open(CACHE);
  const fromNetwork = fetch(request).then((r) => {
    if (r.ok) cache.put(path, r.clone()).catch(() => undefined);
    return r;
  });
  const copy = (): Promise<Response> => cache.match(path).then((m) => m || fromNetwork);
  if (request.mode !== 'navigate') return fromNetwork.catch(copy);
  // A page load on a network that hangs (a phone between Wi-Fi and mobile data) gets the copy
  // after a few seconds; the network's answer still refreshes the copy when it comes.
  let timer = 0;
  const late = new Promise<Response>((resolve, reject) => {
    timer = setTimeout(() => copy().then(resolve, reject), NAVIGATION_WAIT_MS) as unknown as number;
  });
  late.catch(() => undefined);
  try {
    return await Promise.race([fromNetwork, late]);
  } catch (e) {
    return copy();
  } finally {
    clearTimeout(timer);
  }
}

sw.addEventListener('fetch', (e) => {
  if (e.request.method !== 'GET') return;
  const path = shellPath(e.request.url);
  if (path) e.respondWith(networkFirst(e.request, path));
});
