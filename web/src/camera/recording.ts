// Motion detection and clips on the camera page: the settings (kept in this browser until the room
// keeps them, docs/pages.md), the state in words (#motion), "Record now", and the clips recorded
// since the page opened (#clips: the last few stay in memory, to play or download). The detector
// and recorder live in motion.js, loaded only once something needs them.
import type { MotionChunk } from '../chunks/motion';
import { loadChunk } from '../lib/chunks';
import { CameraSettings, DEFAULT_SETTINGS, parseSettings } from '../lib/settings';
import type { RecordingController, RecordingState } from '../record/controller';
import type { StoredClip } from '../record/sink';

const detectBox = document.getElementById('detect') as HTMLInputElement;
const sensitivitySelect = document.getElementById('sensitivity') as HTMLSelectElement;
const recordNowBtn = document.getElementById('record-now') as HTMLButtonElement;
const motionEl = document.getElementById('motion')!;
const clipsEl = document.getElementById('clips')!;

const SETTINGS_KEY = 'remotecam.camera.settings';
/** Clips kept in memory on this page. */
const KEEP_CLIPS = 5;
/**
 * Until clips are stored in the room, a camera records only when the person turns detection on
 * here: a clip that lives only in this page's memory is of little use on a shelf.
 */
const LOCAL_BASE: CameraSettings = { ...DEFAULT_SETTINGS, detection: false };

function loadSettings(): CameraSettings {
  try {
    return parseSettings(JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}'), LOCAL_BASE);
  } catch (e) {
    return LOCAL_BASE;
  }
}

function saveSettings(s: CameraSettings): void {
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(s));
  } catch (e) {
    // Private mode: applies until the page closes.
  }
}

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}

function showClip(c: StoredClip): void {
  const li = document.createElement('li');
  li.setAttribute('data-reason', c.reason);
  if (c.thumbnail) {
    const img = document.createElement('img');
    img.src = URL.createObjectURL(c.thumbnail);
    img.alt = 'Thumbnail of the clip';
    li.appendChild(img);
  }
  const text = document.createElement('span');
  text.textContent = time(c.startedAt) + ' · ' + c.reason + ' · ' + (c.durationMs / 1000).toFixed(1) + ' s · ' + Math.round(c.size / 1024) + ' KB ';
  li.appendChild(text);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(c.blob);
  a.download = 'remotecam-' + new Date(c.startedAt).toISOString().replace(/[:.]/g, '-') + (/mp4/.test(c.mimeType) ? '.mp4' : '.webm');
  a.textContent = 'Download';
  li.appendChild(a);
  clipsEl.insertBefore(li, clipsEl.firstChild);
  // The sink keeps the last few: so does the list.
  while (clipsEl.children.length > KEEP_CLIPS) {
    const old = clipsEl.lastElementChild!;
    for (const el of Array.from(old.querySelectorAll('img, a'))) URL.revokeObjectURL((el as HTMLImageElement).src || (el as HTMLAnchorElement).href);
    old.remove();
  }
}

function describe(s: CameraSettings, st: RecordingState | null): string {
  if (st && st.error) return 'Recording failed: ' + st.error;
  if (st && st.recording) return st.recording === 'motion' ? 'Motion: recording a clip…' : 'Recording a clip (' + st.recording + ')…';
  if (!s.detection) return 'Motion detection is off.';
  if (!st) return 'Starting motion detection…';
  return 'Watching for motion (' + s.sensitivity + ' sensitivity). Clips stay on this phone (the last ' + KEEP_CLIPS + ') until the page closes.';
}

export class CameraRecording {
  private settings = loadSettings();
  private media: MediaStream | null = null;
  private controller: Promise<RecordingController> | null = null;
  private state: RecordingState | null = null;

  constructor(private readonly preview: HTMLVideoElement) {
    this.showSettings();
    detectBox.addEventListener('change', () => this.change({ detection: detectBox.checked }));
    sensitivitySelect.addEventListener('change', () => this.change({ sensitivity: sensitivitySelect.value }));
    recordNowBtn.addEventListener('click', () => {
      const media = this.media;
      if (!media) return;
      this.ensure().then((c) => c.apply(this.settings, media).then(() => c.recordNow()), (e) => this.failed(e));
    });
    this.show();
  }

  /**
   * New settings from elsewhere (the room's sealed settings, once they exist): shown and applied at
   * once, and kept in this browser.
   */
  setSettings(settings: CameraSettings): void {
    this.settings = settings;
    saveSettings(settings);
    this.showSettings();
    this.apply();
  }

  private showSettings(): void {
    detectBox.checked = this.settings.detection;
    sensitivitySelect.value = this.settings.sensitivity;
  }

  /** The camera's stream (at start, and after switching cameras or sound). */
  setMedia(media: MediaStream): void {
    this.media = media;
    recordNowBtn.disabled = false;
    if (this.controller || this.settings.detection || this.settings.timed) this.apply();
  }

  /** Access ended: stop recording (a clip under way completes). */
  stop(): void {
    recordNowBtn.disabled = true;
    detectBox.disabled = true;
    if (this.controller) this.controller.then((c) => c.stop(), () => undefined);
  }

  private change(partial: { [k: string]: unknown }): void {
    this.settings = parseSettings(Object.assign({}, this.settings, partial), this.settings);
    saveSettings(this.settings);
    this.apply();
  }

  private apply(): void {
    this.show();
    if (!this.media) return;
    const media = this.media;
    this.ensure().then((c) => c.apply(this.settings, media), (e) => this.failed(e));
  }

  private ensure(): Promise<RecordingController> {
    if (!this.controller) {
      this.controller = loadChunk<MotionChunk>('motion.js', 'remotecamMotion', 'motion detection').then((m) => {
        const c = new m.RecordingController(this.preview, new m.MemorySink(KEEP_CLIPS, showClip));
        c.bus.on('state', (st) => {
          this.state = st;
          this.show();
        });
        return c;
      });
      this.controller.catch(() => (this.controller = null));
    }
    return this.controller;
  }

  private failed(e: unknown): void {
    motionEl.textContent = 'Recording failed: ' + (e instanceof Error ? e.message : String(e));
  }

  private show(): void {
    motionEl.textContent = describe(this.settings, this.state);
    motionEl.setAttribute('data-state', this.state && this.state.recording ? 'recording' : this.settings.detection ? 'watching' : 'off');
  }
}
