// One camera's tile on the viewer page: name, presence, battery, the call's state and
// verification code, the live video — or, while no live path exists, the camera's still pictures —
// and its connection details and controls (viewer/controls.ts). It enlarges on a tap or
// Enter/Space (Escape returns to the grid, viewer.ts) and goes full screen.
// The tile listens to its Dialer's calls; it never touches a peer connection.
import { deviceName } from '../lib/device';
import { Dialer } from '../lib/dialer';
import { PeerContext } from '../lib/peer';
import { JsonObject, isObject } from '../lib/rtdb';
import { STILL_EVERY_MS, Still, StillWatcher } from '../lib/stills';
import { ViewerCall } from '../lib/viewer-call';
import { TileControls } from './controls';

/** A camera counts as online this long after its last heartbeat (docs/protocol.md "Presence"). */
const FRESH_MS = 75000;

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return s + ' s ago';
  if (s < 5400) return Math.round(s / 60) + ' min ago';
  if (s < 129600) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' days ago';
}

function span(parent: HTMLElement, cls: string): HTMLElement {
  const s = document.createElement('span');
  s.className = cls;
  parent.appendChild(s);
  return s;
}

export class CameraTile {
  readonly el = document.createElement('div');
  readonly video = document.createElement('video');
  readonly dialer: Dialer;
  /** The camera's presence value (cameras/{uid}). */
  data: JsonObject = {};
  /** When its last heartbeat arrived, on this device's clock. */
  lastHeard = 0;
  private readonly name: HTMLElement;
  private readonly presence: HTMLElement;
  private readonly battery: HTMLElement;
  private readonly call: HTMLElement;
  private readonly verify: HTMLElement;
  /** The call's state or why it ended (shown in `.call`, after the still picture's line). */
  private callLine = '';
  /** Asking the camera for still pictures: its last call found no path (docs/protocol.md "Still pictures"). */
  private stills: StillWatcher | null = null;
  private still: HTMLImageElement | null = null;
  private stillAt = 0;
  private stopped = false;
  readonly controls: TileControls;
  /** The recording state line and its buttons (Clips, Recording settings). */
  private readonly rec: HTMLElement;
  readonly clipsBtn: HTMLButtonElement;
  readonly settingsBtn: HTMLButtonElement;

  constructor(private readonly grid: HTMLElement, private readonly ctx: PeerContext, readonly uid: string) {
    const el = this.el;
    el.className = 'camera';
    el.setAttribute('data-uid', uid);
    const video = this.video;
    video.autoplay = true;
    video.muted = true;
    video.setAttribute('playsinline', '');
    const info = document.createElement('div');
    info.className = 'info';
    this.name = span(info, 'name');
    this.presence = span(info, 'presence');
    this.battery = span(info, 'battery');
    this.call = span(info, 'call');
    this.verify = span(info, 'verify');
    this.verify.setAttribute('data-verify', '');
    this.verify.title = 'Verification code: the camera shows the same one when nobody is in the middle';
    el.appendChild(video);
    el.appendChild(info);
    // Reachable and operable by keyboard: Tab to a tile, Enter or Space enlarges it.
    el.tabIndex = 0;
    el.setAttribute('role', 'group');
    el.setAttribute('aria-label', 'Camera');
    el.setAttribute('aria-expanded', 'false');
    this.controls = new TileControls(el, video, () => this.cameraName);
    this.controls.selfName = deviceName;
    this.controls.fullBtn.addEventListener('click', () => this.fullScreen());
    const recRow = document.createElement('div');
    recRow.className = 'rec-row';
    this.rec = span(recRow, 'rec');
    this.rec.setAttribute('role', 'status');
    this.clipsBtn = document.createElement('button');
    this.clipsBtn.type = 'button';
    this.clipsBtn.className = 'clips';
    this.clipsBtn.textContent = 'Clips';
    this.settingsBtn = document.createElement('button');
    this.settingsBtn.type = 'button';
    this.settingsBtn.className = 'rec-settings';
    this.settingsBtn.textContent = 'Recording settings';
    recRow.appendChild(this.clipsBtn);
    recRow.appendChild(this.settingsBtn);
    el.appendChild(recRow);
    el.addEventListener('click', (e) => {
      const t = e.target as HTMLElement;
      if (t.closest && t.closest('.controls, .details, .control-message, .rec-row')) return;
      this.toggleBig();
    });
    el.addEventListener('keydown', (e) => {
      if (e.target !== el) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.toggleBig();
      } else if (e.key === 'f' || e.key === 'F') this.fullScreen();
    });
    grid.appendChild(el);
    this.dialer = new Dialer(ctx, uid, () => ({ online: this.online, saidOffline: this.data.online === false }));
    this.dialer.bus.on('call', (call) => this.showCall(call));
  }

  get online(): boolean {
    return this.data.online === true && Date.now() - this.lastHeard < FRESH_MS;
  }

  /** Whether still pictures are shown (for the "last one N s ago" line). */
  get showsStill(): boolean {
    return this.still !== null;
  }

  get cameraName(): string {
    return typeof this.data.name === 'string' ? this.data.name : 'Camera';
  }

  get big(): boolean {
    return this.el.classList.contains('big');
  }

  /** Enlarges this tile (alone on the screen, with sound) or brings the grid back. */
  toggleBig(): void {
    const big = !this.big;
    const all = this.grid.querySelectorAll('.camera');
    for (let i = 0; i < all.length; i++) {
      all[i].classList.remove('big');
      all[i].setAttribute('aria-expanded', 'false');
    }
    this.el.classList.toggle('big', big);
    this.el.setAttribute('aria-expanded', big ? 'true' : 'false');
    this.grid.classList.toggle('has-big', big);
    // A tap is a user gesture: a good moment to turn the sound on for the enlarged camera.
    this.video.muted = !big;
    this.video.play().catch(() => undefined);
    this.el.focus();
  }

  /** Full screen for this camera (iPhones: the video's own full screen). */
  fullScreen(): void {
    const el = this.el as HTMLElement & { webkitRequestFullscreen?: () => void };
    const v = this.video as HTMLVideoElement & { webkitEnterFullscreen?: () => void };
    if (!this.big) this.toggleBig();
    if (el.requestFullscreen) el.requestFullscreen().catch(() => undefined);
    else if (el.webkitRequestFullscreen) el.webkitRequestFullscreen();
    else if (v.webkitEnterFullscreen) v.webkitEnterFullscreen();
  }

  /** Name, presence and battery from `data`. */
  render(): void {
    this.name.textContent = this.cameraName;
    this.el.setAttribute('aria-label', this.cameraName);
    const online = this.online;
    const lastSeen = typeof this.data.lastSeen === 'number' ? this.data.lastSeen : 0;
    this.presence.className = 'presence ' + (online ? 'online' : 'offline');
    this.presence.textContent = online
      ? 'online'
      : lastSeen
        ? 'offline, last seen ' + ago(Date.now() - Math.min(Date.now(), this.lastHeard || lastSeen))
        : 'offline';
    const b = this.data.battery;
    const known = isObject(b) && typeof b.level === 'number';
    const low = known && isObject(b) && (b.level as number) <= 0.2 && !b.charging;
    this.battery.textContent = known && isObject(b) ? 'battery ' + Math.round((b.level as number) * 100) + '%' + (b.charging ? ' ⚡' : low ? ', not charging: plug it in' : '') : '';
    this.battery.classList.toggle('low', !!low);
  }

  /** The camera's recording state in words (from its sealed presence, docs/protocol.md "Recording state"). */
  showRec(rec: { detection: boolean; recording: string | null; waiting: number; full: boolean; error: string } | null): void {
    let text = '';
    let state = 'unknown';
    if (rec) {
      if (rec.recording) {
        text = rec.recording === 'motion' ? 'recording motion' : rec.recording === 'timed' ? 'recording a timed clip' : 'recording (record now)';
        state = 'recording';
      } else if (!rec.detection) {
        text = 'detection off';
        state = 'off';
      } else {
        text = 'watching for motion';
        state = 'watching';
      }
      if (rec.full) text += ' · clip queue full: new clips are not recorded';
      else if (rec.waiting) text += ' · ' + rec.waiting + ' clip' + (rec.waiting === 1 ? '' : 's') + ' waiting to upload';
      if (rec.error) text += ' · ' + rec.error;
    }
    this.rec.textContent = text;
    this.rec.setAttribute('data-state', state);
    this.rec.setAttribute('data-waiting', rec ? String(rec.waiting) : '0');
  }

  /** `.call`: the still picture's line (while stills are shown) and the call's state or last failure. */
  showCallLine(line?: string): void {
    if (line !== undefined) this.callLine = line;
    const still = !this.stills
      ? ''
      : this.still
        ? 'No live path: a still picture every ' + STILL_EVERY_MS / 1000 + ' s, last one ' + ago(Date.now() - this.stillAt)
        : 'No live path: asking the camera for still pictures…';
    this.call.textContent = still && this.callLine ? still + ' · ' + this.callLine : still || this.callLine;
  }

  private showCall(call: ViewerCall): void {
    const dialer = this.dialer;
    this.showCallLine(callWords('calling', dialer.lost) + (dialer.lastFailure ? ' (last attempt: ' + dialer.lastFailure + ')' : ''));
    this.verify.textContent = '';
    this.controls.attach(call);
    call.bus.on('media', (m) => {
      if (this.video.srcObject !== m) this.video.srcObject = m;
      this.video.play().catch(() => undefined);
      this.controls.mediaChanged();
    });
    // Why a call may not connect (a STUN/TURN server refused or is silent), shown until it does.
    let trouble = '';
    const showState = (s: string): void => {
      const why = trouble || (dialer.lastFailure ? 'last attempt: ' + dialer.lastFailure : '');
      this.showCallLine(s === 'connected' ? 'live · code' : s === 'ended' ? '' : callWords(s, dialer.lost) + (why ? ' (' + why + ')' : ''));
    };
    call.bus.on('state', (s) => {
      if (s === 'connected') this.stopStills();
      showState(s);
    });
    call.bus.on('code', (code) => (this.verify.textContent = code));
    call.bus.on('trouble', (text) => {
      trouble = text;
      showState(call.state);
    });
    call.bus.on('ended', (reason) => {
      this.video.srcObject = null;
      this.verify.textContent = '';
      this.showCallLine(dialer.lost ? 'Connection lost (' + reason.replace(/\.$/, '') + '), calling again…' : reason);
      if (call.noPath) this.wantStills();
    });
  }

  /** The call found no path: show still pictures of the camera until a later call connects. */
  private wantStills(): void {
    if (this.stills || this.stopped) return;
    const watcher = new StillWatcher(this.ctx, this.uid, (s: Still) => {
      if (this.stills !== watcher) {
        URL.revokeObjectURL(s.url);
        return;
      }
      if (!this.still) {
        this.still = document.createElement('img');
        this.still.className = 'still';
        this.still.alt = 'Still picture of the camera';
        this.el.insertBefore(this.still, this.video);
        this.video.hidden = true;
      } else URL.revokeObjectURL(this.still.src);
      this.still.src = s.url;
      this.still.setAttribute('data-n', String(s.n));
      this.stillAt = s.shownAt;
      this.showCallLine();
    });
    this.stills = watcher;
    watcher.start();
    this.showCallLine();
  }

  /** A call connected, the tile goes away or the page goes: stop asking for stills, drop the picture. */
  stopStills(unloading = false): void {
    if (!this.stills) return;
    this.stills.stop(unloading);
    this.stills = null;
    if (this.still) {
      URL.revokeObjectURL(this.still.src);
      this.still.remove();
      this.still = null;
    }
    this.video.hidden = false;
    this.showCallLine();
  }

  /** The camera left the room or access ended: no more calls or stills. */
  remove(reason: string, keepElement = false): void {
    this.stopped = true;
    this.dialer.stop(reason);
    this.stopStills();
    if (!keepElement) this.el.remove();
  }

  /** The page goes away: hang-up and want deletion leave with it. */
  unload(): void {
    this.dialer.hangUpOnUnload();
    this.stopStills(true);
  }
}

/**
 * The words for a call's state: a connection that dropped says so ("Connection lost") while the
 * page reconnects or calls again by itself, so nobody thinks they must do something.
 */
function callWords(state: string, lost: boolean): string {
  if (state === 'reconnecting') return 'Connection lost, reconnecting…';
  if (lost) return 'Connection lost, calling again…';
  return state + '…';
}
