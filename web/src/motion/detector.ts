// Motion detection over small grayscale frames: a running-average background; each frame is
// blurred (3×3) against sensor noise, compensated for a global change of exposure (gain and
// offset fitted robustly, so auto exposure and dimming lights do not count), thresholded per
// pixel, despeckled, restricted to the zones, and measured (area, bounding box). A frame where
// most of the watched area changed at once (lights, infrared switch) resets the background
// without an event. Events start after a few consecutive motion frames and end a while after the
// last one. Pure: a function of the buffers it is given (tested in Node, benchmarked alone).
import { MotionParams } from './params';
import { Zone, zoneMask } from './zones';

export interface Box {
  /** Normalised to the frame (0…1). */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MotionReport {
  /** The time given with the frame (ms). */
  at: number;
  /** Changed area after despeckling, as a fraction of the whole frame. */
  score: number;
  /** Changed pixels after despeckling. */
  area: number;
  /** Where they are; null when nothing changed. */
  box: Box | null;
  /** This frame counts as motion (area at least `minArea`). */
  motion: boolean;
  /** An event is under way (after this frame). */
  active: boolean;
  /** An event started at this frame. */
  started: boolean;
  /** The event ended at this frame. */
  ended: boolean;
  /**
   * This frame has the most motion so far of the event under way or about to start (its run-up
   * counts): keep a picture of it for the thumbnail.
   */
  peak: boolean;
  /** Learning the background (at start, and after a light switch): nothing is detected. */
  calibrating: boolean;
  /** Most of the frame changed at once: the background was reset, no motion counted. */
  recalibrated: boolean;
  /** The exposure compensation applied: frame ≈ gain × background + offset. */
  gain: number;
  offset: number;
}

/** Frames of fast learning at start (and at least this many before detecting). */
const CALIBRATE_FRAMES = 10;
/** At most this many: a scene that never settles is watched anyway. */
const CALIBRATE_MAX_FRAMES = 25;
/** Frames of fast learning after a light switch, while the exposure settles. */
const SETTLE_FRAMES = 5;
const CALIBRATE_ALPHA = 0.2;
/** A calibration ends once less than this fraction of the watched area still changes. */
const SETTLED = 0.05;
/** Changed pixels learn the background this much slower, so that a moving object is not burnt in. */
const MOVING_ALPHA_FACTOR = 0.25;
/** A changed pixel survives despeckling when at least this many of its 3×3 block changed. */
const DESPECKLE_MIN = 4;

/** Luma (BT.601 weights, integer) of RGBA pixels, e.g. from getImageData, into `out`. */
export function lumaFromRgba(rgba: Uint8ClampedArray | Uint8Array, out: Uint8Array): void {
  for (let i = 0, j = 0; i < out.length; i++, j += 4) out[i] = (77 * rgba[j] + 150 * rgba[j + 1] + 29 * rgba[j + 2]) >> 8;
}

export class MotionDetector {
  private readonly n: number;
  private readonly bg: Float32Array;
  private readonly cur: Uint8Array;
  private readonly tmp: Uint16Array;
  private readonly changed: Uint8Array;
  private readonly hist = new Uint32Array(511);
  private mask: Uint8Array;
  private watched = 0;
  private frames = 0;
  private calibrateLeft = CALIBRATE_FRAMES;
  private calibrateMax = CALIBRATE_MAX_FRAMES;
  private run = 0;
  private active = false;
  private lastMotion = 0;
  private peakScore = 0;

  constructor(readonly width: number, readonly height: number, private params: MotionParams, zones: Zone[] = []) {
    this.n = width * height;
    this.bg = new Float32Array(this.n);
    this.cur = new Uint8Array(this.n);
    this.tmp = new Uint16Array(this.n);
    this.changed = new Uint8Array(this.n);
    this.mask = new Uint8Array(this.n);
    this.setZones(zones);
  }

  setParams(params: MotionParams): void {
    this.params = params;
  }

  setZones(zones: Zone[]): void {
    this.mask = zoneMask(zones, this.width, this.height);
    let w = 0;
    for (let i = 0; i < this.n; i++) w += this.mask[i];
    this.watched = w;
  }

  /** Forgets the background (e.g. after the camera was switched): learns it again, ends any event. */
  reset(): void {
    this.frames = 0;
    this.calibrateLeft = CALIBRATE_FRAMES;
    this.calibrateMax = CALIBRATE_MAX_FRAMES;
    this.run = 0;
    this.active = false;
  }

  /** Analyses one `width`×`height` luma frame taken at `at` (ms). */
  analyse(luma: Uint8Array, at: number): MotionReport {
    const p = this.params;
    this.blur(luma);
    const report: MotionReport = {
      at, score: 0, area: 0, box: null, motion: false, active: this.active, started: false, ended: false, peak: false,
      calibrating: false, recalibrated: false, gain: 1, offset: 0,
    };
    if (this.frames++ === 0) {
      for (let i = 0; i < this.n; i++) this.bg[i] = this.cur[i];
      report.calibrating = true;
      return this.hysteresis(report);
    }
    const [gain, offset] = this.exposure(p.threshold);
    report.gain = gain;
    report.offset = offset;
    // Changed pixels with the compensation, and how many changed without it: a light switch shows
    // in either (the compensation turns a lamp lighting most of the room into change of the rest).
    const [raw, uncompensated] = this.threshold(gain, offset, p.threshold);
    const rawFraction = this.watched ? raw / this.watched : 0;
    const switched = this.watched ? Math.max(raw, uncompensated) / this.watched > p.lightSwitch : false;

    if (this.calibrateLeft > 0 || this.calibrateMax > 0) {
      // Learning: fast, and only until the scene holds still (or for at most a few seconds).
      this.calibrateLeft--;
      this.calibrateMax--;
      if (this.calibrateLeft <= 0 && (rawFraction < SETTLED || this.calibrateMax <= 0)) this.calibrateMax = 0;
      this.learn(CALIBRATE_ALPHA, false);
      report.calibrating = this.calibrateMax > 0;
      return this.hysteresis(report);
    }
    if (switched) {
      for (let i = 0; i < this.n; i++) this.bg[i] = this.cur[i];
      this.calibrateLeft = SETTLE_FRAMES;
      this.calibrateMax = SETTLE_FRAMES;
      this.run = 0;
      report.recalibrated = true;
      report.calibrating = true;
      return this.hysteresis(report);
    }

    const area = this.despeckle(report);
    report.area = area;
    report.score = area / this.n;
    report.motion = area > 0 && area >= p.minArea * this.n;
    this.learn(p.alpha, true);
    return this.hysteresis(report);
  }

  /** Start and end of events, and the event's peak frame. */
  private hysteresis(r: MotionReport): MotionReport {
    const p = this.params;
    this.run = r.motion ? this.run + 1 : 0;
    if (r.motion) this.lastMotion = r.at;
    // A new run-up to an event: its frames compete for the peak from here on.
    if (r.motion && !this.active && this.run === 1) this.peakScore = 0;
    if (!this.active && this.run >= p.startFrames) {
      this.active = true;
      r.started = true;
    } else if (this.active && !r.motion && r.at - this.lastMotion >= p.endMs) {
      this.active = false;
      r.ended = true;
    }
    if ((this.active || this.run > 0) && r.score > this.peakScore) {
      this.peakScore = r.score;
      r.peak = true;
    }
    r.active = this.active;
    return r;
  }

  /** 3×3 binomial blur ([1 2 1] both ways) of `luma` into `cur`; edges repeat. */
  private blur(luma: Uint8Array): void {
    const w = this.width, h = this.height, tmp = this.tmp, cur = this.cur;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      tmp[row] = 3 * luma[row] + luma[row + 1];
      for (let x = 1; x < w - 1; x++) tmp[row + x] = luma[row + x - 1] + 2 * luma[row + x] + luma[row + x + 1];
      tmp[row + w - 1] = luma[row + w - 2] + 3 * luma[row + w - 1];
    }
    for (let y = 0; y < h; y++) {
      const up = (y > 0 ? y - 1 : 0) * w, row = y * w, down = (y < h - 1 ? y + 1 : y) * w;
      for (let x = 0; x < w; x++) cur[row + x] = (tmp[up + x] + 2 * tmp[row + x] + tmp[down + x] + 8) >> 4;
    }
  }

  /**
   * The global exposure change, frame ≈ gain × background + offset: the median difference first
   * (robust to a moving object), then a least-squares fit over the pixels near that median (the
   * object's pixels are left out), so a dimmer, brighter or flatter picture is not motion.
   */
  private exposure(threshold: number): [number, number] {
    const n = this.n, bg = this.bg, cur = this.cur, mask = this.mask, hist = this.hist;
    hist.fill(0);
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      hist[(cur[i] - bg[i] + 255.5) | 0]++;
      count++;
    }
    if (!count) return [1, 0];
    let seen = 0, median = 0;
    for (let k = 0; k < 511; k++) {
      seen += hist[k];
      if (seen * 2 >= count) {
        median = k - 255;
        break;
      }
    }
    const band = 2 * threshold;
    let m = 0, sb = 0, sc = 0, sbb = 0, sbc = 0;
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      const b = bg[i], c = cur[i], d = c - b - median;
      if (d > band || d < -band) continue;
      m++;
      sb += b;
      sc += c;
      sbb += b * b;
      sbc += b * c;
    }
    if (m < 16) return [1, median];
    const varB = m * sbb - sb * sb;
    // A flat background (a dark room) says nothing about gain: offset only.
    if (varB < m * m * 16) return [1, (sc - sb) / m];
    let gain = (m * sbc - sb * sc) / varB;
    gain = Math.min(2, Math.max(0.5, gain));
    return [gain, (sc - gain * sb) / m];
  }

  /**
   * Marks watched pixels whose compensated change exceeds the threshold; returns how many, and how
   * many watched pixels changed by more than the threshold without the compensation.
   */
  private threshold(gain: number, offset: number, threshold: number): [number, number] {
    const n = this.n, bg = this.bg, cur = this.cur, mask = this.mask, changed = this.changed;
    let count = 0, plain = 0;
    for (let i = 0; i < n; i++) {
      if (!mask[i]) {
        changed[i] = 0;
        continue;
      }
      const b = bg[i], v = cur[i];
      const d = v - (gain * b + offset);
      const c = d > threshold || d < -threshold ? 1 : 0;
      changed[i] = c;
      count += c;
      if (v - b > threshold || b - v > threshold) plain++;
    }
    return [count, plain];
  }

  /**
   * Keeps changed pixels with at least DESPECKLE_MIN changed pixels in their 3×3 block (isolated
   * noise goes), marking survivors with 2; returns their count and puts their box in `r`.
   */
  private despeckle(r: MotionReport): number {
    const w = this.width, h = this.height, c = this.changed;
    let area = 0, x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (let y = 1; y < h - 1; y++) {
      const row = y * w;
      for (let x = 1; x < w - 1; x++) {
        const i = row + x;
        if (!c[i]) continue;
        const up = i - w, down = i + w;
        const k =
          (c[up - 1] & 1) + (c[up] & 1) + (c[up + 1] & 1) + (c[i - 1] & 1) + 1 + (c[i + 1] & 1) + (c[down - 1] & 1) + (c[down] & 1) + (c[down + 1] & 1);
        if (k < DESPECKLE_MIN) continue;
        c[i] = 3; // bit 1: survived (bit 0 stays: the neighbours still count it)
        area++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
    if (area) r.box = { x: x0 / w, y: y0 / h, w: (x1 - x0 + 1) / w, h: (y1 - y0 + 1) / h };
    return area;
  }

  /** Running average towards this frame; with `selective`, changed pixels learn slower. */
  private learn(alpha: number, selective: boolean): void {
    const n = this.n, bg = this.bg, cur = this.cur, c = this.changed;
    const slow = alpha * MOVING_ALPHA_FACTOR;
    for (let i = 0; i < n; i++) {
      const a = selective && c[i] > 1 ? slow : alpha;
      bg[i] += a * (cur[i] - bg[i]);
    }
  }
}
