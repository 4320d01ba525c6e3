// viewer.html: shows the room's cameras as a grid with presence, calls every online camera,
// controls them (talk, snapshot, quality… on each tile), and adds rooms by scanning a QR code
// (camera or photo) or from a pasted link.
import { deviceName, setDeviceName } from '../lib/device';
import { iceFrom } from '../lib/ice';
import { askForName, nameChosen } from '../lib/naming';
import { savedRooms, saveRoom } from '../lib/pairing';
import * as paths from '../lib/paths';
import { PeerContext } from '../lib/peer';
import { Json, isObject } from '../lib/rtdb';
import { RoomAccess, openRoom, pageRoom } from '../lib/startup';
import { dbFailure } from '../lib/session';
import { fail, setIdle, setOnlineText } from '../lib/status';
import { registerServiceWorker } from '../lib/sw-register';
import { openCameraValue, rawRoomKey } from '../lib/seal';
import { StoredObjects } from '../lib/storage';
import { startScan, wireAddRoom } from '../viewer/add-room';
import { ALERT_FRESH_MS, Alerts } from '../viewer/alerts';
import { ClipLibrary } from '../viewer/clips';
import { SettingsPanel } from '../viewer/rec-settings';
import { CameraTile } from '../viewer/tile';
import { Timeline } from '../viewer/timeline';

const grid = document.getElementById('cameras')!;
const gridHint = document.getElementById('grid-hint')!;
const empty = document.getElementById('empty')!;
const problem = document.getElementById('problem')!;
const roomPick = document.getElementById('room-pick')!;
const roomSelect = document.getElementById('room') as HTMLSelectElement;
const nameInput = document.getElementById('name') as HTMLInputElement;
const renameBtn = document.getElementById('rename') as HTMLButtonElement;
const updated = document.getElementById('updated')!;

let access: RoomAccess | null = null;

const tiles: { [uid: string]: CameraTile } = {};

/** Clips, alerts and recording settings of the room (set up once the room is open). */
interface Recording {
  library: ClipLibrary;
  timeline: Timeline;
  alerts: Alerts;
  panel: SettingsPanel;
  /** Per camera: the sealed state last opened, and the last motion start alerted. */
  rec: { [uid: string]: { text: string; motionAt: number } };
}
let recording: Recording | null = null;

/** A camera's sealed recording state changed: the tile shows it; a new motion start is an alert. */
async function recChanged(t: CameraTile, sealed: unknown): Promise<void> {
  const r = recording;
  if (!r || !access || typeof sealed !== 'string') return;
  const seen = r.rec[t.uid] || (r.rec[t.uid] = { text: '', motionAt: -1 });
  if (seen.text === sealed) return;
  seen.text = sealed;
  let rec: { v: number; detection: boolean; recording: string | null; motionAt: number; waiting: number; full: boolean; error: string };
  try {
    rec = JSON.parse(await openCameraValue(access.key, access.room, t.uid, 'rec', sealed));
  } catch (e) {
    return;
  }
  t.showRec(rec);
  const first = seen.motionAt < 0;
  if (typeof rec.motionAt === 'number' && rec.motionAt > seen.motionAt) {
    const before = seen.motionAt;
    seen.motionAt = rec.motionAt;
    // A page that opens learns of motion that is already old: no alert for that.
    if (rec.motionAt > 0 && (!first || Date.now() - rec.motionAt < ALERT_FRESH_MS) && rec.motionAt !== before) r.alerts.motion(t.uid, t.cameraName, rec.motionAt);
  }
}

function allTiles(): CameraTile[] {
  return Object.keys(tiles).map((uid) => tiles[uid]);
}

function camerasChanged(ctx: PeerContext, value: Json, path: string): void {
  const cams = isObject(value) ? value : {};
  const changed = path.split('/')[0];
  for (const uid of Object.keys(cams)) {
    const data = cams[uid];
    if (!isObject(data)) continue;
    let t = tiles[uid];
    if (!t) {
      const tile = (t = tiles[uid] = new CameraTile(grid, ctx, uid));
      tile.clipsBtn.addEventListener('click', () => showClipsOf(uid));
      tile.settingsBtn.addEventListener('click', () => {
        if (recording) recording.panel.open(uid, tile.cameraName);
      });
      if (recording) recording.library.watch(uid);
    }
    const before = t.data.lastSeen;
    t.data = data;
    if (path === '' ? !t.lastHeard : changed === uid && data.lastSeen !== before) {
      // A heartbeat arrived now; for the first snapshot the best guess is the sender's clock.
      t.lastHeard = path === '' && typeof data.lastSeen === 'number' ? Math.min(Date.now(), data.lastSeen) : Date.now();
      if (path !== '') t.dialer.heard();
    }
    t.render();
    t.dialer.consider();
    recChanged(t, data.rec);
  }
  for (const uid of Object.keys(tiles)) {
    if (!cams[uid]) {
      tiles[uid].remove('The camera left the room.');
      delete tiles[uid];
      if (recording) recording.library.forget(uid);
    }
  }
  if (recording) recording.timeline.setCameras(Object.keys(tiles));
  const all = allTiles();
  empty.hidden = all.length > 0;
  gridHint.hidden = !empty.hidden;
  const online = all.filter((t) => t.online).length;
  setOnlineText('Connected: ' + online + ' of ' + all.length + ' camera' + (all.length === 1 ? '' : 's') + ' online.');
}

/** The timeline shows one camera's clips (its tile's "Clips", an alert's "Watch"). */
function showClipsOf(uid: string): void {
  if (!recording) return;
  recording.timeline.show(uid);
  document.getElementById('timeline')!.scrollIntoView({ block: 'start' });
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

/** Where the room's clips are (meta/storage, meta/bucket) and the viewer's clip library, alerts and timeline. */
function startClips(access: RoomAccess, meta: Json, roomKey: string): void {
  const room = access.room;
  const bucket = isObject(meta) && meta.storage === 'bucket' && typeof meta.bucket === 'string' ? meta.bucket : null;
  // Clips are sealed under the room's sealing key (docs/clips.md), which every invitation carries.
  const library = new ClipLibrary({ db: access.db, room, secret: roomKey, objects: StoredObjects.of(access.session.cfg, access.session.auth, bucket) });
  const alerts = new Alerts();
  const timeline = new Timeline(library, (uid) => (tiles[uid] ? tiles[uid].cameraName : 'Camera'));
  recording = { library, timeline, alerts, panel: new SettingsPanel({ db: access.db, key: access.key, room }), rec: {} };
  alerts.onShow = (uid) => {
    const t = tiles[uid];
    if (t && !t.big) t.toggleBig();
    else showClipsOf(uid);
  };
  access.bus.on('ended', () => library.stop());
}

/** Calls and stills for the room's cameras, until access ends or the page goes. */
async function watchRoom(access: RoomAccess): Promise<void> {
  const room = access.room;
  // The room's name and ICE servers (meta/ice) before any call is made; the camera list is asked
  // for at the same time (one round trip for both), its events applied once the meta is in.
  const metaRead = access.db.get(paths.meta(room)).catch((): Json => null);
  const ctx: PeerContext = { db: access.db, key: access.key, roomId: room, uid: access.uid, ice: { iceServers: access.baseIce, policy: 'all' } };
  const ready = metaRead.then(async (meta) => {
    // Calls still work on the backend's ICE servers when the meta cannot be read; the name shows next time.
    ctx.ice = await iceFrom(isObject(meta) ? meta.ice : null, access.key, room, access.baseIce);
    if (isObject(meta) && typeof meta.name === 'string') {
      saveRoom(access.inv, meta.name);
      showRooms(room);
      document.title = meta.name + ' · RemoteCam';
    }
    // Before the first camera's tile: tiles show their clips and recording state.
    startClips(access, meta, await rawRoomKey(access.inv));
  });
  access.db.stream(paths.cameras(room), {
    data: (v, p) => ready.then(() => camerasChanged(ctx, v, p)),
    denied: () => access.end(),
  });
  // The next call uses what was read last.
  access.refreshIce((i) => (ctx.ice = i));
  access.bus.on('ended', () => {
    for (const t of allTiles()) t.remove('Access ended.', true);
  });
  // Presence ages on the viewer's clock: re-check every few seconds.
  window.setInterval(() => {
    for (const t of allTiles()) {
      t.render();
      t.dialer.consider();
    }
  }, 5000);
  // "last one N s ago" under a still picture.
  window.setInterval(() => {
    for (const t of allTiles()) if (t.showsStill) t.showCallLine();
  }, 1000);
  // bench/ (ttff) starts each measured call in this loaded page: this event hangs up every call,
  // and the page calls again as after any call that ended (1 s later). Nothing else sends it.
  window.addEventListener('remotecam:hangup', () => {
    for (const t of allTiles()) t.dialer.hangUp('Hung up.');
  });
  window.addEventListener('pagehide', () => {
    for (const t of allTiles()) t.unload();
  });
  window.addEventListener('pageshow', (e) => {
    if ((e as PageTransitionEvent).persisted) location.reload();
  });
}

/** The tile that keyboard shortcuts act on: the enlarged one, else the focused one. */
function keyTile(): CameraTile | null {
  const all = allTiles();
  return all.filter((t) => t.big)[0] || all.filter((t) => t.el.contains(document.activeElement))[0] || (all.length === 1 ? all[0] : null);
}

/** Escape brings the grid back; holding T talks to the enlarged (or focused) camera. */
function wireKeys(): void {
  document.addEventListener('keydown', (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
    if (e.key === 'Escape' && !document.fullscreenElement) {
      const big = allTiles().filter((t) => t.big)[0];
      if (big) big.toggleBig();
    } else if ((e.key === 't' || e.key === 'T') && !e.repeat && !typing) {
      const t = keyTile();
      if (t) t.controls.pressTalk();
    }
  });
  document.addEventListener('keyup', (e) => {
    if (e.key === 't' || e.key === 'T') for (const t of allTiles()) t.controls.release();
  });
}

/** A new name: the membership and every camera watched learn it. */
async function rename(name: string): Promise<void> {
  nameInput.value = name;
  nameChosen();
  for (const t of allTiles()) t.controls.hello();
  if (!access) return;
  try {
    await access.db.patch(paths.member(access.room, access.uid), { name });
  } catch (e) {
    fail('Could not rename: ' + dbFailure(e).message);
  }
}

async function main(): Promise<void> {
  registerServiceWorker(() => (updated.hidden = false));
  nameInput.value = deviceName();
  const wantScan = location.hash === '#scan';
  const inv = pageRoom('viewer');
  if (wantScan) startScan();
  if (!inv) {
    setIdle('Not in a room yet.');
    problem.textContent = 'This browser has no viewer invitation yet: scan the QR code of one (“remotecam rooms invite ROOM --role viewer”, or “Invite a viewer” on a camera) or paste its link below.';
    problem.className = 'notice';
    problem.hidden = false;
    return;
  }
  askForName((name) => rename(name));
  showRooms(inv.room);
  access = await openRoom('viewer', inv);
  if (access) await watchRoom(access);
}

roomSelect.addEventListener('change', () => {
  location.replace('viewer.html#room=' + roomSelect.value);
  location.reload();
});
renameBtn.addEventListener('click', () => rename(setDeviceName(nameInput.value)));
document.getElementById('reload')!.addEventListener('click', () => location.reload());
wireAddRoom();
wireKeys();
main();
