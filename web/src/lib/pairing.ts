// Invitations (docs/pairing.md): parse the fragment, derive the proof, remember the rooms this
// browser joined in localStorage `remotecam.rooms`. Secrets never leave the browser.
import { concat, fromB64u, toB64u, utf8 } from './b64';

export type Role = 'camera' | 'viewer';

export interface Invitation {
  room: string;
  role: Role;
  /** The invitation's secret (base64url): the room-wide one of the role, or the invitation's own. */
  s: string;
  /** Room-wide invitations (format 1): the viewer (sealing) secret, `s` for viewers, `vs` for cameras. */
  vs?: string;
  /** Invitations of their own (format 2): the invitation's id. */
  i?: string;
  /** Invitations of their own (format 2): the room's sealing key (32 bytes, base64url). */
  k?: string;
}

export interface SavedRoom extends Invitation {
  /** Room name (meta.name) once read. */
  name?: string;
  added: number;
}

export class InvitationError extends Error {
  /** What the person can do next (join.html says it after the message). */
  constructor(message: string, readonly next = 'Scan the QR code again or paste the whole link; if that does not help, ask the owner for a new invitation.') {
    super(message);
  }
}

const ROOM_RE = /^[A-Za-z0-9_-]{20}$/;
const INVITE_RE = /^[A-Za-z0-9_-]{8,22}$/;

function checkSecret(text: string | null, what: string): string {
  if (!text) throw new InvitationError('The invitation lacks the ' + what + '.');
  let bytes: Uint8Array;
  try {
    bytes = fromB64u(text);
  } catch (e) {
    throw new InvitationError('The invitation\'s ' + what + ' is damaged.');
  }
  if (bytes.length !== 32) throw new InvitationError('The invitation\'s ' + what + ' is damaged.');
  return text;
}

/**
 * Parses `v=1&room=…&role=…&s=…[&vs=…]` (a room-wide invitation) or
 * `v=2&room=…&role=…&i=…&s=…&k=…` (an invitation of its own), with or without the leading '#'.
 */
export function parseInvitation(fragment: string): Invitation {
  const p = new URLSearchParams(fragment.replace(/^#/, ''));
  const v = p.get('v');
  if (v === null) throw new InvitationError('This is not a RemoteCam invitation.');
  if (v !== '1' && v !== '2')
    throw new InvitationError(
      'This invitation has format version ' + v + ', which these pages do not know.',
      'It was made by a newer RemoteCam: the owner should update the pages this device opens (or make the invitation with the same version).',
    );
  const room = p.get('room') || '';
  if (!ROOM_RE.test(room)) throw new InvitationError('The invitation\'s room id is damaged.');
  const role = p.get('role');
  if (role !== 'camera' && role !== 'viewer') throw new InvitationError('The invitation has an unknown role.');
  const s = checkSecret(p.get('s'), 'secret');
  if (v === '2') {
    const i = p.get('i') || '';
    if (!INVITE_RE.test(i)) throw new InvitationError('The invitation\'s id is damaged.');
    return { room, role, s, i, k: checkSecret(p.get('k'), 'sealing key') };
  }
  const vs = role === 'viewer' ? s : checkSecret(p.get('vs'), 'viewer secret (vs) that a camera needs to seal its messages; make a new invitation');
  return { room, role, s, vs };
}

/** Finds the invitation fragment in a pasted link or scanned QR text. */
/**
 * The invitation in a pasted text: a link (alone or inside a message, e.g. "Here: https://…#v=1&…
 * (keep it private)."), or its fragment. The fragment ends at white space, a quote, a bracket or
 * trailing punctuation, none of which an invitation contains.
 */
export function invitationFromText(text: string): Invitation {
  const t = text.trim();
  const at = t.indexOf('#v=');
  const hash = t.indexOf('#');
  const fragment = at >= 0 ? t.slice(at + 1) : hash >= 0 ? t.slice(hash + 1) : t;
  return parseInvitation(fragment.split(/[\s"'<>()\[\]]/)[0].replace(/[.,;:!?]+$/, ''));
}

/** The proof a membership carries (docs/pairing.md): of the room-wide invitation, or of the invitation's own. */
export async function proof(inv: Invitation): Promise<string> {
  const context = inv.i ? 'remotecam-invite-v2|' + inv.room + '|' + inv.i + '|' + inv.role : 'remotecam-pairing-v1|' + inv.room + '|' + inv.role;
  const input = concat(fromB64u(inv.s), utf8(context));
  return toB64u(new Uint8Array(await crypto.subtle.digest('SHA-256', input)));
}

export function invitationFragment(inv: Invitation): string {
  if (inv.i) return 'v=2&room=' + inv.room + '&role=' + inv.role + '&i=' + inv.i + '&s=' + inv.s + '&k=' + inv.k;
  let f = 'v=1&room=' + inv.room + '&role=' + inv.role + '&s=' + inv.s;
  if (inv.role === 'camera' && inv.vs) f += '&vs=' + inv.vs;
  return f;
}

export function invitationUrl(inv: Invitation): string {
  return new URL('join.html', location.href).toString().split('#')[0] + '#' + invitationFragment(inv);
}

/** A new random id or secret: `bytes` random bytes, base64url. */
export function randomB64u(bytes: number): string {
  return toB64u(crypto.getRandomValues(new Uint8Array(bytes)));
}

const KEY = 'remotecam.rooms';

/**
 * This browser's invitations, keyed `<role>:<roomId>`: a camera tab and a viewer tab of the same
 * room in one browser are two devices (each role has its own sign-in, see Auth).
 */
export function savedRooms(): { [key: string]: SavedRoom } {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) || '{}');
    if (!v || typeof v !== 'object') return {};
    const rooms: { [key: string]: SavedRoom } = {};
    for (const k of Object.keys(v)) {
      const r = v[k] as SavedRoom;
      if (r && typeof r === 'object' && typeof r.room === 'string') rooms[roomKey(r.room, r.role)] = r;
    }
    return rooms;
  } catch (e) {
    return {};
  }
}

export function roomKey(room: string, role: Role): string {
  return role + ':' + room;
}

export function saveRoom(inv: Invitation, name?: string): void {
  const rooms = savedRooms();
  const key = roomKey(inv.room, inv.role);
  const old = rooms[key];
  rooms[key] = { room: inv.room, role: inv.role, s: inv.s, vs: inv.vs, i: inv.i, k: inv.k, name: name || (old && old.name), added: old && old.s === inv.s ? old.added : Date.now() };
  localStorage.setItem(KEY, JSON.stringify(rooms));
}

export function forgetRoom(room: string, role: Role): void {
  const rooms = savedRooms();
  delete rooms[roomKey(room, role)];
  localStorage.setItem(KEY, JSON.stringify(rooms));
}

/** Reads `#room=<id>` from the address (the pages' own fragment, not an invitation). */
export function roomFromHash(): string | null {
  const room = new URLSearchParams(location.hash.replace(/^#/, '')).get('room');
  return room && ROOM_RE.test(room) ? room : null;
}

/** Removes the fragment (it may hold a secret) from the address bar and history. */
export function clearFragment(): void {
  history.replaceState(null, '', location.pathname + location.search);
}
