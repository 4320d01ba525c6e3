// Low power on the camera page (docs/pages.md "Low power"): the page dims itself after a while
// without a touch; the camera sends fewer frames while nobody watches; and it stops capturing
// ("rests") while nothing needs pictures — no viewer, no still pictures wanted, no motion
// detection or recording — waking again when a viewer calls. Parts that need pictures say so
// with `need()`; this file never guesses.
import { CameraDevice, SLOW_FPS } from './device';

/** How much of the picture a part needs: none, a few frames a second, or every frame. */
export type FrameNeed = 'none' | 'some' | 'full';

export interface PowerTimes {
  /** Dim the page after this long without a touch. */
  dimAfterS: number;
  /** Fewer frames after nobody watched for this long. */
  slowAfterS: number;
  /** Stop capturing after nothing needed pictures for this long. */
  restAfterS: number;
}

export const DEFAULT_TIMES: PowerTimes = { dimAfterS: 120, slowAfterS: 30, restAfterS: 300 };
/** Advanced setting (and the tests): other times, as JSON in localStorage. */
const TIMES_KEY = 'remotecam.camera.power';

function loadTimes(): PowerTimes {
  try {
    const v = JSON.parse(localStorage.getItem(TIMES_KEY) || '{}');
    const t = Object.assign({}, DEFAULT_TIMES);
    for (const k of Object.keys(DEFAULT_TIMES) as (keyof PowerTimes)[]) if (typeof v[k] === 'number' && v[k] > 0) t[k] = v[k];
    return t;
  } catch (e) {
    return DEFAULT_TIMES;
  }
}

const WAKE_RETRY_MS = 10000;

const dimEl = document.getElementById('dim')!;
const powerEl = document.getElementById('power')!;

export class PowerSaver {
  private readonly times = loadTimes();
  private readonly needs: { [name: string]: () => FrameNeed } = {};
  private lastTouch = Date.now();
  private lastWatched = Date.now();
  private lastNeeded = Date.now();
  private watching = 0;
  /** Resting restarts the camera without asking: only when the browser keeps the permission. */
  private mayRest = false;
  private timer: number | undefined;
  /** When waking last failed (the camera taken by another app): tried again after a while. */
  private wakeFailed = 0;

  constructor(private readonly device: CameraDevice) {
    const touched = (): void => {
      this.lastTouch = Date.now();
      if (!dimEl.hidden) {
        dimEl.hidden = true;
        this.show();
      }
    };
    for (const ev of ['pointerdown', 'keydown', 'touchstart']) document.addEventListener(ev, touched, true);
    const perms = (navigator as { permissions?: Permissions }).permissions;
    if (perms && perms.query) {
      perms.query({ name: 'camera' as PermissionName }).then(
        (p) => {
          this.mayRest = p.state === 'granted';
          p.onchange = () => (this.mayRest = p.state === 'granted');
        },
        () => undefined,
      );
    }
    device.bus.on('changed', () => this.show());
  }

  /** A part of the page that needs pictures (`name` for the page's explanation). */
  need(name: string, level: () => FrameNeed): void {
    this.needs[name] = level;
  }

  /** Viewers connected or calling now. */
  setWatching(n: number): void {
    this.watching = n;
    if (n > 0) this.wake();
  }

  /** Something needs pictures now (a call arrived): full frame rate, camera on. */
  wake(): void {
    this.lastWatched = this.lastNeeded = Date.now();
    this.tick();
  }

  start(): void {
    if (this.timer === undefined) this.timer = window.setInterval(() => this.tick(), 1000);
    this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Dims the page now (the "Dim the screen" button). */
  dimNow(): void {
    this.lastTouch = 0;
    this.tick();
  }

  private level(): FrameNeed {
    if (this.watching > 0) return 'full';
    let level: FrameNeed = 'none';
    for (const name of Object.keys(this.needs)) {
      const l = this.needs[name]();
      if (l === 'full') return 'full';
      if (l === 'some') level = 'some';
    }
    return level;
  }

  private tick(): void {
    const now = Date.now();
    const level = this.level();
    if (level === 'full') this.lastWatched = now;
    if (level !== 'none') this.lastNeeded = now;
    const d = this.device;
    if (d.resting && level !== 'none' && now - this.wakeFailed > WAKE_RETRY_MS) {
      d.open().catch((e) => {
        this.wakeFailed = Date.now();
        console.warn('The camera did not wake', e);
      });
    } else if (!d.resting && level === 'none' && this.mayRest && now - this.lastNeeded > this.times.restAfterS * 1000) {
      d.rest();
    }
    d.setSlow(level !== 'full' && now - this.lastWatched > this.times.slowAfterS * 1000);
    if (dimEl.hidden && now - this.lastTouch > this.times.dimAfterS * 1000) dimEl.hidden = false;
    this.show();
  }

  private show(): void {
    const d = this.device;
    const text = d.resting
      ? 'Camera resting: nothing needs pictures now. It starts again by itself when a viewer calls.'
      : d.media && this.level() !== 'full' && Date.now() - this.lastWatched > this.times.slowAfterS * 1000
        ? 'Saving power: nobody is watching, so the camera takes ' + SLOW_FPS + ' pictures a second.'
        : '';
    powerEl.hidden = !text;
    powerEl.textContent = text;
    powerEl.setAttribute('data-state', d.resting ? 'resting' : text ? 'slow' : 'full');
  }
}
