// Which format this browser records in (docs/pages.md "Recording"): WebM with VP9 where it can
// (Chrome, Android, Firefox), then VP8 — in Chromium two overlapping VP8 recorders (the pre-roll)
// cost twice what two VP9 ones do; then MP4 with H.264 (Safari on iOS 14.5+, which records only
// MP4); a browser without isTypeSupported gets its own default (the recorder's mimeType then says
// what it chose).

export type Container = 'webm' | 'mp4' | 'other';

export interface RecordingFormat {
  /** The type to ask MediaRecorder for; '' = the browser's default. */
  mimeType: string;
  container: Container;
}

const VIDEO_ONLY = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm', 'video/mp4;codecs=avc1.42E01E', 'video/mp4'];
const WITH_AUDIO = [
  'video/webm;codecs=vp9,opus',
  'video/webm;codecs=vp8,opus',
  'video/webm',
  'video/mp4;codecs="avc1.42E01E,mp4a.40.2"',
  'video/mp4',
];

export function containerOf(mimeType: string): Container {
  if (/webm|matroska/i.test(mimeType)) return 'webm';
  if (/mp4/i.test(mimeType)) return 'mp4';
  return 'other';
}

/** Null when this browser cannot record at all (no MediaRecorder). */
export function pickFormat(withAudio: boolean): RecordingFormat | null {
  if (typeof MediaRecorder === 'undefined') return null;
  if (typeof MediaRecorder.isTypeSupported !== 'function') return { mimeType: '', container: 'other' };
  for (const t of withAudio ? WITH_AUDIO : VIDEO_ONLY) {
    try {
      if (MediaRecorder.isTypeSupported(t)) return { mimeType: t, container: containerOf(t) };
    } catch (e) {
      // An old implementation that throws on unknown types: try the next.
    }
  }
  return { mimeType: '', container: 'other' };
}
