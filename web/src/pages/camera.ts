// camera.html: this device is a camera. Shows the preview, publishes presence (with battery),
// keeps the screen awake, answers every viewer's call and shows an invitation for viewers.
import { generate } from 'lean-qr';
import { fromB64u } from '../lib/b64';
import { Battery, currentBattery, watchBattery } from '../lib/battery';
import { deviceName, setDeviceName } from '../lib/device';
import { SavedRoom, roomFromHash, viewerInvitationUrl } from '../lib/pairing';
import { ICE_REFRESH_MS, IceSettings, loadIce } from '../lib/ice';
import { CameraCall, CameraInbox } from '../lib/peer';
import * as paths from '../lib/paths';
import { DbError, Json } from '../lib/rtdb';
import { sealKey } from '../lib/seal';
import { StillPoster } from '../lib/stills';
import { Session, SessionError, accessEndedReason, dbFailure, pickRoom, startSession } from '../lib/session';
import { fail, setNet, setOffline, setOnlineText, showError, showRevoked } from '../lib/status';
import { WakeKeeper, WakeState } from '../lib/wake';

const preview = document.getElementById('preview') as HTMLVideoElement;
const viewersEl = document.getElementById('viewers')!;
const callsEl = document.getElementById('calls')!;
const problem = document.getElementById('problem')!;
const inviteBtn = document.getElementById('invite') as HTMLButtonElement;
const invitePanel = document.getElementById('invite-panel')!;
const inviteQr = document.getElementById('invite-qr') as HTMLCanvasElement;
const inviteLink = document.getElementById('invite-link') as HTMLAnchorElement;
const batteryEl = document.getElementById('battery')!;
const wakeEl = document.getElementById('wake')!;
const stillsEl = document.getElementById('stills')!;
const audioBox = document.getElementById('audio') as HTMLInputElement;
const switchBtn = document.getElementById('switch') as HTMLButtonElement;
const nameInput = document.getElementById('name') as HTMLInputElement;
const renameBtn = document.getElementById('rename') as HTMLButtonElement;
const roomNameEl = document.getElementById('room-name')!;

const HEARTBEAT_MS = 30000;
const AUDIO_KEY = 'remotecam.camera.audio';

let session: Session | null = null;
let inv: SavedRoom | null = null;
let inbox: CameraInbox | null = null;
let stills: StillPoster | null = null;
let media: MediaStream | null = null;
let facing: 'environment' | 'user' = 'environment';
let heartbeat: number | undefined;
let ended = false;


/** Camera errors in words. */
function mediaError(e: unknown): string {
  const name = e && typeof e === 'object' && 'name' in e ? String((e as { name: string }).name) : '';
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia)
    return 'This browser cannot use the camera here: open the page over HTTPS (or on localhost) in a current browser.';
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError')
    return 'Camera permission denied: allow the camera for this site in the browser\'s settings, then reload the page.';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError')
    return 'No camera found on this device.';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError')
    return 'The camera is busy: another app or tab is using it. Close it and reload.';
  return 'The camera could not start: ' + (e instanceof Error ? e.message : String(e));
}

async function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error('no mediaDevices');
  const video: MediaTrackConstraints = {
    facingMode: { ideal: facing },
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 24, max: 30 },
  };
  const wantAudio = audioBox.checked;
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio: wantAudio });
  } catch (e) {
    if (!wantAudio) throw e;
    // No microphone or no permission for it: carry on with video only.
    const stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
    audioBox.checked = false;
    return stream;
  }
}

async function useMedia(stream: MediaStream): Promise<void> {
  if (media && media !== stream) for (const t of media.getTracks()) t.stop();
  media = stream;
  preview.srcObject = stream;
  preview.play().catch(() => undefined);
  if (inbox) inbox.setMedia(stream);
}

async function restartMedia(): Promise<void> {
  try {
    if (media) for (const t of media.getTracks()) t.stop();
    await useMedia(await openCamera());
    problem.hidden = true;
    showError(null);
  } catch (e) {
    fail(mediaError(e));
  }
}

function presencePath(): string {
  return paths.camera(inv!.room, session!.uid);
}

function presence(online: boolean): { [k: string]: Json } {
  const value: { [k: string]: Json } = { name: deviceName(), online, lastSeen: { '.sv': 'timestamp' } };
  const b = currentBattery();
  if (b) value.battery = { level: b.level, charging: b.charging };
  return value;
}

async function beat(): Promise<void> {
  if (!session || !inv || ended) return;
  try {
    const echo = await session.db.put(presencePath(), presence(true));
    const lastSeen = echo && typeof echo === 'object' && !Array.isArray(echo) ? echo.lastSeen : null;
    if (typeof lastSeen === 'number' && inbox) inbox.serverOffset = lastSeen - Date.now();
  } catch (e) {
    if (e instanceof DbError && e.denied) accessEnded();
    // Network errors: the next beat retries; the status line shows the streams' state.
  }
}

async function accessEnded(): Promise<void> {
  if (ended || !session || !inv) return;
  ended = true;
  clearInterval(heartbeat);
  if (inbox) inbox.stop();
  if (stills) stills.stop();
  const reason = await accessEndedReason(session, inv.room);
  showRevoked(reason);
  problem.textContent = reason;
  problem.hidden = false;
  inviteBtn.disabled = true;
  invitePanel.hidden = true;
}

function showBattery(b: Battery): void {
  batteryEl.hidden = false;
  batteryEl.textContent = 'Battery ' + Math.round(b.level * 100) + '%' + (b.charging ? ', charging' : '');
}

const WAKE_TEXT: { [K in WakeState]: string } = {
  locked: 'Screen kept on.',
  fallback: 'Screen kept on (video fallback).',
  released: 'Screen may turn off while the page is hidden.',
  unavailable: 'This browser cannot keep the screen on: turn off auto-lock in the settings.',
};

function showCall(call: CameraCall): void {
  const li = document.createElement('li');
  li.setAttribute('data-call', call.callId);
  const label = document.createElement('span');
  label.textContent = 'Viewer ' + call.viewerUid.slice(0, 6) + ' · ';
  const state = document.createElement('span');
  state.className = 'call';
  state.textContent = 'connecting…';
  li.appendChild(label);
  li.appendChild(state);
  callsEl.appendChild(li);
  let trouble = '';
  const showState = (s: string): void => {
    state.textContent = s === 'connected' ? 'code ' : s + '…' + (trouble ? ' (' + trouble + ')' : '');
  };
  call.bus.on('state', showState);
  call.bus.on('trouble', (text) => {
    trouble = text;
    showState(call.state);
  });
  call.bus.on('code', (code) => {
    let v = li.querySelector('[data-verify]');
    if (!v) {
      v = document.createElement('strong');
      v.setAttribute('data-verify', '');
      li.appendChild(v);
    }
    v.textContent = code;
  });
  call.bus.on('ended', () => li.remove());
}

function showInvite(): void {
  if (!inv) return;
  const url = viewerInvitationUrl(inv);
  if (!invitePanel.hidden) {
    invitePanel.hidden = true;
    return;
  }
  generate(url).toCanvas(inviteQr);
  inviteLink.href = url;
  inviteLink.textContent = url;
  invitePanel.hidden = false;
}

async function main(): Promise<void> {
  nameInput.value = deviceName();
  audioBox.checked = localStorage.getItem(AUDIO_KEY) === '1';
  const wake = new WakeKeeper((s) => (wakeEl.textContent = WAKE_TEXT[s]));
  watchBattery(showBattery);

  inv = pickRoom('camera', roomFromHash());
  if (!inv) {
    showError('This browser has no camera invitation.');
    problem.textContent =
      'This browser has no camera invitation. On the owner\'s computer run “remotecam rooms invite ROOM --role camera” and open the link or scan the QR code on this phone.';
    problem.hidden = false;
    return;
  }
  if (inv.name) roomNameEl.textContent = 'Room: ' + inv.name;
  history.replaceState(null, '', location.pathname + '#room=' + inv.room);

  const cameraReady = openCamera().then(useMedia, (e) => {
    fail(mediaError(e));
    throw e;
  });
  try {
    session = await startSession('camera', inv, (message, ms) =>
      setOffline('Backend unreachable: ' + message + ' Trying again in ' + Math.round(ms / 1000) + ' s.'),
    );
    session.db.bus.on('net', (n) => {
      setNet(n);
      if (n === 'online') setOnlineText('Online: viewers can watch.');
    });
  } catch (e) {
    const err = dbFailure(e);
    if (err.kind === 'revoked') {
      showRevoked(err.message);
      problem.textContent = err.message;
      problem.hidden = false;
    } else fail(err instanceof SessionError && err.kind === 'unreachable' ? 'Backend unreachable: ' + err.message : err.message);
    return;
  }
  try {
    await cameraReady;
  } catch (e) {
    return; // already explained
  }
  const key = await sealKey(fromB64u(inv.vs), inv.room);
  const base = session.cfg.iceServers;
  const ice = await loadIce(session.db, key, inv.room, base).catch((): IceSettings => ({ iceServers: base, policy: 'all' }));
  inbox = new CameraInbox({ db: session.db, key, roomId: inv.room, uid: session.uid, ice }, media!, accessEnded);
  // The owner may change the room's ICE servers at any time: read them again now and then.
  window.setInterval(() => {
    if (session && inv && inbox && !ended) loadIce(session.db, key, inv.room, base).then((i) => inbox && inbox.setIce(i), () => undefined);
  }, ICE_REFRESH_MS);
  inbox.bus.on('viewers', (n) => (viewersEl.textContent = String(n)));
  inbox.bus.on('call', showCall);
  await beat();
  inbox.start();
  // Viewers without a live path ask for still pictures (wants/{uid}): posted every 3 s while wanted.
  const box = inbox;
  stills = new StillPoster({ db: session.db, key, roomId: inv.room, uid: session.uid }, preview, () => box.serverOffset, accessEnded);
  stills.onWanted = (n) => {
    stillsEl.hidden = n === 0;
    stillsEl.textContent =
      'No live path to ' + (n === 1 ? 'one viewer' : n + ' viewers') + ': sending a still picture every 3 s instead (sealed, through the database).';
  };
  stills.start();
  heartbeat = window.setInterval(beat, HEARTBEAT_MS);
  wake.start();
  inviteBtn.disabled = false;

  window.addEventListener('pagehide', () => {
    if (session && inv && !ended) session.db.sendOnUnload('PUT', presencePath(), presence(false));
  });
  window.addEventListener('pageshow', (e) => {
    if ((e as PageTransitionEvent).persisted) beat();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') beat();
  });
}

inviteBtn.addEventListener('click', showInvite);
audioBox.addEventListener('change', () => {
  localStorage.setItem(AUDIO_KEY, audioBox.checked ? '1' : '0');
  restartMedia();
});
switchBtn.addEventListener('click', () => {
  facing = facing === 'environment' ? 'user' : 'environment';
  restartMedia();
});
if (navigator.mediaDevices && navigator.mediaDevices.enumerateDevices) {
  navigator.mediaDevices.enumerateDevices().then((d) => {
    switchBtn.hidden = d.filter((x) => x.kind === 'videoinput').length < 2;
  }, () => undefined);
}
renameBtn.addEventListener('click', async () => {
  const name = setDeviceName(nameInput.value);
  nameInput.value = name;
  if (!session || !inv) return;
  try {
    await session.db.patch(paths.member(inv.room, session.uid), { name });
    await beat();
  } catch (e) {
    fail('Could not rename: ' + dbFailure(e).message);
  }
});

main();
