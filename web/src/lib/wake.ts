// Keeps the camera phone's screen on: the Screen Wake Lock API where it exists (re-acquired
// whenever the page becomes visible again, since browsers release it when hidden), else a tiny
// muted video playing in a loop, which keeps most older mobile browsers awake.
export type WakeState = 'locked' | 'fallback' | 'released' | 'unavailable';

interface WakeLockSentinelLike extends EventTarget {
  released: boolean;
  release(): Promise<void>;
}
interface WakeLockLike {
  request(type: 'screen'): Promise<WakeLockSentinelLike>;
}

export class WakeKeeper {
  private sentinel: WakeLockSentinelLike | null = null;
  private video: HTMLVideoElement | null = null;
  private active = false;

  constructor(private readonly changed: (s: WakeState) => void) {
    document.addEventListener('visibilitychange', () => {
      if (this.active && document.visibilityState === 'visible') this.acquire();
    });
    // A tap may be needed before a fallback video may play.
    document.addEventListener('click', () => {
      if (this.active && this.video && this.video.paused) this.video.play().catch(() => undefined);
    });
  }

  start(): void {
    this.active = true;
    this.acquire();
  }

  private async acquire(): Promise<void> {
    const wl = (navigator as unknown as { wakeLock?: WakeLockLike }).wakeLock;
    if (wl) {
      if (this.sentinel && !this.sentinel.released) return;
      try {
        this.sentinel = await wl.request('screen');
        this.sentinel.addEventListener('release', () => {
          if (document.visibilityState !== 'visible') this.changed('released');
        });
        this.changed('locked');
        return;
      } catch (e) {
        // Denied (battery saver, not visible): fall back below.
      }
    }
    this.fallback();
  }

  private fallback(): void {
    if (!this.video) {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 2;
      const g = canvas.getContext('2d');
      const capture = (canvas as unknown as { captureStream?: (fps: number) => MediaStream }).captureStream;
      if (!g || !capture) {
        this.changed('unavailable');
        return;
      }
      let flip = false;
      window.setInterval(() => {
        flip = !flip;
        g.fillStyle = flip ? '#000' : '#010101';
        g.fillRect(0, 0, 2, 2);
      }, 1000);
      const v = document.createElement('video');
      v.muted = true;
      v.loop = true;
      v.setAttribute('playsinline', '');
      v.setAttribute('aria-hidden', 'true');
      v.style.cssText = 'position:fixed;width:1px;height:1px;opacity:0.01;pointer-events:none;bottom:0;left:0';
      v.srcObject = capture.call(canvas, 1);
      document.body.appendChild(v);
      this.video = v;
    }
    this.video
      .play()
      .then(() => this.changed('fallback'))
      .catch(() => this.changed('unavailable'));
  }
}
