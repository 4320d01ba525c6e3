// The call's control channel (docs/protocol.md "Control channel"): one RTCDataChannel per call,
// opened by the viewer with its offer, sealed by the call's DTLS like the media. Text messages are
// small JSON objects `{v: 1, t, …}`; binary messages carry the bytes of a snapshot after its `snap`
// header. This file is the protocol (shapes, limits, parsing) and the channel wrapper; what the
// messages do lives in the camera and viewer page parts.
import { Bus } from './bus';

export const CONTROL_VERSION = 1;
export const CONTROL_LABEL = 'remotecam';
/** A text message longer than this is refused (the largest real one, `state`, is under 1 KB). */
export const MAX_TEXT = 8192;
/** Snapshot bytes go in binary messages of at most this size (every browser accepts 16 KiB). */
export const CHUNK = 16384;
/** A snapshot larger than this is refused by the viewer. */
export const MAX_SNAPSHOT = 20 * 1024 * 1024;
/** The sender waits while more than this is queued on the channel. */
const HIGH_WATER = 1024 * 1024;

export type Preset = 'auto' | 'high' | 'medium' | 'low';
export const PRESETS: Preset[] = ['auto', 'high', 'medium', 'low'];

/** What the camera can do (its current track's capabilities). */
export interface Caps {
  /** Video inputs of the camera device: "switch camera" needs 2 or more. */
  cameras: number;
  torch: boolean;
  /** The track's zoom range, or null when it cannot zoom. */
  zoom: { min: number; max: number; step: number } | null;
  /** Whether the camera sends sound (its "Sound" setting). */
  sound: boolean;
}

/** The camera's state as one viewer sees it (preset and paused are that viewer's). */
export interface CamState {
  /** The active camera's label (e.g. "camera2 0, facing back") or ''. */
  camera: string;
  facing: string;
  torch: boolean;
  zoom: number | null;
  /** The camera track's size and frame rate (what a snapshot has). */
  width: number;
  height: number;
  fps: number;
  preset: Preset;
  paused: boolean;
  /** The camera rests (no capture) until someone watches again. */
  resting: boolean;
}

export interface SetRequest {
  /** 'next': the other camera (front ↔ back, or the next one in the device's list). */
  camera?: 'next';
  torch?: boolean;
  zoom?: number;
  preset?: Preset;
  paused?: boolean;
}

export type ControlMessage =
  | { v: 1; t: 'hello'; name: string }
  | { v: 1; t: 'set'; id: number; set: SetRequest }
  | { v: 1; t: 'snap'; id: number }
  | { v: 1; t: 'talk'; on: boolean }
  | { v: 1; t: 'record'; id: number }
  | { v: 1; t: 'state'; name: string; caps: Caps; state: CamState }
  | { v: 1; t: 'done'; re: number }
  | { v: 1; t: 'error'; re: number; message: string }
  | { v: 1; t: 'snap-data'; re: number; mime: string; size: number; width: number; height: number };

type Body<M> = M extends unknown ? Omit<M, 'v'> : never;
export type ControlBody = Body<ControlMessage>;

function isNum(x: unknown): x is number {
  return typeof x === 'number' && isFinite(x);
}
function isStr(x: unknown, max = 200): x is string {
  return typeof x === 'string' && x.length <= max;
}
function obj(x: unknown): Record<string, unknown> | null {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : null;
}

function parseSet(x: unknown): SetRequest | null {
  const o = obj(x);
  if (!o) return null;
  const s: SetRequest = {};
  if (o.camera !== undefined) {
    if (o.camera !== 'next') return null;
    s.camera = 'next';
  }
  if (o.torch !== undefined) {
    if (typeof o.torch !== 'boolean') return null;
    s.torch = o.torch;
  }
  if (o.zoom !== undefined) {
    if (!isNum(o.zoom)) return null;
    s.zoom = o.zoom;
  }
  if (o.preset !== undefined) {
    if (PRESETS.indexOf(o.preset as Preset) < 0) return null;
    s.preset = o.preset as Preset;
  }
  if (o.paused !== undefined) {
    if (typeof o.paused !== 'boolean') return null;
    s.paused = o.paused;
  }
  return s;
}

function parseCaps(x: unknown): Caps | null {
  const o = obj(x);
  if (!o || !isNum(o.cameras) || typeof o.torch !== 'boolean' || typeof o.sound !== 'boolean') return null;
  const z = obj(o.zoom);
  const zoom = z && isNum(z.min) && isNum(z.max) && isNum(z.step) && z.max > z.min ? { min: z.min, max: z.max, step: z.step } : null;
  return { cameras: o.cameras, torch: o.torch, zoom, sound: o.sound };
}

function parseState(x: unknown): CamState | null {
  const o = obj(x);
  if (!o || !isStr(o.camera) || !isStr(o.facing, 20) || typeof o.torch !== 'boolean') return null;
  if (!isNum(o.width) || !isNum(o.height) || !isNum(o.fps) || PRESETS.indexOf(o.preset as Preset) < 0) return null;
  if (typeof o.paused !== 'boolean' || typeof o.resting !== 'boolean') return null;
  return {
    camera: o.camera,
    facing: o.facing,
    torch: o.torch,
    zoom: isNum(o.zoom) ? o.zoom : null,
    width: o.width,
    height: o.height,
    fps: o.fps,
    preset: o.preset as Preset,
    paused: o.paused,
    resting: o.resting,
  };
}

/** A received text message, checked against the protocol; null when it is not one (ignored). */
export function parseControl(text: string): ControlMessage | null {
  if (text.length > MAX_TEXT) return null;
  let m: Record<string, unknown> | null;
  try {
    m = obj(JSON.parse(text));
  } catch (e) {
    return null;
  }
  if (!m || m.v !== CONTROL_VERSION) return null;
  switch (m.t) {
    case 'hello':
      return isStr(m.name, 40) ? { v: 1, t: 'hello', name: m.name } : null;
    case 'set': {
      const set = parseSet(m.set);
      return isNum(m.id) && set ? { v: 1, t: 'set', id: m.id, set } : null;
    }
    case 'snap':
      return isNum(m.id) ? { v: 1, t: 'snap', id: m.id } : null;
    case 'talk':
      return typeof m.on === 'boolean' ? { v: 1, t: 'talk', on: m.on } : null;
    case 'record':
      return isNum(m.id) ? { v: 1, t: 'record', id: m.id } : null;
    case 'state': {
      const caps = parseCaps(m.caps);
      const state = parseState(m.state);
      return isStr(m.name, 40) && caps && state ? { v: 1, t: 'state', name: m.name, caps, state } : null;
    }
    case 'done':
      return isNum(m.re) ? { v: 1, t: 'done', re: m.re } : null;
    case 'error':
      return isNum(m.re) && isStr(m.message, 500) ? { v: 1, t: 'error', re: m.re, message: m.message } : null;
    case 'snap-data':
      return isNum(m.re) && isStr(m.mime, 40) && isNum(m.size) && m.size >= 0 && isNum(m.width) && isNum(m.height)
        ? { v: 1, t: 'snap-data', re: m.re, mime: m.mime, size: m.size, width: m.width, height: m.height }
        : null;
    default:
      return null;
  }
}

export interface ControlEvents {
  open: void;
  message: ControlMessage;
  /** A binary message (snapshot bytes). */
  bytes: ArrayBuffer;
  closed: void;
}

/** One call's control channel: typed messages over an RTCDataChannel, with back-pressure for bytes. */
export class ControlChannel {
  readonly bus = new Bus<ControlEvents>();

  constructor(private readonly dc: RTCDataChannel) {
    dc.binaryType = 'arraybuffer';
    dc.bufferedAmountLowThreshold = HIGH_WATER / 4;
    dc.onopen = () => this.bus.emit('open', undefined);
    dc.onclose = () => this.bus.emit('closed', undefined);
    dc.onmessage = (ev) => {
      if (typeof ev.data === 'string') {
        const m = parseControl(ev.data);
        if (m) this.bus.emit('message', m);
        else console.warn('Ignored a control message that is not protocol v' + CONTROL_VERSION);
      } else if (ev.data instanceof ArrayBuffer) {
        this.bus.emit('bytes', ev.data);
      }
    };
  }

  get open(): boolean {
    return this.dc.readyState === 'open';
  }

  send(m: ControlBody): boolean {
    if (!this.open) return false;
    try {
      this.dc.send(JSON.stringify(Object.assign({ v: CONTROL_VERSION }, m)));
      return true;
    } catch (e) {
      return false;
    }
  }

  /** Sends `bytes` in CHUNK-sized binary messages, waiting while the channel's queue is full. */
  async sendBytes(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length; at += CHUNK) {
      if (!this.open) throw new Error('the call ended');
      if (this.dc.bufferedAmount > HIGH_WATER) await this.drained();
      this.dc.send(bytes.slice(at, Math.min(bytes.length, at + CHUNK)));
    }
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.dc.removeEventListener('bufferedamountlow', done);
        this.dc.removeEventListener('close', done);
        resolve();
      };
      this.dc.addEventListener('bufferedamountlow', done);
      this.dc.addEventListener('close', done);
    });
  }

  close(): void {
    try {
      this.dc.close();
    } catch (e) {
      // Already closed.
    }
  }
}
