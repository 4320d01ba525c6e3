// Feeds the detector from the camera's preview: about 5 times a second the current frame is drawn
// onto a small canvas (160 px wide, the camera's aspect) and its luma analysed. Keeps a picture of
// the frame with the most motion for the clip's thumbnail.
import { Bus } from '../lib/bus';
import { MotionDetector, MotionReport, lumaFromRgba } from './detector';
import { ANALYSIS_EVERY_MS, ANALYSIS_WIDTH, MotionParams } from './params';
import { Zone } from './zones';

export interface FrameInfo {
  report: MotionReport;
  /** The analysed frame's luma (reused for the next frame: copy what you keep). */
  luma: Uint8Array;
  width: number;
  height: number;
  /** ms the frame's capture and analysis took on the page. */
  costMs: number;
}

export interface WatcherEvents {
  /** Every analysed frame. */
  frame: FrameInfo;
  /** Motion started (the event's first report). */
  start: MotionReport;
  /** Motion ended. */
  end: MotionReport;
}

/** Thumbnails are at most this wide. */
const THUMB_WIDTH = 320;

export class MotionWatcher {
  readonly bus = new Bus<WatcherEvents>();
  private readonly canvas = document.createElement('canvas');
  private readonly g: CanvasRenderingContext2D;
  private readonly thumb = document.createElement('canvas');
  private detector: MotionDetector | null = null;
  private luma = new Uint8Array(0);
  private timer: number | undefined;
  private hasPeak = false;
  private last: MotionReport | null = null;

  constructor(private readonly video: HTMLVideoElement, private params: MotionParams, private zones: Zone[] = []) {
    // Read back every frame: keep the canvas in memory rather than on the GPU.
    const g = this.canvas.getContext('2d', { willReadFrequently: true } as CanvasRenderingContext2DSettings);
    if (!g) throw new Error('this browser cannot analyse the picture (no 2D canvas)');
    this.g = g;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = window.setInterval(() => this.analyse(), ANALYSIS_EVERY_MS);
  }

  /** Stops analysing; an event under way ends. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.endEvent();
  }

  /** An event under way ends now (analysis stopped, or the picture changed size). */
  private endEvent(): void {
    const last = this.last;
    this.last = null;
    if (last && last.active) this.bus.emit('end', Object.assign({}, last, { started: false, ended: true, active: false, peak: false }));
  }

  /** Whether an event is under way. */
  get active(): boolean {
    return !!this.last && this.last.active;
  }

  setParams(params: MotionParams): void {
    this.params = params;
    if (this.detector) this.detector.setParams(params);
  }

  setZones(zones: Zone[]): void {
    this.zones = zones;
    if (this.detector) this.detector.setZones(zones);
  }

  private analyse(): void {
    const v = this.video;
    if (!v.videoWidth || !v.videoHeight || v.readyState < 2) return;
    const t0 = performance.now();
    const w = ANALYSIS_WIDTH;
    const h = Math.max(2, 2 * Math.round((w * v.videoHeight) / v.videoWidth / 2));
    if (!this.detector || this.detector.width !== w || this.detector.height !== h) {
      // First frame, or the camera changed its size (switched): learn the new picture.
      this.endEvent();
      this.canvas.width = w;
      this.canvas.height = h;
      this.luma = new Uint8Array(w * h);
      this.detector = new MotionDetector(w, h, this.params, this.zones);
    }
    this.g.drawImage(v, 0, 0, w, h);
    lumaFromRgba(this.g.getImageData(0, 0, w, h).data, this.luma);
    const report = this.detector.analyse(this.luma, Date.now());
    if (report.peak) this.keepPeak();
    const costMs = performance.now() - t0;
    this.last = report;
    if (report.started) this.bus.emit('start', report);
    this.bus.emit('frame', { report, luma: this.luma, width: w, height: h, costMs });
    if (report.ended) this.bus.emit('end', report);
  }

  /** The current frame at thumbnail size, kept as the event's picture. */
  private keepPeak(): void {
    this.drawThumb();
    this.hasPeak = true;
  }

  private drawThumb(): boolean {
    const v = this.video;
    if (!v.videoWidth) return false;
    const w = Math.min(THUMB_WIDTH, v.videoWidth);
    this.thumb.width = w;
    this.thumb.height = Math.round((w * v.videoHeight) / v.videoWidth);
    const g = this.thumb.getContext('2d');
    if (!g) return false;
    g.drawImage(v, 0, 0, this.thumb.width, this.thumb.height);
    return true;
  }

  /**
   * A JPEG of the last event's peak frame (then forgotten), or of the current frame when there was
   * none (`now`: always the current frame).
   */
  thumbnail(now = false): Promise<Blob | null> {
    if ((now || !this.hasPeak) && !this.drawThumb()) return Promise.resolve(null);
    this.hasPeak = false;
    return new Promise((resolve) => this.thumb.toBlob((b) => resolve(b), 'image/jpeg', 0.7));
  }
}
