// Quality presets (docs/protocol.md "Control channel"): what one viewer receives, set on the
// camera's video sender for that viewer's call with RTCRtpSender.setParameters — no
// renegotiation, no change to the camera's capture (other viewers keep theirs).
import { Preset } from './control';

export interface PresetLimits {
  /** The picture's height at most (scaled down from the camera's, never up). */
  height: number;
  fps: number;
  kbps: number;
}

/** `auto`: no limit (the browser's congestion control decides, as before presets existed). */
export const PRESET_LIMITS: { [K in Exclude<Preset, 'auto'>]: PresetLimits } = {
  high: { height: 720, fps: 24, kbps: 2500 },
  medium: { height: 480, fps: 15, kbps: 900 },
  low: { height: 240, fps: 10, kbps: 250 },
};

export const PRESET_TEXT: { [K in Preset]: string } = {
  auto: 'Automatic',
  high: 'High (720p)',
  medium: 'Medium (480p, less data)',
  low: 'Low (240p, least data)',
};

/**
 * Applies `preset` (and `paused`: the encoding inactive, nothing sent) to a video sender whose
 * track is `trackHeight` pixels high. Browsers without setParameters keep sending as before.
 */
export async function applyPreset(sender: RTCRtpSender, preset: Preset, paused: boolean, trackHeight: number): Promise<void> {
  if (typeof sender.getParameters !== 'function' || typeof sender.setParameters !== 'function') return;
  const params = sender.getParameters();
  if (!params.encodings || params.encodings.length === 0) params.encodings = [{}];
  const enc = params.encodings[0] as RTCRtpEncodingParameters & { maxFramerate?: number };
  enc.active = !paused;
  if (preset === 'auto') {
    delete enc.maxBitrate;
    delete enc.maxFramerate;
    enc.scaleResolutionDownBy = 1;
  } else {
    const limits = PRESET_LIMITS[preset];
    enc.maxBitrate = limits.kbps * 1000;
    enc.maxFramerate = limits.fps;
    enc.scaleResolutionDownBy = trackHeight > limits.height ? trackHeight / limits.height : 1;
  }
  await sender.setParameters(params);
}
