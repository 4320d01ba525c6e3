// The camera page's camera: opens it (the one used last, else the rear one), switches to the
// other one, turns the torch on and zoom where the track can, lowers the frame rate while nobody
// watches and rests (stops capturing) while nothing needs pictures. It says what it can do
// (Caps) and what it does (CamState) for the control channel; it never touches a peer connection.
import { Bus } from '../lib/bus';
import { Caps, CamState } from '../lib/control';
import { CameraChoice, Facing, nextCamera, openCamera, videoInputs } from './media';

export interface DeviceEvents {
  /** A new stream (opened, switched, woken). */
  media: MediaStream;
  /** Caps or state changed (torch, zoom, camera, resting). */
  changed: void;
}

const DEVICE_KEY = 'remotecam.camera.device';
/** The frame rate while nobody watches (motion detection analyses 5 frames a second). */
export const SLOW_FPS = 5;

interface TrackCaps {
  torch?: boolean;
  zoom?: { min: number; max: number; step: number };
}

function capsOf(track: MediaStreamTrack | undefined): TrackCaps {
  if (!track || typeof track.getCapabilities !== 'function') return {};
  try {
    return track.getCapabilities() as TrackCaps;
  } catch (e) {
    return {};
  }
}

export class CameraDevice {
  readonly bus = new Bus<DeviceEvents>();
  media: MediaStream | null = null;
  resting = false;
  cameras = 0;
  private choice: CameraChoice = { facing: 'environment' };
  private torchOn = false;
  private slow = false;
  private opening: Promise<MediaStream> | null = null;

  constructor(private audio: () => boolean, private readonly onNoAudio: () => void) {
    try {
      const saved = localStorage.getItem(DEVICE_KEY);
      if (saved) this.choice = { facing: 'environment', deviceId: saved };
    } catch (e) {
      // private mode
    }
    this.countCameras();
    if (navigator.mediaDevices && navigator.mediaDevices.addEventListener)
      navigator.mediaDevices.addEventListener('devicechange', () => this.countCameras());
  }

  private countCameras(): void {
    videoInputs().then(
      (list) => {
        if (list.length !== this.cameras) {
          this.cameras = list.length;
          this.bus.emit('changed', undefined);
        }
      },
      () => undefined,
    );
  }

  private get video(): MediaStreamTrack | undefined {
    return this.media ? this.media.getVideoTracks()[0] : undefined;
  }

  /** Opens the chosen camera (again: sound switched, woken from rest), replacing the stream. */
  open(choice: CameraChoice = this.choice): Promise<MediaStream> {
    if (this.opening) return this.opening;
    const old = this.media;
    const p = (async () => {
      if (old) for (const t of old.getTracks()) t.stop();
      const stream = await openCamera(choice, this.audio(), this.onNoAudio);
      const track = stream.getVideoTracks()[0];
      const id = track && track.getSettings ? track.getSettings().deviceId : undefined;
      this.choice = { facing: choice.facing, deviceId: id || choice.deviceId };
      try {
        if (id) localStorage.setItem(DEVICE_KEY, id);
      } catch (e) {
        // private mode
      }
      this.media = stream;
      this.resting = false;
      this.torchOn = false;
      if (this.slow) await this.applyFps(stream, true);
      this.countCameras();
      this.bus.emit('media', stream);
      this.bus.emit('changed', undefined);
      return stream;
    })();
    this.opening = p;
    const done = (): void => {
      this.opening = null;
    };
    p.then(done, done);
    return p;
  }

  /** The other camera (front ↔ back, or the next one); the same one stays when none opens. */
  async switchCamera(): Promise<void> {
    const from = this.video;
    const fromId = from && from.getSettings ? from.getSettings().deviceId : undefined;
    const before = this.choice;
    const choices = await nextCamera(from || null, this.choice.facing as Facing);
    if (!choices.length) throw new Error('this device has one camera');
    let last: unknown = null;
    for (const c of choices) {
      try {
        const stream = await this.open(c);
        const t = stream.getVideoTracks()[0];
        if (!fromId || !t || t.getSettings().deviceId !== fromId) return;
      } catch (e) {
        last = e;
      }
    }
    if (last) {
      // No other camera opened: keep filming with the one from before.
      await this.open(before).catch(() => undefined);
      throw last;
    }
  }

  async setTorch(on: boolean): Promise<void> {
    const t = this.video;
    if (!t || !capsOf(t).torch) throw new Error('this camera has no torch');
    await t.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
    this.torchOn = on;
    this.bus.emit('changed', undefined);
  }

  async setZoom(value: number): Promise<void> {
    const t = this.video;
    const z = capsOf(t).zoom;
    if (!t || !z) throw new Error('this camera cannot zoom');
    const v = Math.min(z.max, Math.max(z.min, value));
    await t.applyConstraints({ advanced: [{ zoom: v } as MediaTrackConstraintSet] });
    this.bus.emit('changed', undefined);
  }

  /** Fewer frames while nobody watches (or all of them again); the picture keeps its size. */
  async setSlow(slow: boolean): Promise<void> {
    if (this.slow === slow) return;
    this.slow = slow;
    if (this.media) await this.applyFps(this.media, slow);
    this.bus.emit('changed', undefined);
  }

  private async applyFps(stream: MediaStream, slow: boolean): Promise<void> {
    const t = stream.getVideoTracks()[0];
    if (!t || typeof t.applyConstraints !== 'function') return;
    // applyConstraints replaces every constraint: keep the others.
    const c = Object.assign({}, t.getConstraints ? t.getConstraints() : {});
    c.frameRate = slow ? { ideal: SLOW_FPS, max: SLOW_FPS } : { ideal: 24, max: 30 };
    try {
      await t.applyConstraints(c);
    } catch (e) {
      console.warn('Could not change the frame rate', e);
    }
  }

  /** Stops capturing (the camera's light goes off); `open()` wakes it. */
  rest(): void {
    if (!this.media || this.resting) return;
    for (const t of this.media.getTracks()) t.stop();
    this.resting = true;
    this.bus.emit('changed', undefined);
  }

  caps(): Caps {
    const c = capsOf(this.video);
    return {
      cameras: this.cameras,
      torch: !!c.torch,
      zoom: c.zoom && typeof c.zoom.max === 'number' && c.zoom.max > c.zoom.min ? { min: c.zoom.min, max: c.zoom.max, step: c.zoom.step || 0.1 } : null,
      sound: !!this.media && this.media.getAudioTracks().length > 0,
    };
  }

  /** The camera's state; `preset` and `paused` are the asking viewer's. */
  state(preset: CamState['preset'], paused: boolean): CamState {
    const t = this.video;
    const s = (t && t.getSettings ? t.getSettings() : {}) as MediaTrackSettings & { zoom?: number };
    return {
      camera: t ? t.label.slice(0, 100) : '',
      facing: typeof s.facingMode === 'string' ? s.facingMode : '',
      torch: this.torchOn,
      zoom: typeof s.zoom === 'number' ? s.zoom : null,
      width: s.width || 0,
      height: s.height || 0,
      fps: Math.round(s.frameRate || 0),
      preset,
      paused,
      resting: this.resting,
    };
  }
}
