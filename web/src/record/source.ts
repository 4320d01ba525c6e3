// The stream clips are recorded from: the camera's picture at the recording quality (lib/settings.ts,
// default at most 640×360, 15 frames/s), while the live view keeps its own resolution and frame rate. Where
// the browser scales a cloned track by itself (Chrome, Android) the clone is asked for the smaller
// size; where that would change the camera itself (checked: the original track's settings must
// not move) the preview is drawn onto a small canvas and that canvas is recorded instead.
import { Quality } from '../lib/settings';

export interface RecordingSource {
  stream: MediaStream;
  /** How it was made: a scaled clone of the camera's track, or a canvas drawn from the preview. */
  how: 'clone' | 'canvas';
  width: number;
  height: number;
  stop(): void;
}

function fit(w: number, h: number, q: Quality): [number, number] {
  const scale = Math.min(1, q.maxWidth / w, q.maxHeight / h);
  // Even sizes: encoders want them.
  return [Math.max(2, 2 * Math.round((w * scale) / 2)), Math.max(2, 2 * Math.round((h * scale) / 2))];
}

function same(a: MediaTrackSettings, b: MediaTrackSettings): boolean {
  return a.width === b.width && a.height === b.height && a.frameRate === b.frameRate;
}

export async function recordingSource(media: MediaStream, preview: HTMLVideoElement, q: Quality): Promise<RecordingSource> {
  const track = media.getVideoTracks()[0];
  if (!track) throw new Error('no video track to record');
  const audio = media.getAudioTracks().map((t) => t.clone());
  const before = track.getSettings();
  const [w, h] = fit(before.width || preview.videoWidth || 640, before.height || preview.videoHeight || 360, q);
  if (typeof track.clone === 'function' && typeof track.applyConstraints === 'function') {
    const clone = track.clone();
    try {
      await clone.applyConstraints({ width: { ideal: w, max: w }, height: { ideal: h, max: h }, frameRate: { ideal: q.fps, max: q.fps } });
      const got = await scaled(clone, w, h);
      if (same(track.getSettings(), before) && got) {
        return { stream: new MediaStream([clone, ...audio]), how: 'clone', width: got.width || w, height: got.height || h, stop: () => stopAll([clone, ...audio]) };
      }
    } catch (e) {
      // Not supported for clones here: draw instead.
    }
    clone.stop();
    // The camera itself may have moved: ask it for what it had.
    if (!same(track.getSettings(), before)) {
      await track.applyConstraints({ width: before.width, height: before.height, frameRate: before.frameRate }).catch(() => undefined);
    }
  }
  return canvasSource(preview, w, h, q.fps, audio);
}

/** The clone's settings once they show the smaller size (Chrome reports it a frame or so late), or null. */
async function scaled(clone: MediaStreamTrack, w: number, h: number): Promise<MediaTrackSettings | null> {
  for (let i = 0; i < 10; i++) {
    const got = clone.getSettings();
    if ((got.width || 0) <= w && (got.height || 0) <= h) return got;
    await new Promise((resolve) => window.setTimeout(resolve, 100));
  }
  return null;
}

function stopAll(tracks: MediaStreamTrack[]): void {
  for (const t of tracks) t.stop();
}

function canvasSource(preview: HTMLVideoElement, w: number, h: number, fps: number, audio: MediaStreamTrack[]): RecordingSource {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const g = canvas.getContext('2d');
  if (!g || typeof canvas.captureStream !== 'function') throw new Error('this browser cannot record a scaled picture');
  const draw = () => {
    if (preview.videoWidth) g.drawImage(preview, 0, 0, w, h);
  };
  draw();
  const timer = window.setInterval(draw, 1000 / fps);
  const stream = canvas.captureStream(fps);
  for (const t of audio) stream.addTrack(t);
  return {
    stream,
    how: 'canvas',
    width: w,
    height: h,
    stop: () => {
      clearInterval(timer);
      stopAll(stream.getTracks());
    },
  };
}
