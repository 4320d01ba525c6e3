// viewer.html: shows the room's cameras as a grid with presence, calls every online camera,
// and adds rooms by scanning a QR code (camera or photo) or from a pasted link.
import { fromB64u } from '../lib/b64';
import { Invitation, InvitationError, invitationFragment, invitationFromText, roomFromHash, savedRooms, saveRoom } from '../lib/pairing';
import { PeerContext, ViewerCall } from '../lib/peer';
import * as paths from '../lib/paths';
import { Json, JsonObject, isObject } from '../lib/rtdb';
import { ICE_REFRESH_MS, iceFrom, loadIce } from '../lib/ice';
import { loadScanner } from '../lib/scanner';
import { sealKey } from '../lib/seal';
import { STILL_EVERY_MS, Still, StillWatcher } from '../lib/stills';
import { Session, accessEndedReason, dbFailure, pickRoom, startSession } from '../lib/session';
import { fail, setNet, setOffline, setOnlineText, showRevoked } from '../lib/status';

const grid = document.getElementById('cameras')!;
const gridHint = document.getElementById('grid-hint')!;
const empty = document.getElementById('empty')!;
const problem = document.getElementById('problem')!;
const roomPick = document.getElementById('room-pick')!;
const roomSelect = document.getElementById('room') as HTMLSelectElement;
const scanBtn = document.getElementById('scan') as HTMLButtonElement;
const scanFile = document.getElementById('scan-file') as HTMLInputElement;
const scanVideo = document.getElementById('scan-video') as HTMLVideoElement;
const scanMessage = document.getElementById('scan-message')!;
const linkInput = document.getElementById('link') as HTMLInputElement;
const joinBtn = document.getElementById('join') as HTMLButtonElement;

const FRESH_MS = 75000;

interface Tile {
  el: HTMLElement;
  video: HTMLVideoElement;
  name: HTMLElement;
  presence: HTMLElement;
  battery: HTMLElement;
  call: HTMLElement;
  verify: HTMLElement;
  data: JsonObject;
  lastHeard: number;
  current: ViewerCall | null;
  failures: number;
  retry: number | undefined;
  /** Why the last call ended without ever connecting: shown while calling again. */
  lastFailure: string;
  /** The call's state or why it ended (shown in `.call`, after the still picture's line). */
  callLine: string;
  /** Asking the camera for still pictures: its last call found no path (docs/protocol.md "Still pictures"). */
  stills: StillWatcher | null;
  still: HTMLImageElement | null;
  stillAt: number;
}

const tiles: { [uid: string]: Tile } = {};
let ctx: PeerContext | null = null;
let session: Session | null = null;
let inv: Invitation | null = null;
let ended = false;


function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return s + ' s ago';
  if (s < 5400) return Math.round(s / 60) + ' min ago';
  if (s < 129600) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' days ago';
}

function isOnline(t: Tile): boolean {
  return t.data.online === true && Date.now() - t.lastHeard < FRESH_MS;
}

function makeTile(uid: string): Tile {
  const el = document.createElement('div');
  el.className = 'camera';
  el.setAttribute('data-uid', uid);
  const video = document.createElement('video');
  video.autoplay = true;
  video.muted = true;
  video.setAttribute('playsinline', '');
  const info = document.createElement('div');
  info.className = 'info';
  const span = (cls: string) => {
    const s = document.createElement('span');
    s.className = cls;
    info.appendChild(s);
    return s;
  };
  const name = span('name');
  const presence = span('presence');
  const battery = span('battery');
  const call = span('call');
  const verify = span('verify');
  verify.setAttribute('data-verify', '');
  verify.title = 'Verification code: the camera shows the same one when nobody is in the middle';
  el.appendChild(video);
  el.appendChild(info);
  el.addEventListener('click', () => {
    const big = !el.classList.contains('big');
    for (const k of Object.keys(tiles)) tiles[k].el.classList.remove('big');
    el.classList.toggle('big', big);
    grid.classList.toggle('has-big', big);
    // A tap is a user gesture: a good moment to turn the sound on for the enlarged camera.
    video.muted = !big;
    video.play().catch(() => undefined);
  });
  grid.appendChild(el);
  return { el, video, name, presence, battery, call, verify, data: {}, lastHeard: 0, current: null, failures: 0, retry: undefined, lastFailure: '', callLine: '', stills: null, still: null, stillAt: 0 };
}

/** `.call`: the still picture's line (while stills are shown) and the call's state or last failure. */
function showCallLine(t: Tile, line?: string): void {
  if (line !== undefined) t.callLine = line;
  const still = !t.stills
    ? ''
    : t.still
      ? 'No live path: a still picture every ' + STILL_EVERY_MS / 1000 + ' s, last one ' + ago(Date.now() - t.stillAt)
      : 'No live path: asking the camera for still pictures…';
  t.call.textContent = still && t.callLine ? still + ' · ' + t.callLine : still || t.callLine;
}

/** The call found no path: show still pictures of the camera until a later call connects. */
function wantStills(uid: string): void {
  const t = tiles[uid];
  if (!t || t.stills || !ctx || ended) return;
  t.stills = new StillWatcher(ctx, uid, (s: Still) => {
    if (tiles[uid] !== t || !t.stills) {
      URL.revokeObjectURL(s.url);
      return;
    }
    if (!t.still) {
      t.still = document.createElement('img');
      t.still.className = 'still';
      t.still.alt = 'Still picture of the camera';
      t.el.insertBefore(t.still, t.video);
      t.video.hidden = true;
    } else URL.revokeObjectURL(t.still.src);
    t.still.src = s.url;
    t.still.setAttribute('data-n', String(s.n));
    t.stillAt = s.shownAt;
    showCallLine(t);
  });
  t.stills.start();
  showCallLine(t);
}

/** A call connected, the tile went away or the page goes: stop asking for stills, drop the picture. */
function stopStills(t: Tile, unloading = false): void {
  if (!t.stills) return;
  t.stills.stop(unloading);
  t.stills = null;
  if (t.still) {
    URL.revokeObjectURL(t.still.src);
    t.still.remove();
    t.still = null;
  }
  t.video.hidden = false;
  showCallLine(t);
}

function render(uid: string): void {
  const t = tiles[uid];
  t.name.textContent = typeof t.data.name === 'string' ? t.data.name : 'Camera';
  const online = isOnline(t);
  const lastSeen = typeof t.data.lastSeen === 'number' ? t.data.lastSeen : 0;
  t.presence.className = 'presence ' + (online ? 'online' : 'offline');
  t.presence.textContent = online ? 'online' : lastSeen ? 'offline, last seen ' + ago(Date.now() - Math.min(Date.now(), t.lastHeard || lastSeen)) : 'offline';
  const b = t.data.battery;
  t.battery.textContent = isObject(b) && typeof b.level === 'number' ? 'battery ' + Math.round(b.level * 100) + '%' + (b.charging ? ' ⚡' : '') : '';
}

function camerasChanged(value: Json, path: string): void {
  const cams = isObject(value) ? value : {};
  const changed = path.split('/')[0];
  for (const uid of Object.keys(cams)) {
    const data = cams[uid];
    if (!isObject(data)) continue;
    let t = tiles[uid];
    if (!t) t = tiles[uid] = makeTile(uid);
    const before = t.data.lastSeen;
    t.data = data;
    if (path === '' ? !t.lastHeard : changed === uid && data.lastSeen !== before) {
      // A heartbeat arrived now; for the first snapshot the best guess is the sender's clock.
      t.lastHeard = path === '' && typeof data.lastSeen === 'number' ? Math.min(Date.now(), data.lastSeen) : Date.now();
    }
    render(uid);
    consider(uid);
  }
  for (const uid of Object.keys(tiles)) {
    if (!cams[uid]) {
      const t = tiles[uid];
      if (t.current) t.current.hangUp('The camera left the room.');
      clearTimeout(t.retry);
      stopStills(t);
      t.el.remove();
      delete tiles[uid];
    }
  }
  empty.hidden = Object.keys(tiles).length > 0;
  gridHint.hidden = !empty.hidden;
  const online = Object.keys(tiles).filter((u) => isOnline(tiles[u])).length;
  setOnlineText('Connected: ' + online + ' of ' + Object.keys(tiles).length + ' camera' + (Object.keys(tiles).length === 1 ? '' : 's') + ' online.');
}

/** Calls a camera that is online and not yet called; hangs up on one that went offline. */
function consider(uid: string): void {
  const t = tiles[uid];
  if (!t || !ctx || ended) return;
  if (!isOnline(t)) {
    if (t.current && t.data.online === false) t.current.hangUp('The camera went offline.');
    return;
  }
  if (t.current || t.retry !== undefined) return;
  const call = new ViewerCall(ctx, uid);
  t.current = call;
  showCallLine(t, 'calling…' + (t.lastFailure ? ' (last attempt: ' + t.lastFailure + ')' : ''));
  t.verify.textContent = '';
  call.bus.on('media', (m) => {
    if (t.video.srcObject !== m) t.video.srcObject = m;
    t.video.play().catch(() => undefined);
  });
  // Why a call may not connect (a STUN/TURN server refused or is silent), shown until it does.
  let trouble = '';
  const showState = (s: string): void => {
    const why = trouble || (t.lastFailure ? 'last attempt: ' + t.lastFailure : '');
    showCallLine(t, s === 'connected' ? 'live · code' : s === 'ended' ? '' : s + '…' + (why ? ' (' + why + ')' : ''));
  };
  let connected = false;
  call.bus.on('state', (s) => {
    if (s === 'connected') {
      t.failures = 0;
      t.lastFailure = '';
      connected = true;
      stopStills(t);
    }
    showState(s);
  });
  call.bus.on('code', (code) => (t.verify.textContent = code));
  call.bus.on('trouble', (text) => {
    trouble = text;
    showState(call.state);
  });
  call.bus.on('ended', (reason) => {
    if (t.current !== call) return;
    t.current = null;
    t.video.srcObject = null;
    t.verify.textContent = '';
    showCallLine(t, reason);
    if (!connected) t.lastFailure = reason;
    if (ended) return;
    if (call.noPath) wantStills(uid);
    // Call again while the camera is online: at once after a good call, slower after failures.
    // Jitter, so that calls to several cameras that failed together do not retry together.
    const delay = Math.min(30000, 1000 * Math.pow(2, t.failures++)) * (0.8 + 0.4 * Math.random());
    t.retry = window.setTimeout(() => {
      t.retry = undefined;
      consider(uid);
    }, delay);
  });
  call.start();
}

async function accessEnded(): Promise<void> {
  if (ended || !session || !inv) return;
  ended = true;
  for (const uid of Object.keys(tiles)) {
    if (tiles[uid].current) tiles[uid].current!.hangUp('Access ended.');
    stopStills(tiles[uid]);
  }
  const reason = await accessEndedReason(session, inv.room);
  showRevoked(reason);
  problem.textContent = reason;
  problem.hidden = false;
}

function showRooms(current: string): void {
  const rooms = savedRooms();
  const mine = Object.keys(rooms)
    .map((k) => rooms[k])
    .filter((r) => r.role === 'viewer');
  roomPick.hidden = mine.length < 2;
  roomSelect.textContent = '';
  for (const r of mine) {
    const o = document.createElement('option');
    o.value = r.room;
    o.textContent = r.name || r.room;
    o.selected = r.room === current;
    roomSelect.appendChild(o);
  }
}

async function main(): Promise<void> {
  const wantScan = location.hash === '#scan';
  inv = pickRoom('viewer', roomFromHash());
  if (wantScan) startScan();
  if (!inv) {
    setNet('online', 'Not in a room yet.');
    problem.textContent = 'This browser has no viewer invitation yet: scan the QR code of one (“remotecam rooms invite ROOM --role viewer”, or “Invite a viewer” on a camera) or paste its link below.';
    problem.hidden = false;
    return;
  }
  history.replaceState(null, '', location.pathname + '#room=' + inv.room);
  showRooms(inv.room);
  try {
    session = await startSession('viewer', inv, (message, ms) =>
      setOffline('Backend unreachable: ' + message + ' Trying again in ' + Math.round(ms / 1000) + ' s.'),
    );
    session.db.bus.on('net', (n) => setNet(n));
  } catch (e) {
    const err = dbFailure(e);
    if (err.kind === 'revoked') {
      showRevoked(err.message);
      problem.textContent = err.message;
      problem.hidden = false;
    } else fail(err.kind === 'unreachable' ? 'Backend unreachable: ' + err.message : err.message);
    return;
  }
  const key = await sealKey(fromB64u(inv.vs), inv.room);
  // The room's name and ICE servers (meta/ice) before any call is made.
  const base = session.cfg.iceServers;
  let meta: Json = null;
  try {
    meta = await session.db.get(paths.meta(inv.room));
  } catch (e) {
    // Calls still work on the backend's ICE servers; the name shows next time.
  }
  const room = inv.room;
  const peers: PeerContext = (ctx = { db: session.db, key, roomId: room, uid: session.uid, ice: await iceFrom(isObject(meta) ? meta.ice : null, key, room, base) });
  if (isObject(meta) && typeof meta.name === 'string') {
    saveRoom(inv, meta.name);
    showRooms(room);
    document.title = meta.name + ' · RemoteCam';
  }
  // The owner may change them at any time: the next call uses what was read last.
  window.setInterval(() => {
    loadIce(peers.db, key, room, base).then((i) => (peers.ice = i), () => undefined);
  }, ICE_REFRESH_MS);
  session.db.stream(paths.cameras(room), { data: camerasChanged, denied: accessEnded });
  // Presence ages on the viewer's clock: re-check every few seconds.
  window.setInterval(() => {
    for (const uid of Object.keys(tiles)) {
      render(uid);
      consider(uid);
    }
  }, 5000);
  // "last one N s ago" under a still picture.
  window.setInterval(() => {
    for (const uid of Object.keys(tiles)) if (tiles[uid].still) showCallLine(tiles[uid]);
  }, 1000);
  // bench/ (ttff) starts each measured call in this loaded page: this event hangs up every call,
  // and the page calls again as after any call that ended (1 s later). Nothing else sends it.
  window.addEventListener('remotecam:hangup', () => {
    for (const uid of Object.keys(tiles)) if (tiles[uid].current) tiles[uid].current!.hangUp('Hung up.');
  });
  window.addEventListener('pagehide', () => {
    for (const uid of Object.keys(tiles)) {
      if (tiles[uid].current) tiles[uid].current!.hangUpOnUnload();
      stopStills(tiles[uid], true);
    }
  });
  window.addEventListener('pageshow', (e) => {
    if ((e as PageTransitionEvent).persisted) location.reload();
  });
}

// Adding a room: every path ends in join.html with the invitation in the fragment.
function goJoin(text: string): boolean {
  try {
    const found = invitationFromText(text);
    location.href = 'join.html#' + invitationFragment(found);
    return true;
  } catch (e) {
    scanMessage.textContent = e instanceof InvitationError ? e.message : String(e);
    return false;
  }
}

let scanning: MediaStream | null = null;

async function startScan(): Promise<void> {
  if (scanning) {
    stopScan();
    return;
  }
  scanMessage.textContent = 'Starting the camera…';
  try {
    const [scanner, stream] = await Promise.all([
      loadScanner(),
      navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false }),
    ]);
    scanning = stream;
    scanVideo.srcObject = stream;
    scanVideo.hidden = false;
    scanBtn.textContent = 'Stop scanning';
    scanMessage.textContent = 'Point the camera at the invitation QR code.';
    const tick = () => {
      if (!scanning) return;
      const text = scanner.fromVideo(scanVideo);
      if (text) {
        if (goJoin(text)) {
          stopScan();
          return;
        }
      }
      window.setTimeout(tick, 200);
    };
    tick();
  } catch (e) {
    const name = e && typeof e === 'object' && 'name' in e ? String((e as { name: string }).name) : '';
    scanMessage.textContent =
      name === 'NotAllowedError'
        ? 'Camera permission denied: allow the camera to scan, or choose a photo of the code instead.'
        : name === 'NotFoundError'
          ? 'No camera found: choose a photo of the code, or paste the link.'
          : e instanceof Error ? e.message : String(e);
  }
}

function stopScan(): void {
  if (scanning) for (const t of scanning.getTracks()) t.stop();
  scanning = null;
  scanVideo.srcObject = null;
  scanVideo.hidden = true;
  scanBtn.textContent = 'Scan a QR code';
}

scanBtn.addEventListener('click', () => startScan());
scanFile.addEventListener('change', async () => {
  const file = scanFile.files && scanFile.files[0];
  if (!file) return;
  scanMessage.textContent = 'Reading the image…';
  try {
    const scanner = await loadScanner();
    const text = await scanner.fromFile(file);
    if (!text) scanMessage.textContent = 'No QR code found in this image. Try a sharper, closer photo.';
    else goJoin(text);
  } catch (e) {
    scanMessage.textContent = e instanceof Error ? e.message : String(e);
  }
  scanFile.value = '';
});
joinBtn.addEventListener('click', () => {
  if (!linkInput.value.trim()) scanMessage.textContent = 'Paste an invitation link first.';
  else goJoin(linkInput.value);
});
roomSelect.addEventListener('change', () => {
  location.replace('viewer.html#room=' + roomSelect.value);
  location.reload();
});

main();
