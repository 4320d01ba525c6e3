// The camera's side of the control channel (docs/protocol.md "Control channel"): tells each viewer
// what the camera can do and does, and carries out its requests — switching the camera, the torch
// and zoom (for everyone), its own quality preset and pause, snapshots, and talking.
import { CameraCall } from '../lib/camera-call';
import { ControlChannel, ControlMessage, SetRequest } from '../lib/control';
import { deviceName } from '../lib/device';
import { CameraDevice } from './device';
import { takeSnapshot } from './snapshot';

export interface ControlHooks {
  /** A viewer started or stopped talking. */
  talk(call: CameraCall, on: boolean): void;
  /** A viewer asked for a clip now ("Record now"). */
  recordNow(): Promise<void>;
}

export class CameraControls {
  private readonly calls: CameraCall[] = [];
  /** Snapshots go one after another: their bytes must not interleave on a channel. */
  private snaps: Promise<void> = Promise.resolve();

  constructor(private readonly device: CameraDevice, private readonly preview: HTMLVideoElement, private readonly hooks: ControlHooks) {
    device.bus.on('changed', () => this.broadcast());
  }

  /** A new call: its control channel is served once it opens. */
  add(call: CameraCall): void {
    call.bus.on('control', (c) => {
      this.calls.push(call);
      this.sendState(call, c);
      c.bus.on('message', (m) => this.receive(call, c, m));
      c.bus.on('closed', () => this.hooks.talk(call, false));
    });
    call.bus.on('ended', () => {
      const i = this.calls.indexOf(call);
      if (i >= 0) this.calls.splice(i, 1);
      this.hooks.talk(call, false);
    });
  }

  /** Every viewer learns the new state (a switch or the torch changes it for all). */
  broadcast(): void {
    for (const call of this.calls) if (call.control) this.sendState(call, call.control);
  }

  private sendState(call: CameraCall, c: ControlChannel): void {
    c.send({ t: 'state', name: deviceName(), caps: this.device.caps(), state: this.device.state(call.preset, call.paused) });
  }

  private async receive(call: CameraCall, c: ControlChannel, m: ControlMessage): Promise<void> {
    if (m.t === 'set') {
      try {
        await this.apply(call, m.set);
        c.send({ t: 'done', re: m.id });
      } catch (e) {
        c.send({ t: 'error', re: m.id, message: e instanceof Error ? e.message : String(e) });
      }
      this.sendState(call, c);
    } else if (m.t === 'snap') {
      this.snaps = this.snaps.then(() => this.snap(c, m.id));
    } else if (m.t === 'talk') {
      this.hooks.talk(call, m.on);
    } else if (m.t === 'record') {
      try {
        await this.hooks.recordNow();
        c.send({ t: 'done', re: m.id });
      } catch (e) {
        c.send({ t: 'error', re: m.id, message: 'Not recording: ' + (e instanceof Error ? e.message : String(e)) });
      }
    }
  }

  private async apply(call: CameraCall, set: SetRequest): Promise<void> {
    if (set.camera === 'next') await this.device.switchCamera();
    if (set.torch !== undefined) await this.device.setTorch(set.torch);
    if (set.zoom !== undefined) await this.device.setZoom(set.zoom);
    if (set.preset !== undefined || set.paused !== undefined) {
      await call.setQuality(set.preset !== undefined ? set.preset : call.preset, set.paused !== undefined ? set.paused : call.paused);
    }
  }

  private async snap(c: ControlChannel, id: number): Promise<void> {
    try {
      const media = this.device.media;
      const track = media ? media.getVideoTracks()[0] : undefined;
      if (!track) throw new Error('the camera is not capturing');
      const shot = await takeSnapshot(track, this.preview);
      c.send({ t: 'snap-data', re: id, mime: shot.mime, size: shot.bytes.length, width: shot.width, height: shot.height });
      await c.sendBytes(shot.bytes);
    } catch (e) {
      c.send({ t: 'error', re: id, message: 'No snapshot: ' + (e instanceof Error ? e.message : String(e)) });
    }
  }
}
