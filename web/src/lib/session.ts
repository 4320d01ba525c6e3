// Start-up shared by the pages: backend config, sign-in, the room's invitation, membership.
import { Auth, AuthError } from './auth';
import { BackendConfig, ConfigError, loadConfig } from './config';
import { deviceName } from './device';
import { Invitation, Role, SavedRoom, forgetRoom, proof, roomKey, savedRooms } from './pairing';
import * as paths from './paths';
import { Db, DbError, JsonObject, isObject } from './rtdb';

export class SessionError extends Error {
  constructor(message: string, readonly kind: 'unreachable' | 'revoked' | 'error') {
    super(message);
  }
}

export interface Session {
  cfg: BackendConfig;
  auth: Auth;
  db: Db;
  uid: string;
}

/**
 * Signs in as this browser's `role` device: a camera tab and a viewer tab are separate devices.
 * `rest`: the page only writes once and leaves (join.html), so it opens no WebSocket.
 */
export async function connect(role: Role, rest = false): Promise<Session> {
  let cfg: BackendConfig;
  try {
    cfg = await loadConfig();
  } catch (e) {
    throw new SessionError(e instanceof ConfigError ? e.message : String(e), 'unreachable');
  }
  const auth = new Auth(cfg, role);
  let uid: string;
  try {
    uid = await auth.signIn();
  } catch (e) {
    if (e instanceof AuthError && e.unreachable) throw new SessionError('The server is unreachable: ' + e.message, 'unreachable');
    throw new SessionError(e instanceof Error ? e.message : String(e), 'error');
  }
  return { cfg, auth, db: new Db(cfg, auth, rest), uid };
}

export const NOT_VALID =
  'This invitation is no longer valid (the room was rotated or deleted), or this device was revoked. Ask the owner for a new invitation.';

/**
 * A refused invitation on a device that never joined that room: it cannot have been revoked there,
 * so the sentence does not say so.
 */
export const NOT_ACCEPTED =
  'This invitation does not open its room: the owner renewed the room\'s invitations (rotated) or deleted the room, or the code is damaged. ' +
  'Scan the code again; if that does not help, ask the owner for a new invitation (“remotecam rooms invite ROOM”).';

const JOINED_KEY = 'remotecam.joined';

/** Whether this browser ever joined `room` as `role` (a revoked device must have). */
export function joinedBefore(room: string, role: string): boolean {
  try {
    return (JSON.parse(localStorage.getItem(JOINED_KEY) || '[]') as string[]).indexOf(role + ':' + room) >= 0;
  } catch (e) {
    return false;
  }
}

function markJoined(room: string, role: string): void {
  try {
    const list = JSON.parse(localStorage.getItem(JOINED_KEY) || '[]') as string[];
    if (list.indexOf(role + ':' + room) < 0) localStorage.setItem(JOINED_KEY, JSON.stringify(list.concat(role + ':' + room)));
  } catch (e) {
    // private mode: the wording falls back to the general sentence
  }
}

/** Writes the membership (docs/protocol.md "Joining"); a refusal forgets the invitation. */
export async function join(s: Session, inv: Invitation, name = deviceName()): Promise<void> {
  const value: JsonObject = { role: inv.role, name, joined: { '.sv': 'timestamp' }, proof: await proof(inv) };
  try {
    if (inv.i) await joinOwn(s, inv, value);
    else await s.db.put(paths.member(inv.room, s.uid), value);
    markJoined(inv.room, inv.role);
    try {
      sessionStorage.setItem(JUST_JOINED_KEY, JSON.stringify([inv.room, inv.role, s.uid, value.proof]));
    } catch (e) {
      // the next page reads the membership again
    }
  } catch (e) {
    if (e instanceof DbError && e.denied) {
      const before = joinedBefore(inv.room, inv.role);
      const why = inv.i ? await whyRefused(s, inv) : null;
      forgetRoom(inv.room, inv.role);
      if (why) throw why;
      throw before ? new SessionError(NOT_VALID, 'revoked') : new SessionError(NOT_ACCEPTED, 'error');
    }
    throw e instanceof SessionError ? e : dbFailure(e);
  }
}

/** The words for an invitation of its own that cannot be used (join.html shows them). */
export const ALREADY_USED =
  'This invitation was already used by another device: each invitation lets only the devices the owner allowed join (usually one). ' +
  'Ask the owner for a new invitation for this device (“remotecam rooms invite”, or “Invite a viewer” on a camera).';
export const EXPIRED =
  'This invitation expired: invitations can only be used for a limited time (a day for a viewer, an hour for a camera or one made on a camera, unless the owner chose otherwise). ' +
  'Ask the owner for a new invitation.';
export const CANCELLED = 'This invitation was cancelled by the owner, so it no longer lets anyone join. If this device should join, ask the owner for a new invitation.';

/**
 * Joins with an invitation of its own: claims a free use slot with this uid and writes the
 * membership naming it, in one update, so the rules can count the uses (docs/pairing.md).
 * A device that already claimed a slot of this invitation writes its membership again.
 */
async function joinOwn(s: Session, inv: Invitation, value: JsonObject): Promise<void> {
  const base = paths.invite(inv.room, inv.i!);
  const used = await s.db.get(base + '/used');
  let slot: string | null = null;
  let mine = false;
  if (isObject(used)) {
    for (const k of Object.keys(used).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))) {
      if (used[k] === s.uid) {
        slot = k;
        mine = true;
        break;
      }
      if (used[k] === false && slot === null) slot = k;
    }
  }
  if (slot === null) throw (await whyRefused(s, inv)) || new SessionError(NOT_ACCEPTED, 'error');
  value.invite = inv.i!;
  value.slot = slot;
  const update: JsonObject = {};
  update[paths.member(inv.room, s.uid)] = value;
  if (!mine) update[base + '/used/' + slot] = s.uid;
  await s.db.patch('', update);
}

/** Why an invitation of its own was refused, read from its info and slots; null when they do not say. */
async function whyRefused(s: Session, inv: Invitation): Promise<SessionError | null> {
  try {
    const base = paths.invite(inv.room, inv.i!);
    const info = await s.db.get(base + '/info');
    if (!isObject(info)) return new SessionError(NOT_ACCEPTED, 'error');
    if (typeof info.cancelled === 'number') return new SessionError(CANCELLED, 'error');
    const used = await s.db.get(base + '/used');
    if (isObject(used) && Object.keys(used).every((k) => used[k] !== false && used[k] !== s.uid)) return new SessionError(ALREADY_USED, 'error');
    if (typeof info.created === 'number' && typeof info.ttl === 'number' && Date.now() >= info.created + info.ttl - 5000)
      return new SessionError(EXPIRED, 'error');
    return null;
  } catch (e) {
    return null;
  }
}

/** Set by join() for the page it opens next in this tab, which then need not read the membership back. */
const JUST_JOINED_KEY = 'remotecam.just-joined';

/** Joins again only when this device's membership is missing or stale (e.g. after a new sign-in). */
export async function ensureMember(s: Session, inv: Invitation): Promise<void> {
  const wanted = await proof(inv);
  try {
    const just = sessionStorage.getItem(JUST_JOINED_KEY);
    sessionStorage.removeItem(JUST_JOINED_KEY);
    if (just === JSON.stringify([inv.room, inv.role, s.uid, wanted])) return;
  } catch (e) {
    // read it below
  }
  let current;
  try {
    current = await s.db.get(paths.member(inv.room, s.uid));
  } catch (e) {
    throw dbFailure(e);
  }
  if (isObject(current) && current.proof === wanted && current.role === inv.role) return;
  await join(s, inv, isObject(current) && typeof current.name === 'string' ? current.name : deviceName());
}

/**
 * Why access ended (a stream was cancelled): the membership is gone when the device was revoked,
 * and still there when the room was rotated (its proof no longer matches).
 */
export async function accessEndedReason(s: Session, room: string): Promise<string> {
  try {
    const me = await s.db.get(paths.member(room, s.uid));
    return me === null
      ? 'Access revoked: the owner removed this device from the room. Ask for a new invitation.'
      : 'The room\'s invitations were renewed (rotated): open a new invitation to pair this device again.';
  } catch (e) {
    return 'Access to this room ended. Ask the owner for a new invitation.';
  }
}

export function dbFailure(e: unknown): SessionError {
  if (e instanceof DbError) {
    if (e.status === 0 || e.status >= 500) return new SessionError('The server is unreachable. Check the network; retrying helps once it is back.', 'unreachable');
    if (e.denied) return new SessionError(NOT_VALID, 'revoked');
    return new SessionError('The database refused: ' + e.message, 'error');
  }
  if (e instanceof SessionError) return e;
  return new SessionError(e instanceof Error ? e.message : String(e), 'error');
}

/**
 * Signs in and makes sure of the membership, retrying while the backend is unreachable (2 s
 * doubling to 30 s, at once when the browser comes back online): an unattended camera phone
 * that starts before the relay or the network (after a power cut) must come up by itself.
 * `waiting` tells the page why it waits. Other failures (revoked, refused) are thrown.
 */
export async function startSession(role: Role, inv: Invitation, waiting: (message: string, retryInMs: number) => void): Promise<Session> {
  let delay = 2000;
  for (;;) {
    let s: Session | null = null;
    try {
      s = await connect(role);
      await ensureMember(s, inv);
      return s;
    } catch (e) {
      if (s) s.db.close();
      const err = dbFailure(e);
      if (err.kind !== 'unreachable') throw err;
      waiting(err.message, delay);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          window.removeEventListener('online', done);
          resolve();
        };
        const timer = window.setTimeout(done, delay);
        window.addEventListener('online', done);
      });
      delay = Math.min(30000, delay * 2);
    }
  }
}

/** The room for this page: #room=…, else the only (or most recent) saved room of this role. */
export function pickRoom(role: Role, wanted: string | null): SavedRoom | null {
  const rooms = savedRooms();
  if (wanted && rooms[roomKey(wanted, role)]) return rooms[roomKey(wanted, role)];
  const mine = Object.keys(rooms)
    .map((k) => rooms[k])
    .filter((r) => r.role === role)
    .sort((a, b) => b.added - a.added);
  return mine.length ? mine[0] : null;
}
