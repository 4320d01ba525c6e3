// The ICE servers a page's peer connections use: the backend's (init.json) plus the room's own,
// which the owner sets with `remotecam rooms ice` and keeps sealed in /rooms/{id}/meta/ice
// (docs/protocol.md "ICE servers"). With relayOnly, calls go only through TURN.
import * as paths from './paths';
import { Db, Json, isObject } from './rtdb';
import { openMeta } from './seal';

export interface IceSettings {
  iceServers: RTCIceServer[];
  policy: RTCIceTransportPolicy;
}

/** How often a page reads the room's ICE servers again (a change needs no reload). */
export const ICE_REFRESH_MS = 60000;

function parseServers(v: unknown): RTCIceServer[] | null {
  if (!Array.isArray(v)) return null;
  const out: RTCIceServer[] = [];
  for (const s of v) {
    if (!s || typeof s !== 'object') return null;
    const o = s as { urls?: unknown; username?: unknown; credential?: unknown };
    const urls = typeof o.urls === 'string' ? [o.urls] : o.urls;
    if (!Array.isArray(urls) || !urls.length || urls.some((u) => typeof u !== 'string' || !/^(stuns?|turns?):/.test(u))) return null;
    const server: RTCIceServer = { urls: urls as string[] };
    if (typeof o.username === 'string') server.username = o.username;
    if (typeof o.credential === 'string') server.credential = o.credential;
    out.push(server);
  }
  return out;
}

/**
 * The backend's servers plus the room's. A room value that does not open or parse (sealed with
 * an older secret, damaged) is ignored with a warning: the page still works on direct paths.
 * Throws a DbError when the database cannot be read.
 */
export async function loadIce(db: Db, key: CryptoKey, roomId: string, base: RTCIceServer[]): Promise<IceSettings> {
  return iceFrom(await db.get(paths.metaIce(roomId)), key, roomId, base);
}

/** The same from the value of meta/ice already read (e.g. with the rest of the room's meta). */
export async function iceFrom(sealed: Json | undefined, key: CryptoKey, roomId: string, base: RTCIceServer[]): Promise<IceSettings> {
  if (typeof sealed !== 'string') return { iceServers: base, policy: 'all' };
  try {
    const value = JSON.parse(await openMeta(key, roomId, 'ice', sealed));
    const servers = isObject(value) ? parseServers(value.iceServers) : null;
    if (!servers || !isObject(value)) throw new Error('not an ICE server list');
    const relayOnly = value.relayOnly === true && servers.some((s) => ([] as string[]).concat(s.urls).some((u) => /^turns?:/.test(u)));
    return { iceServers: base.concat(servers), policy: relayOnly ? 'relay' : 'all' };
  } catch (e) {
    console.warn('The room\'s ICE servers are unusable and were ignored: ' + (e instanceof Error ? e.message : e));
    return { iceServers: base, policy: 'all' };
  }
}

export function sameIce(a: IceSettings, b: IceSettings): boolean {
  return a.policy === b.policy && JSON.stringify(a.iceServers) === JSON.stringify(b.iceServers);
}
