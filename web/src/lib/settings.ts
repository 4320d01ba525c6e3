// A camera's recording settings: what the owner sets from the viewer and the camera applies
// (sealed in the room at settings/{cameraUid} once clips are stored there, docs/clips.md). Pure:
// the shape, the defaults and a tolerant parser shared by the camera and the viewer.
import { Sensitivity } from '../motion/params';
import { Zone, parseZones } from '../motion/zones';

export type QualityName = 'low' | 'medium' | 'high';

export interface CameraSettings {
  /** Motion detection records motion clips. */
  detection: boolean;
  sensitivity: Sensitivity;
  /** Areas to watch or ignore (none: the whole picture). */
  zones: Zone[];
  /** Timed clips: every `everyMin` minutes (on the clock: :00, :10, …), `seconds` long; null = off. */
  timed: { everyMin: number; seconds: number } | null;
  quality: QualityName;
  /** Clips older than this are deleted (by the camera, once clips are stored in the room). */
  retentionDays: number;
}

export interface Quality {
  /** The picture fits in this box (the camera's aspect is kept). */
  maxWidth: number;
  maxHeight: number;
  fps: number;
  videoKbps: number;
  audioKbps: number;
}

/** Recording quality; medium: about 640×360 at 500 kbit/s, some 230 MB per hour of clips (docs/pages.md). */
export const QUALITY: { [K in QualityName]: Quality } = {
  low: { maxWidth: 426, maxHeight: 240, fps: 10, videoKbps: 250, audioKbps: 24 },
  medium: { maxWidth: 640, maxHeight: 360, fps: 15, videoKbps: 500, audioKbps: 32 },
  high: { maxWidth: 1280, maxHeight: 720, fps: 24, videoKbps: 1500, audioKbps: 64 },
};

/** A newly paired camera: records motion at medium sensitivity, keeps clips 7 days, no timed clips. */
export const DEFAULT_SETTINGS: CameraSettings = {
  detection: true,
  sensitivity: 'medium',
  zones: [],
  timed: null,
  quality: 'medium',
  retentionDays: 7,
};

/** Timed clips are 1–60 s long, every 1–1440 minutes; retention 1–365 days. */
export const TIMED_SECONDS = { min: 1, max: 60, fallback: 5 };
export const TIMED_EVERY_MIN = { min: 1, max: 1440 };
export const RETENTION_DAYS = { min: 1, max: 365 };

function within(v: unknown, lo: number, hi: number): number | null {
  return typeof v === 'number' && isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : null;
}

/** Settings from untrusted JSON: each field that is missing or malformed takes `base`'s value. */
export function parseSettings(v: unknown, base: CameraSettings = DEFAULT_SETTINGS): CameraSettings {
  const o = (v && typeof v === 'object' ? v : {}) as { [k: string]: unknown };
  const t = o.timed && typeof o.timed === 'object' ? (o.timed as { [k: string]: unknown }) : null;
  const every = t ? within(t.everyMin, TIMED_EVERY_MIN.min, TIMED_EVERY_MIN.max) : null;
  return {
    detection: typeof o.detection === 'boolean' ? o.detection : base.detection,
    sensitivity: o.sensitivity === 'low' || o.sensitivity === 'medium' || o.sensitivity === 'high' ? o.sensitivity : base.sensitivity,
    zones: Array.isArray(o.zones) ? parseZones(o.zones) : base.zones,
    timed: o.timed === null ? null : every ? { everyMin: every, seconds: within(t!.seconds, TIMED_SECONDS.min, TIMED_SECONDS.max) || TIMED_SECONDS.fallback } : base.timed,
    quality: o.quality === 'low' || o.quality === 'medium' || o.quality === 'high' ? o.quality : base.quality,
    retentionDays: within(o.retentionDays, RETENTION_DAYS.min, RETENTION_DAYS.max) || base.retentionDays,
  };
}
