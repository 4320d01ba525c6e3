// camera.html: this device is a camera. Shows the preview, publishes presence (with battery),
// keeps the screen awake, answers every viewer's call, carries out the viewers' controls
// (camera/controls.ts), plays their talking, saves power while nobody watches and shows an
// invitation for viewers.
import { Battery, watchBattery } from '../lib/battery';
import { deviceName, setDeviceName } from '../lib/device';
import { CameraInbox } from '../lib/inbox';
import { askForName, nameChosen } from '../lib/naming';
import * as paths from '../lib/paths';
import { dbFailure } from '../lib/session';
import { RoomAccess, openRoom, pageRoom } from '../lib/startup';
import { StillPoster } from '../lib/stills';
import { fail, setIdle, showError } from '../lib/status';
import { registerServiceWorker } from '../lib/sw-register';
import { WakeKeeper, WakeState } from '../lib/wake';
import { showCall } from '../camera/calls';
import { CameraControls } from '../camera/controls';
import { CameraDevice } from '../camera/device';
import { offerInvite } from '../camera/invite';
import { mediaError } from '../camera/media';
import { PowerSaver } from '../camera/power';
import { Presence } from '../camera/presence';
import { CameraRecording } from '../camera/recording';
import { CameraTalk } from '../camera/talk';

const preview = document.getElementById('preview') as HTMLVideoElement;
const viewersEl = document.getElementById('viewers')!;
const problem = document.getElementById('problem')!;
const batteryEl = document.getElementById('battery')!;
const batteryLow = document.getElementById('battery-low')!;
const wakeEl = document.getElementById('wake')!;
const stillsEl = document.getElementById('stills')!;
const audioBox = document.getElementById('audio') as HTMLInputElement;
const switchBtn = document.getElementById('switch') as HTMLButtonElement;
const dimBtn = document.getElementById('dim-now') as HTMLButtonElement;
const nameInput = document.getElementById('name') as HTMLInputElement;
const renameBtn = document.getElementById('rename') as HTMLButtonElement;
const roomNameEl = document.getElementById('room-name')!;

const AUDIO_KEY = 'remotecam.camera.audio';
/** Below this level, without a charger, the page warns (docs/pages.md "Battery"). */
const LOW_BATTERY = 0.2;

let access: RoomAccess | null = null;
let presence: Presence | null = null;
let inbox: CameraInbox | null = null;
let media: MediaStream | null = null;
const camera = new CameraDevice(
  () => audioBox.checked,
  () => (audioBox.checked = false),
);
const power = new PowerSaver(camera);
const talk = new CameraTalk(
  () => inbox,
  () => (media && media.getAudioTracks()[0]) || null,
);
const recording = new CameraRecording(preview);
const controls = new CameraControls(camera, preview, { talk: (call, on) => talk.set(call, on), recordNow: () => recording.recordNow() });
// Detection analyses a few frames a second; a clip being recorded wants every frame.
power.need('motion detection and recording', () => recording.frameNeed);

function useMedia(stream: MediaStream): void {
  media = stream;
  preview.srcObject = stream;
  preview.play().catch(() => undefined);
  if (inbox) inbox.setMedia(stream);
  recording.setMedia(stream);
  switchBtn.hidden = camera.cameras < 2;
}
camera.bus.on('media', useMedia);
camera.bus.on('changed', () => (switchBtn.hidden = camera.cameras < 2));

/** Opens the camera again (sound switched, other camera); errors in words. */
async function restartMedia(step: () => Promise<unknown> = () => camera.open()): Promise<void> {
  try {
    await step();
    problem.hidden = true;
    showError(null);
  } catch (e) {
    fail(mediaError(e));
  }
}

function showBattery(b: Battery): void {
  const pct = Math.round(b.level * 100);
  batteryEl.hidden = false;
  batteryEl.textContent = 'Battery ' + pct + '%' + (b.charging ? ', charging' : '');
  const low = b.level <= LOW_BATTERY && !b.charging;
  batteryLow.hidden = !low;
  batteryLow.textContent = low ? 'Battery low (' + pct + '%) and not charging: plug the phone in, or this camera stops when the battery runs out.' : '';
}

const WAKE_TEXT: { [K in WakeState]: string } = {
  locked: 'Screen kept on.',
  fallback: 'Screen kept on (video fallback).',
  released: 'Screen may turn off while the page is hidden.',
  unavailable: 'This browser cannot keep the screen on: turn off auto-lock in the settings.',
};

/** Answers viewers and posts stills until access ends. */
async function serve(a: RoomAccess, stream: MediaStream, wake: WakeKeeper): Promise<void> {
  const ctx = { db: a.db, key: a.key, roomId: a.room, uid: a.uid, ice: await a.ice() };
  const box = (inbox = new CameraInbox(ctx, stream, () => a.end()));
  // Viewers without a live path ask for still pictures (wants/{uid}): posted every 3 s while wanted.
  const stills = new StillPoster(ctx, preview, () => box.serverOffset, () => a.end());
  let wanted = 0;
  power.need('still pictures', () => (wanted > 0 ? 'some' : 'none'));
  a.bus.on('ended', () => {
    box.stop();
    stills.stop();
    power.stop();
    recording.stop();
    offerInvite(null);
  });
  a.refreshIce((i) => box.setIce(i));
  box.bus.on('viewers', (n) => {
    viewersEl.textContent = String(n);
    power.setWatching(box.list().length);
  });
  box.bus.on('call', (call) => {
    power.setWatching(box.list().length);
    showCall(call, a.room);
    controls.add(call);
    talk.add(call);
    call.bus.on('ended', () => power.setWatching(box.list().length));
  });
  const beats = (presence = new Presence(a));
  beats.rec = () => recording.sealedRec;
  recording.attach(a);
  beats.onOffset = (offset) => (box.serverOffset = offset);
  await beats.beat();
  if (a.ended) return;
  box.start();
  stills.onWanted = (n) => {
    wanted = n;
    if (n) power.wake();
    stillsEl.hidden = n === 0;
    stillsEl.textContent =
      'No live path to ' + (n === 1 ? 'one viewer' : n + ' viewers') + ': sending a still picture every 3 s instead (sealed, through the database).';
  };
  stills.start();
  beats.start();
  wake.start();
  power.start();
  offerInvite({ inv: a.inv, db: a.db, uid: a.uid });
}

/** A new name: the membership, the presence and every viewer's control channel learn it. */
async function rename(name: string): Promise<void> {
  nameInput.value = name;
  nameChosen();
  controls.broadcast();
  if (!access) return;
  try {
    await access.db.patch(paths.member(access.room, access.uid), { name });
    if (presence) await presence.beat();
  } catch (e) {
    fail('Could not rename: ' + dbFailure(e).message);
  }
}

/** A new build of the pages took over: an unattended camera reloads once no viewer is connected. */
function reloadWhenIdle(): void {
  const timer = window.setInterval(() => {
    if (inbox && inbox.list().length > 0) return;
    clearInterval(timer);
    location.reload();
  }, 10000);
}

async function main(): Promise<void> {
  registerServiceWorker(reloadWhenIdle);
  nameInput.value = deviceName();
  audioBox.checked = localStorage.getItem(AUDIO_KEY) === '1';
  const wake = new WakeKeeper((s) => (wakeEl.textContent = WAKE_TEXT[s]));
  watchBattery(showBattery);

  const inv = pageRoom('camera');
  if (!inv) {
    setIdle('Not a camera yet.');
    problem.textContent =
      'This browser has no camera invitation yet. On the owner\'s computer run “remotecam rooms invite ROOM --role camera” and open the link or scan the QR code on this phone.';
    problem.className = 'notice';
    problem.hidden = false;
    return;
  }
  askForName((name) => rename(name));
  if (inv.name) roomNameEl.textContent = 'Room: ' + inv.name;

  // The camera starts while the page signs in.
  const cameraReady = camera.open().catch((e) => {
    fail(mediaError(e));
    throw e;
  });
  access = await openRoom('camera', inv, 'Online: viewers can watch.');
  if (!access) {
    recording.stop();
    return;
  }
  try {
    await cameraReady;
  } catch (e) {
    return; // already explained
  }
  await serve(access, media!, wake);
}

audioBox.addEventListener('change', () => {
  localStorage.setItem(AUDIO_KEY, audioBox.checked ? '1' : '0');
  restartMedia();
});
switchBtn.addEventListener('click', () => restartMedia(() => camera.switchCamera()));
dimBtn.addEventListener('click', () => power.dimNow());
renameBtn.addEventListener('click', () => rename(setDeviceName(nameInput.value)));

main();
