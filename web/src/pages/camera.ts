// camera.html: this device is a camera. Shows the preview, publishes presence (with battery),
// keeps the screen awake, answers every viewer's call and shows an invitation for viewers.
import { Battery, watchBattery } from '../lib/battery';
import { deviceName, setDeviceName } from '../lib/device';
import { CameraInbox } from '../lib/inbox';
import * as paths from '../lib/paths';
import { dbFailure } from '../lib/session';
import { RoomAccess, openRoom, pageRoom } from '../lib/startup';
import { StillPoster } from '../lib/stills';
import { fail, showError } from '../lib/status';
import { WakeKeeper, WakeState } from '../lib/wake';
import { showCall } from '../camera/calls';
import { offerInvite } from '../camera/invite';
import { Facing, cameraCount, mediaError, openCamera } from '../camera/media';
import { Presence } from '../camera/presence';
import { CameraRecording } from '../camera/recording';

const preview = document.getElementById('preview') as HTMLVideoElement;
const viewersEl = document.getElementById('viewers')!;
const problem = document.getElementById('problem')!;
const batteryEl = document.getElementById('battery')!;
const wakeEl = document.getElementById('wake')!;
const stillsEl = document.getElementById('stills')!;
const audioBox = document.getElementById('audio') as HTMLInputElement;
const switchBtn = document.getElementById('switch') as HTMLButtonElement;
const nameInput = document.getElementById('name') as HTMLInputElement;
const renameBtn = document.getElementById('rename') as HTMLButtonElement;
const roomNameEl = document.getElementById('room-name')!;

const AUDIO_KEY = 'remotecam.camera.audio';

let access: RoomAccess | null = null;
let presence: Presence | null = null;
let inbox: CameraInbox | null = null;
let media: MediaStream | null = null;
let facing: Facing = 'environment';
const recording = new CameraRecording(preview);

function open(): Promise<MediaStream> {
  return openCamera(facing, audioBox.checked, () => (audioBox.checked = false));
}

function useMedia(stream: MediaStream): void {
  if (media && media !== stream) for (const t of media.getTracks()) t.stop();
  media = stream;
  preview.srcObject = stream;
  preview.play().catch(() => undefined);
  if (inbox) inbox.setMedia(stream);
  recording.setMedia(stream);
}

async function restartMedia(): Promise<void> {
  try {
    if (media) for (const t of media.getTracks()) t.stop();
    useMedia(await open());
    problem.hidden = true;
    showError(null);
  } catch (e) {
    fail(mediaError(e));
  }
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

/** Answers viewers and posts stills until access ends. */
async function serve(a: RoomAccess, stream: MediaStream, wake: WakeKeeper): Promise<void> {
  const ctx = { db: a.db, key: a.key, roomId: a.room, uid: a.uid, ice: await a.ice() };
  const box = (inbox = new CameraInbox(ctx, stream, () => a.end()));
  // Viewers without a live path ask for still pictures (wants/{uid}): posted every 3 s while wanted.
  const stills = new StillPoster(ctx, preview, () => box.serverOffset, () => a.end());
  a.bus.on('ended', () => {
    box.stop();
    stills.stop();
    recording.stop();
    offerInvite(null);
  });
  a.refreshIce((i) => box.setIce(i));
  box.bus.on('viewers', (n) => (viewersEl.textContent = String(n)));
  box.bus.on('call', showCall);
  const beats = (presence = new Presence(a));
  beats.onOffset = (offset) => (box.serverOffset = offset);
  await beats.beat();
  if (a.ended) return;
  box.start();
  stills.onWanted = (n) => {
    stillsEl.hidden = n === 0;
    stillsEl.textContent =
      'No live path to ' + (n === 1 ? 'one viewer' : n + ' viewers') + ': sending a still picture every 3 s instead (sealed, through the database).';
  };
  stills.start();
  beats.start();
  wake.start();
  offerInvite(a.inv);
}

async function main(): Promise<void> {
  nameInput.value = deviceName();
  audioBox.checked = localStorage.getItem(AUDIO_KEY) === '1';
  const wake = new WakeKeeper((s) => (wakeEl.textContent = WAKE_TEXT[s]));
  watchBattery(showBattery);

  const inv = pageRoom('camera');
  if (!inv) {
    showError('This browser has no camera invitation.');
    problem.textContent =
      'This browser has no camera invitation. On the owner\'s computer run “remotecam rooms invite ROOM --role camera” and open the link or scan the QR code on this phone.';
    problem.hidden = false;
    return;
  }
  if (inv.name) roomNameEl.textContent = 'Room: ' + inv.name;

  // The camera starts while the page signs in.
  const cameraReady = open().then(useMedia, (e) => {
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
switchBtn.addEventListener('click', () => {
  facing = facing === 'environment' ? 'user' : 'environment';
  restartMedia();
});
cameraCount().then((n) => (switchBtn.hidden = n < 2), () => undefined);
renameBtn.addEventListener('click', async () => {
  const name = setDeviceName(nameInput.value);
  nameInput.value = name;
  if (!access) return;
  try {
    await access.db.patch(paths.member(access.room, access.uid), { name });
    if (presence) await presence.beat();
  } catch (e) {
    fail('Could not rename: ' + dbFailure(e).message);
  }
});

main();
