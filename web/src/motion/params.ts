// The detector's parameters and what each sensitivity setting means (docs/pages.md "Motion
// detection" has the table and the reasoning). Informed by Frigate's defaults (threshold 30,
// contour area 10/30/50 px for high/medium/low at 100 px high, lightning threshold 0.8, 5 fps) and
// motion-project's (noise level 32, light switch, minimum motion frames), but stricter about area:
// here motion records a clip by itself, with no object detector behind it to drop false alarms.

export type Sensitivity = 'low' | 'medium' | 'high';

export interface MotionParams {
  /** Per-pixel change (0–255, after the blur and the exposure compensation) that counts as changed. */
  threshold: number;
  /** Changed area (after despeckling) that makes a frame a motion frame, as a fraction of the whole frame. */
  minArea: number;
  /** Consecutive motion frames that start an event. */
  startFrames: number;
  /** An event ends this long (ms) after its last motion frame. */
  endMs: number;
  /**
   * A frame where more than this fraction of the watched area changed at once (lights on or off,
   * the infrared switch, a jump of the exposure) resets the background instead of counting as motion.
   */
  lightSwitch: number;
  /** How fast the background follows the scene, per analysed frame (about 5 per second). */
  alpha: number;
}

/** The width frames are analysed at (the height follows the camera's aspect). */
export const ANALYSIS_WIDTH = 160;
/** About 5 analysed frames per second (Frigate's default detect rate). */
export const ANALYSIS_EVERY_MS = 200;

const COMMON = { endMs: 2000, lightSwitch: 0.6, alpha: 0.05 };

export const SENSITIVITY: { [K in Sensitivity]: MotionParams } = {
  low: { ...COMMON, threshold: 40, minArea: 0.01, startFrames: 3 },
  medium: { ...COMMON, threshold: 30, minArea: 0.003, startFrames: 2 },
  high: { ...COMMON, threshold: 20, minArea: 0.001, startFrames: 2 },
};

export function paramsFor(s: Sensitivity): MotionParams {
  return SENSITIVITY[s] || SENSITIVITY.medium;
}
