// A camera's recording settings, set from the viewer (docs/pages.md "Recording settings"): motion
// detection and its sensitivity, timed clips, quality and how long clips are kept, sealed with the
// room key at settings/{camera}; the camera follows them within a second or two.
import { Db } from '../lib/rtdb';
import * as paths from '../lib/paths';
import { openSettings, sealSettings } from '../lib/seal';
import { CameraSettings, DEFAULT_SETTINGS, QUALITY, QualityName, parseSettings } from '../lib/settings';

const panel = document.getElementById('rec-panel')!;
const title = document.getElementById('rec-title')!;
const form = document.getElementById('rec-form') as HTMLFormElement;
const detect = document.getElementById('rec-detect') as HTMLInputElement;
const sensitivity = document.getElementById('rec-sensitivity') as HTMLSelectElement;
const timedOn = document.getElementById('rec-timed') as HTMLInputElement;
const every = document.getElementById('rec-every') as HTMLInputElement;
const seconds = document.getElementById('rec-seconds') as HTMLInputElement;
const quality = document.getElementById('rec-quality') as HTMLSelectElement;
const retention = document.getElementById('rec-retention') as HTMLInputElement;
const message = document.getElementById('rec-message')!;
const cancel = document.getElementById('rec-cancel') as HTMLButtonElement;

export interface SettingsContext {
  db: Db;
  key: CryptoKey;
  room: string;
}

export class SettingsPanel {
  private camera = '';
  private current: CameraSettings = DEFAULT_SETTINGS;

  constructor(private readonly ctx: SettingsContext) {
    for (const q of Object.keys(QUALITY) as QualityName[]) {
      const o = document.createElement('option');
      o.value = q;
      o.textContent = q + ' (' + QUALITY[q].maxWidth + '×' + QUALITY[q].maxHeight + ', ' + QUALITY[q].videoKbps + ' kbit/s)';
      quality.appendChild(o);
    }
    timedOn.addEventListener('change', () => (every.disabled = seconds.disabled = !timedOn.checked));
    cancel.addEventListener('click', () => (panel.hidden = true));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.save();
    });
  }

  /** Opens the panel for `camera` with its settings as the room has them. */
  async open(camera: string, name: string): Promise<void> {
    this.camera = camera;
    title.textContent = 'Recording settings: ' + name;
    message.textContent = 'Reading the settings…';
    panel.hidden = false;
    panel.setAttribute('data-camera', camera);
    panel.scrollIntoView({ block: 'nearest' });
    let s = DEFAULT_SETTINGS;
    let fromRoom = false;
    try {
      const v = await this.ctx.db.get(paths.settings(this.ctx.room, camera));
      if (typeof v === 'string') {
        s = parseSettings(JSON.parse(await openSettings(this.ctx.key, this.ctx.room, camera, v)), DEFAULT_SETTINGS);
        fromRoom = true;
      }
    } catch (e) {
      message.textContent = 'Could not read the settings: ' + (e instanceof Error ? e.message : e);
      return;
    }
    if (this.camera !== camera) return;
    this.current = s;
    detect.checked = s.detection;
    sensitivity.value = s.sensitivity;
    timedOn.checked = !!s.timed;
    every.value = String(s.timed ? s.timed.everyMin : 10);
    seconds.value = String(s.timed ? s.timed.seconds : 5);
    every.disabled = seconds.disabled = !s.timed;
    quality.value = s.quality;
    retention.value = String(s.retentionDays);
    message.textContent = fromRoom ? '' : 'This camera has the settings of a new camera: motion clips at medium sensitivity, kept 7 days, no timed clips.';
  }

  private async save(): Promise<void> {
    const camera = this.camera;
    const s = parseSettings(
      {
        detection: detect.checked,
        sensitivity: sensitivity.value,
        zones: this.current.zones,
        timed: timedOn.checked ? { everyMin: Number(every.value), seconds: Number(seconds.value) } : null,
        quality: quality.value,
        retentionDays: Number(retention.value),
      },
      this.current,
    );
    message.textContent = 'Saving…';
    try {
      const sealed = await sealSettings(this.ctx.key, this.ctx.room, camera, JSON.stringify(s));
      await this.ctx.db.put(paths.settings(this.ctx.room, camera), sealed);
      this.current = s;
      message.textContent = 'Saved: the camera applies them within a few seconds while it is online (or when it comes back).';
    } catch (e) {
      message.textContent = 'Not saved: ' + (e instanceof Error ? e.message : e);
    }
  }
}
