// What the camera records, from its settings: motion detection on the preview driving motion clips
// (with pre-roll), timed clips on the clock, and "record now". Builds the recording stream and the
// recorder when something needs them and lets them go when nothing does (no encoder runs then).
import { Bus } from '../lib/bus';
import { CameraSettings, QUALITY } from '../lib/settings';
import { paramsFor } from '../motion/params';
import { FrameInfo, MotionWatcher } from '../motion/watcher';
import { pickFormat } from './formats';
import { ClipRecorder, DEFAULT_RECORDER } from './recorder';
import { ClipReason, ClipSink } from './sink';
import { RecordingSource, recordingSource } from './source';

export interface RecordingState {
  detecting: boolean;
  /** A motion event is under way. */
  motion: boolean;
  /** The clip being recorded, if any. */
  recording: ClipReason | null;
  /** Clips recorded since the page opened. */
  recorded: number;
  /** The recording format (MIME type) and how the recording stream is made; '' before the first. */
  format: string;
  source: '' | 'clone' | 'canvas';
  /** The last failure, in words. */
  error: string;
}

export interface ControllerEvents {
  state: RecordingState;
  /** Every analysed frame (for tests and the bench). */
  frame: FrameInfo;
}

/** "Record now" records this long after the press (plus the pre-roll). */
export const RECORD_NOW_MS = 30000;

export class RecordingController {
  readonly bus = new Bus<ControllerEvents>();
  readonly state: RecordingState = { detecting: false, motion: false, recording: null, recorded: 0, format: '', source: '', error: '' };
  private settings: CameraSettings | null = null;
  private media: MediaStream | null = null;
  private watcher: MotionWatcher | null = null;
  private recorder: ClipRecorder | null = null;
  private source: RecordingSource | null = null;
  private builtFor: { media: MediaStream; quality: string } | null = null;
  private timedAt = 0;
  private timedTimer: number | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly preview: HTMLVideoElement, private readonly sink: ClipSink) {}

  /** Applies settings (or a new camera stream); takes effect at once, a clip under way completes first if the stream changes. */
  apply(settings: CameraSettings, media: MediaStream): Promise<void> {
    return this.serially(() => this.applyNow(settings, media));
  }

  /** Records now for RECORD_NOW_MS (with pre-roll when detection keeps some). */
  recordNow(): Promise<void> {
    return this.serially(async () => {
      const r = await this.ensureRecorder();
      if (r) r.recordNow(RECORD_NOW_MS);
    });
  }

  /** Stops everything; a clip under way completes. */
  stop(): Promise<void> {
    return this.serially(async () => {
      this.settings = null;
      clearInterval(this.timedTimer);
      this.stopWatcher();
      await this.dropRecorder();
    });
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const p = this.queue.then(step);
    this.queue = p.catch((e) => this.fail(e));
    return this.queue;
  }

  private async applyNow(settings: CameraSettings, media: MediaStream): Promise<void> {
    this.settings = settings;
    if (this.media !== media) {
      this.media = media;
      // A new camera stream: a clip under way completes on the old one.
      await this.dropRecorder();
    } else if (this.builtFor && this.builtFor.quality !== settings.quality) await this.dropRecorder();
    if (settings.detection) {
      const params = paramsFor(settings.sensitivity);
      if (!this.watcher) {
        const w = (this.watcher = new MotionWatcher(this.preview, params, settings.zones));
        w.bus.on('start', (r) => this.motion(true, r.score));
        w.bus.on('end', () => this.motion(false, 0));
        w.bus.on('frame', (f) => {
          if (this.recorder && f.report.active) this.recorder.score(f.report.score);
          this.bus.emit('frame', f);
        });
        w.start();
      } else {
        this.watcher.setParams(params);
        this.watcher.setZones(settings.zones);
      }
    } else this.stopWatcher();
    this.state.detecting = settings.detection;
    clearInterval(this.timedTimer);
    if (settings.timed) {
      this.timedAt = nextSlot(settings.timed.everyMin);
      this.timedTimer = window.setInterval(() => this.timedTick(), 1000);
    }
    if (settings.detection || settings.timed) {
      const r = await this.ensureRecorder();
      if (r && settings.detection) r.arm();
      else if (r) r.disarm();
    } else if (this.recorder && !this.recorder.busy) await this.dropRecorder();
    else if (this.recorder) this.recorder.disarm();
    this.changed();
  }

  private motion(active: boolean, score: number): void {
    this.state.motion = active;
    if (this.recorder) this.recorder.setMotion(active, score);
    this.changed();
  }

  private timedTick(): void {
    const s = this.settings;
    if (!s || !s.timed || Date.now() < this.timedAt) return;
    this.timedAt = nextSlot(s.timed.everyMin);
    const seconds = s.timed.seconds;
    this.serially(async () => {
      const r = await this.ensureRecorder();
      if (r) r.recordTimed(seconds * 1000);
    });
  }

  private stopWatcher(): void {
    if (!this.watcher) return;
    this.watcher.stop();
    this.watcher = null;
    this.state.motion = false;
    if (this.recorder) this.recorder.setMotion(false);
  }

  private async ensureRecorder(): Promise<ClipRecorder | null> {
    if (this.recorder) return this.recorder;
    const media = this.media;
    if (!media) return null;
    const quality = this.settings ? this.settings.quality : 'medium';
    const q = QUALITY[quality];
    const format = pickFormat(media.getAudioTracks().length > 0);
    if (!format) throw new Error('This browser cannot record video (no MediaRecorder).');
    const source = (this.source = await recordingSource(media, this.preview, q));
    const r = (this.recorder = new ClipRecorder(source.stream, this.sink, {
      ...DEFAULT_RECORDER,
      mimeType: format.mimeType,
      videoBitsPerSecond: q.videoKbps * 1000,
      audioBitsPerSecond: q.audioKbps * 1000,
    }));
    this.builtFor = { media, quality };
    // Without detection (a timed or "record now" clip) the thumbnail is the picture at the clip's end.
    r.thumbnail = (reason) => (this.watcher ? this.watcher.thumbnail(reason !== 'motion') : frameJpeg(this.preview));
    r.bus.on('recording', (reason) => {
      this.state.recording = reason;
      this.state.error = '';
      this.changed();
    });
    r.bus.on('recorded', () => {
      this.state.recording = null;
      this.state.recorded++;
      this.changed();
      // The last clip of a recorder nothing needs any more (detection was turned off meanwhile): let it go.
      this.serially(async () => {
        const s = this.settings;
        if (this.recorder === r && !r.busy && (!s || (!s.detection && !s.timed))) await this.dropRecorder();
      });
    });
    r.bus.on('error', (text) => {
      this.state.recording = r.busy ? this.state.recording : null;
      this.fail(text);
    });
    this.state.format = format.mimeType || 'the browser\'s default';
    this.state.source = source.how;
    if (this.watcher && this.watcher.active) r.setMotion(true);
    return r;
  }

  private async dropRecorder(): Promise<void> {
    const r = this.recorder, s = this.source;
    this.recorder = null;
    this.source = null;
    this.builtFor = null;
    if (r) await r.close();
    if (s) s.stop();
    this.state.recording = null;
  }

  private fail(e: unknown): void {
    this.state.error = e instanceof Error ? e.message : String(e);
    this.changed();
  }

  private changed(): void {
    this.bus.emit('state', this.state);
  }
}

/** The preview's current picture as a JPEG at most 320 px wide, or null. */
export function frameJpeg(video: HTMLVideoElement): Promise<Blob | null> {
  if (!video.videoWidth || !video.videoHeight) return Promise.resolve(null);
  const canvas = document.createElement('canvas');
  canvas.width = Math.min(320, video.videoWidth);
  canvas.height = Math.max(1, Math.round((video.videoHeight * canvas.width) / video.videoWidth));
  const g = canvas.getContext('2d');
  if (!g) return Promise.resolve(null);
  g.drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b), 'image/jpeg', 0.7));
}

/** The next moment on the clock that is a whole multiple of `everyMin` minutes (local time). */
export function nextSlot(everyMin: number, now = Date.now()): number {
  const period = everyMin * 60000;
  const offset = new Date(now).getTimezoneOffset() * 60000;
  return Math.floor((now - offset) / period + 1) * period + offset;
}
