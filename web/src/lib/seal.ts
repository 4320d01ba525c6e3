// The sealed envelope of docs/protocol.md: HKDF-SHA256 from the viewer secret → AES-256-GCM,
// associated data binding room, camera, call, direction and slot.
import { Bytes, fromB64u, toB64u, utf8 } from './b64';

export type Direction = 'v' | 'c';

export class SealError extends Error {}

export async function sealKey(viewerSecret: Bytes, roomId: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey('raw', viewerSecret, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8('remotecam-seal-v1'), info: utf8('room|' + roomId) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/**
 * The sealing key of a room from what its invitation carries: the key itself (`k`, an invitation
 * of its own, which carries no viewer secret) or the viewer secret (`vs`, a room-wide invitation).
 * HKDF's output is the AES key's bytes, so both give the same key.
 */
export function roomSealKey(inv: { room: string; k?: string; vs?: string }): Promise<CryptoKey> {
  if (inv.k) return crypto.subtle.importKey('raw', fromB64u(inv.k), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  if (!inv.vs) throw new SealError('The invitation carries no sealing key.');
  return sealKey(fromB64u(inv.vs), inv.room);
}

/** The raw sealing key of a room (for a new invitation's `k`), from the viewer secret or a saved `k`. */
export async function rawRoomKey(inv: { room: string; k?: string; vs?: string }): Promise<string> {
  if (inv.k) return inv.k;
  const ikm = await crypto.subtle.importKey('raw', fromB64u(inv.vs || ''), 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: utf8('remotecam-seal-v1'), info: utf8('room|' + inv.room) }, ikm, 256);
  return toB64u(new Uint8Array(bits));
}

export interface SlotAddress {
  roomId: string;
  cameraUid: string;
  callId: string;
  dir: Direction;
  n: number;
}

function aad(a: SlotAddress): Bytes {
  return utf8('remotecam-seal-v1|' + a.roomId + '|' + a.cameraUid + '|' + a.callId + '|' + a.dir + '|' + a.n);
}

export async function seal(key: CryptoKey, at: SlotAddress, plaintext: string): Promise<string> {
  return sealWith(key, aad(at), plaintext);
}

/** Opens a sealed value; throws SealError when it is malformed, tampered with or addressed elsewhere. */
export function open(key: CryptoKey, at: SlotAddress, value: string): Promise<string> {
  return openWith(key, aad(at), value);
}

/** A value the owner keeps sealed in the room's meta (e.g. "ice"), bound to its room and name. */
function metaAad(roomId: string, name: string): Bytes {
  return utf8('remotecam-seal-v1|' + roomId + '|meta|' + name);
}

export function sealMeta(key: CryptoKey, roomId: string, name: string, plaintext: string): Promise<string> {
  return sealWith(key, metaAad(roomId, name), plaintext);
}

export function openMeta(key: CryptoKey, roomId: string, name: string, value: string): Promise<string> {
  return openWith(key, metaAad(roomId, name), value);
}

/** A camera's still picture (JPEG bytes), bound to its room, camera and number n. */
function stillAad(roomId: string, cameraUid: string, n: number): Bytes {
  return utf8('remotecam-seal-v1|' + roomId + '|stills|' + cameraUid + '|' + n);
}

export function sealStill(key: CryptoKey, roomId: string, cameraUid: string, n: number, jpeg: Bytes): Promise<string> {
  return sealBytes(key, stillAad(roomId, cameraUid, n), jpeg);
}

export function openStill(key: CryptoKey, roomId: string, cameraUid: string, n: number, value: string): Promise<Bytes> {
  return openBytes(key, stillAad(roomId, cameraUid, n), value);
}

/** A camera's settings (docs/clips.md "Settings"), bound to its room and camera. */
function settingsAad(roomId: string, cameraUid: string): Bytes {
  return utf8('remotecam-seal-v1|' + roomId + '|settings|' + cameraUid);
}

export function sealSettings(key: CryptoKey, roomId: string, cameraUid: string, json: string): Promise<string> {
  return sealWith(key, settingsAad(roomId, cameraUid), json);
}

export function openSettings(key: CryptoKey, roomId: string, cameraUid: string, value: string): Promise<string> {
  return openWith(key, settingsAad(roomId, cameraUid), value);
}

/** A camera's sealed value `name` ("rec": the recording state in its presence), bound to its room, camera and name. */
function cameraAad(roomId: string, cameraUid: string, name: string): Bytes {
  return utf8('remotecam-seal-v1|' + roomId + '|camera|' + cameraUid + '|' + name);
}

export function sealCameraValue(key: CryptoKey, roomId: string, cameraUid: string, name: string, plaintext: string): Promise<string> {
  return sealWith(key, cameraAad(roomId, cameraUid, name), plaintext);
}

export function openCameraValue(key: CryptoKey, roomId: string, cameraUid: string, name: string, value: string): Promise<string> {
  return openWith(key, cameraAad(roomId, cameraUid, name), value);
}

function sealWith(key: CryptoKey, additionalData: Bytes, plaintext: string): Promise<string> {
  return sealBytes(key, additionalData, utf8(plaintext));
}

async function sealBytes(key: CryptoKey, additionalData: Bytes, plaintext: Bytes): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, plaintext);
  return '1.' + toB64u(iv) + '.' + toB64u(new Uint8Array(ct));
}

async function openWith(key: CryptoKey, additionalData: Bytes, value: string): Promise<string> {
  return new TextDecoder().decode(await openBytes(key, additionalData, value));
}

async function openBytes(key: CryptoKey, additionalData: Bytes, value: string): Promise<Bytes> {
  const parts = value.split('.');
  if (parts.length !== 3 || parts[0] !== '1') throw new SealError('not a sealed message');
  let iv: Bytes, ct: Bytes;
  try {
    iv = fromB64u(parts[1]);
    ct = fromB64u(parts[2]);
  } catch (e) {
    throw new SealError('not a sealed message');
  }
  if (iv.length !== 12 || ct.length < 16) throw new SealError('not a sealed message');
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData }, key, ct));
  } catch (e) {
    throw new SealError('message does not open with this room key');
  }
}
