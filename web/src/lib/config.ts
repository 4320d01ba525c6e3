// Backend discovery (docs/protocol.md): every page reads __/firebase/init.json from its own origin.
export interface BackendConfig {
  projectId: string;
  apiKey: string;
  /** Database base URL without query and trailing slash. */
  databaseBase: string;
  /** The `ns` query parameter of databaseURL, when it has one. */
  ns: string | null;
  /** Base for Identity Toolkit / securetoken calls: Google's hosts, or the emulator's prefix. */
  identityBase: string;
  secureTokenBase: string;
  iceServers: RTCIceServer[];
  /** Firebase Storage for clips (docs/clips.md): the bucket, and the REST base (Google's, or the relay's own origin). */
  storageBucket: string | null;
  storageBase: string;
}

export const DEFAULT_ICE_SERVERS: RTCIceServer[] = [{ urls: 'stun:stun.l.google.com:19302' }];

export class ConfigError extends Error {}

let cached: Promise<BackendConfig> | null = null;

/** The next page of this tab (join.html → viewer.html) reuses init.json this long instead of asking again. */
const KEEP_MS = 60000;
const KEY = 'remotecam.init';

export function loadConfig(): Promise<BackendConfig> {
  if (!cached) {
    try {
      const kept = JSON.parse(sessionStorage.getItem(KEY) || 'null');
      if (kept && Date.now() - kept.at < KEEP_MS) cached = Promise.resolve(parseConfig(kept.json));
    } catch (e) {
      // nothing kept
    }
  }
  if (!cached) {
    cached = fetchConfig();
    cached.catch(() => (cached = null));
  }
  return cached;
}

async function fetchConfig(): Promise<BackendConfig> {
  // Relative, so the pages also work under a path prefix behind a reverse proxy.
  const url = new URL('__/firebase/init.json', location.href).toString();
  let response: Response;
  try {
    // The pages preload it (<link rel="preload">, same request): it arrives beside the script. The
    // server says no-cache, so it is never used stale.
    response = await fetch(url);
  } catch (e) {
    throw new ConfigError('Cannot reach the server that serves this page.');
  }
  if (!response.ok) throw new ConfigError('This server does not say where its database is (' + response.status + ' for __/firebase/init.json).');
  let json: unknown;
  try {
    json = await response.json();
  } catch (e) {
    throw new ConfigError('__/firebase/init.json is not valid JSON.');
  }
  const cfg = parseConfig(json);
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ at: Date.now(), json }));
  } catch (e) {
    // private mode: the next page asks again
  }
  return cfg;
}

export function parseConfig(json: unknown): BackendConfig {
  const o = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const str = (name: string): string => {
    const v = o[name];
    if (typeof v !== 'string' || !v) throw new ConfigError('__/firebase/init.json lacks "' + name + '".');
    return v;
  };
  const projectId = str('projectId');
  const apiKey = str('apiKey');
  let db: URL;
  try {
    db = new URL(str('databaseURL'));
  } catch (e) {
    throw new ConfigError('__/firebase/init.json has an invalid databaseURL.');
  }
  const ns = db.searchParams.get('ns');
  const databaseBase = (db.origin + db.pathname).replace(/\/+$/, '');
  const emulator = typeof o.authEmulatorUrl === 'string' && o.authEmulatorUrl ? o.authEmulatorUrl.replace(/\/+$/, '') : null;
  const identityBase = emulator ? emulator + '/identitytoolkit.googleapis.com' : 'https://identitytoolkit.googleapis.com';
  const secureTokenBase = emulator ? emulator + '/securetoken.googleapis.com' : 'https://securetoken.googleapis.com';
  // Optional `iceServers` (docs/protocol.md): when present it replaces the default STUN server, so a
  // LAN-only relay can say [] and a Firebase project can add TURN.
  let iceServers: RTCIceServer[] = DEFAULT_ICE_SERVERS;
  if (Array.isArray(o.iceServers)) {
    iceServers = [];
    for (const s of o.iceServers) {
      if (s && typeof s === 'object' && (typeof s.urls === 'string' || Array.isArray(s.urls))) iceServers.push(s as RTCIceServer);
    }
  }
  const storageBucket = typeof o.storageBucket === 'string' && o.storageBucket ? o.storageBucket : null;
  const storageBase =
    typeof o.storageEmulatorUrl === 'string' && o.storageEmulatorUrl ? o.storageEmulatorUrl.replace(/\/+$/, '') : 'https://firebasestorage.googleapis.com';
  return { projectId, apiKey, databaseBase, ns, identityBase, secureTokenBase, iceServers, storageBucket, storageBase };
}
