// Motion detection and clips on the camera page: the settings (sealed in the room at
// settings/{camera}, set from a viewer or here, applied within a second, kept in this browser for
// the next start), the state in words (#motion, #rec-settings, #uploads), "Record now" (here or a
// viewer's), clips stored and forwarded to the room (record/queue.ts, record/upload.ts), retention,
// and the sealed recording state in the presence (cameras/{uid}/rec) that viewers show on the tile
// and alert on. The detector, recorder and uploader live in motion.js, loaded at start.
import type { MotionChunk } from '../chunks/motion';
import { fromB64u } from '../lib/b64';
import { loadChunk } from '../lib/chunks';
import type { ClipEntry, ClipKeys } from '../lib/clip';
import * as paths from '../lib/paths';
import { Json } from '../lib/rtdb';
import { openSettings, rawRoomKey, sealCameraValue, sealSettings } from '../lib/seal';
import { CameraSettings, DEFAULT_SETTINGS, QUALITY, parseSettings } from '../lib/settings';
import type { RoomAccess } from '../lib/startup';
import type { RecordingController, RecordingState } from '../record/controller';
import type { QueueSink } from '../record/queue';
import type { TargetName, UploadState, Uploader } from '../record/upload';
import type { FrameNeed } from './power';

const detectBox = document.getElementById('detect') as HTMLInputElement;
const sensitivitySelect = document.getElementById('sensitivity') as HTMLSelectElement;
const recordNowBtn = document.getElementById('record-now') as HTMLButtonElement;
const motionEl = document.getElementById('motion')!;
const settingsEl = document.getElementById('rec-settings')!;
const uploadsEl = document.getElementById('uploads')!;
const clipsEl = document.getElementById('clips')!;

const SETTINGS_KEY = 'remotecam.camera.settings';
/** Clips listed on this page. */
const LIST_CLIPS = 5;

/** The sealed recording state a camera publishes in its presence (docs/protocol.md "Recording state"). */
export interface RecState {
  v: 1;
  detection: boolean;
  /** The clip being recorded, or null. */
  recording: string | null;
  /** When the last motion started (ms, the camera's clock), 0 if none since the page opened. */
  motionAt: number;
  /** Clips waiting to upload, and their sealed bytes. */
  waiting: number;
  bytes: number;
  /** The queue is full: new clips are not recorded. */
  full: boolean;
  /** Recording or uploading failed, in words ('' when fine). */
  error: string;
}

function loadSettings(): CameraSettings {
  try {
    return parseSettings(JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}'), DEFAULT_SETTINGS);
  } catch (e) {
    return DEFAULT_SETTINGS;
  }
}

function saveSettings(s: CameraSettings): void {
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(s));
  } catch (e) {
    // Private mode: applies until the page closes.
  }
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(1) + ' MB';
}

/** The settings in words, for the camera page (and the viewer's settings panel). */
export function settingsInWords(s: CameraSettings, fromRoom: boolean): string {
  const q = QUALITY[s.quality];
  const parts = [
    s.detection ? 'Motion detection is on (' + s.sensitivity + ' sensitivity): motion clips are recorded.' : 'Motion detection is off: no motion clips.',
    s.timed ? 'Timed clips: ' + s.timed.seconds + ' s every ' + s.timed.everyMin + ' min.' : 'Timed clips: off.',
    'Quality ' + s.quality + ' (up to ' + q.maxWidth + '×' + q.maxHeight + ', ' + q.videoKbps + ' kbit/s).',
    'Clips are kept ' + s.retentionDays + ' day' + (s.retentionDays === 1 ? '' : 's') + '.',
  ];
  if (s.zones.length) parts.push(s.zones.length + ' zone' + (s.zones.length === 1 ? '' : 's') + ' set.');
  if (!fromRoom) parts.push('These are the settings of a new camera; change them from a viewer (“Recording settings” on this camera’s tile).');
  return parts.join(' ');
}

function describe(s: CameraSettings, st: RecordingState | null): string {
  if (st && st.error) return 'Recording failed: ' + st.error;
  if (st && st.recording) return st.recording === 'motion' ? 'Motion: recording a clip…' : 'Recording a clip (' + st.recording + ')…';
  if (!s.detection) return s.timed ? 'Motion detection is off; timed clips only.' : 'Motion detection is off.';
  if (!st) return 'Starting motion detection…';
  return 'Watching for motion (' + s.sensitivity + ' sensitivity).';
}

export class CameraRecording {
  private settings = loadSettings();
  /** The settings came from the room (not a new camera's defaults). */
  private fromRoom = localStorage.getItem(SETTINGS_KEY) !== null;
  private media: MediaStream | null = null;
  private chunk: Promise<MotionChunk> | null = null;
  private controller: Promise<RecordingController> | null = null;
  private state: RecordingState | null = null;
  private access: RoomAccess | null = null;
  private keys: Promise<ClipKeys> | null = null;
  private sink: QueueSink | null = null;
  private uploader: Uploader | null = null;
  private target: TargetName = 'database';
  /** meta/bucket: the room's bucket for the "bucket" target. */
  private bucket: string | null = null;
  private upload: UploadState = { waiting: 0, bytes: 0, error: '', uploaded: 0 };
  private motionAt = 0;
  private full = false;
  private sinkError = '';
  private retention: number | undefined;
  private publishing = false;
  private republish = false;
  private lastRec = '';
  /** The sealed recording state (for the presence heartbeat), '' before the first. */
  sealedRec = '';

  constructor(private readonly preview: HTMLVideoElement) {
    this.showSettings();
    detectBox.addEventListener('change', () => this.change({ detection: detectBox.checked }));
    sensitivitySelect.addEventListener('change', () => this.change({ sensitivity: sensitivitySelect.value }));
    recordNowBtn.addEventListener('click', () => this.recordNow().catch((e) => this.failed(e)));
    this.show();
  }

  /**
   * What detection and recording need of the picture (camera/power.ts asks before saving power): every
   * frame while a clip records, a few a second while detection watches, none when both are off.
   */
  get frameNeed(): FrameNeed {
    if (this.state && this.state.recording) return 'full';
    return this.settings.detection || this.settings.timed ? 'some' : 'none';
  }

  /** The camera's stream (at start, and after switching cameras or sound). */
  setMedia(media: MediaStream): void {
    this.media = media;
    recordNowBtn.disabled = false;
    if (this.access) this.apply();
  }

  /**
   * The room is open: clips are sealed with its keys and sent to it; the room's settings for this
   * camera are followed from now on; clips queued before (an earlier page) are sent.
   */
  attach(access: RoomAccess): void {
    this.access = access;
    const room = access.room, uid = access.uid;
    this.chunk = this.chunk || loadChunk<MotionChunk>('motion.js', 'remotecamMotion', 'motion detection');
    this.keys = Promise.all([this.chunk, rawRoomKey(access.inv)]).then(([m, k]) => m.clipKeys(fromB64u(k), room));
    this.keys.catch((e) => this.failed(e));
    const settingsStream = access.db.stream(paths.settings(room, uid), {
      data: (v) => this.roomSettings(v),
      denied: () => undefined,
    });
    const targetStream = access.db.stream(paths.metaStorage(room), {
      data: (v) => {
        const t = typeof v === 'string' ? v : v && typeof v === 'object' && !Array.isArray(v) ? (v as { target?: Json }).target : null;
        this.target = t === 'bucket' || t === 'relay' ? t : 'database';
      },
    });
    const bucketStream = access.db.stream(paths.metaBucket(room), {
      data: (v) => (this.bucket = typeof v === 'string' && v ? v : null),
    });
    this.chunk.then(
      (m) => {
        if (access.ended) return;
        const queue = new m.ClipQueue();
        const uploader = (this.uploader = new m.Uploader(queue, {
          db: access.db,
          room,
          camera: uid,
          keys: this.keys!,
          target: () => this.target,
          objects: () => m.StoredObjects.of(access.session.cfg, access.session.auth, this.target === 'bucket' ? this.bucket : null),
        }));
        uploader.onState = (s) => {
          this.upload = s;
          if (this.sink) this.sink.queuedBytes = s.bytes;
          this.full = !!this.sink && s.bytes >= m.QUEUE_LIMIT_BYTES;
          this.show();
        };
        this.sink = new m.QueueSink(
          queue,
          { room, camera: uid, keys: this.keys!, target: () => this.target },
          {
            queued: (entry) => {
              this.listClip(entry);
              uploader.kick();
            },
            skipped: () => {
              this.full = true;
              this.show();
            },
            failed: (why) => {
              this.sinkError = 'a clip could not be kept on this phone: ' + why;
              this.show();
            },
          },
        );
        uploader.kick();
        this.retention = window.setInterval(() => this.prune(), m.RETENTION_EVERY_MS);
        window.setTimeout(() => this.prune(), 5000);
        this.apply();
      },
      (e) => this.failed(e),
    );
    access.bus.on('ended', () => {
      settingsStream.close();
      targetStream.close();
      bucketStream.close();
      if (this.uploader) this.uploader.stop();
      clearInterval(this.retention);
    });
  }

  /** "Record now" (this page's button or a viewer's request): pre-roll where there is some, then 30 s. */
  async recordNow(): Promise<void> {
    const media = this.media;
    if (!media) throw new Error('the camera is not capturing');
    if (!this.sink) throw new Error('the camera is not connected to its room yet');
    const c = await this.ensure();
    await c.apply(this.settings, media);
    await c.recordNow();
  }

  /** Access ended: stop recording (a clip under way completes). */
  stop(): void {
    recordNowBtn.disabled = true;
    detectBox.disabled = true;
    sensitivitySelect.disabled = true;
    if (this.controller) this.controller.then((c) => c.stop(), () => undefined);
  }

  private async roomSettings(v: Json): Promise<void> {
    const a = this.access;
    if (!a) return;
    // No settings in the room yet: a new camera's (motion on, medium, 7 days) until a viewer sets them.
    if (typeof v !== 'string') return;
    let s: CameraSettings;
    try {
      s = parseSettings(JSON.parse(await openSettings(a.key, a.room, a.uid, v)), DEFAULT_SETTINGS);
    } catch (e) {
      console.warn('Ignored settings that do not open with the room key', e);
      return;
    }
    this.fromRoom = true;
    this.settings = s;
    saveSettings(s);
    this.showSettings();
    this.apply();
  }

  private showSettings(): void {
    detectBox.checked = this.settings.detection;
    sensitivitySelect.value = this.settings.sensitivity;
    settingsEl.textContent = settingsInWords(this.settings, this.fromRoom);
  }

  /** A change made on this page: applied now and written to the room like a viewer's. */
  private change(partial: { [k: string]: unknown }): void {
    this.settings = parseSettings(Object.assign({}, this.settings, partial), this.settings);
    saveSettings(this.settings);
    this.fromRoom = true;
    this.showSettings();
    this.apply();
    const a = this.access;
    if (!a) return;
    sealSettings(a.key, a.room, a.uid, JSON.stringify(this.settings))
      .then((sealed) => a.db.put(paths.settings(a.room, a.uid), sealed))
      .catch((e) => this.failed(new Error('the setting applies on this phone, but the room did not take it: ' + (e instanceof Error ? e.message : e))));
  }

  private apply(): void {
    this.show();
    if (!this.media || !this.sink) return;
    const media = this.media;
    this.ensure().then((c) => c.apply(this.settings, media), (e) => this.failed(e));
  }

  private ensure(): Promise<RecordingController> {
    if (!this.controller) {
      const chunk = this.chunk || (this.chunk = loadChunk<MotionChunk>('motion.js', 'remotecamMotion', 'motion detection'));
      this.controller = chunk.then((m) => {
        const c = new m.RecordingController(this.preview, this.sink!);
        c.bus.on('state', (st) => {
          if (st.motion && !(this.state && this.state.motion)) this.motionAt = Date.now();
          this.state = { ...st };
          this.show();
        });
        return c;
      });
      this.controller.catch(() => (this.controller = null));
    }
    return this.controller;
  }

  private prune(): void {
    const a = this.access;
    if (!a || a.ended || !this.keys) return;
    const days = this.settings.retentionDays;
    Promise.all([this.chunk!, this.keys])
      .then(([m, keys]) =>
        m.deleteOlder(a.db, a.room, a.uid, keys, m.StoredObjects.of(a.session.cfg, a.session.auth, this.bucket), Date.now() - days * 86400000),
      )
      .catch((e) => console.warn('Could not delete old clips', e));
  }

  private listClip(e: ClipEntry): void {
    const li = document.createElement('li');
    li.setAttribute('data-reason', e.reason);
    li.setAttribute('data-clip', e.clip);
    li.textContent =
      new Date(e.start).toLocaleTimeString() + ' · ' + e.reason + ' · ' + (e.durationMs / 1000).toFixed(1) + ' s · ' + Math.round(e.bytes / 1024) + ' KB';
    clipsEl.insertBefore(li, clipsEl.firstChild);
    while (clipsEl.children.length > LIST_CLIPS) clipsEl.lastElementChild!.remove();
  }

  private failed(e: unknown): void {
    this.sinkError = e instanceof Error ? e.message : String(e);
    this.show();
  }

  private show(): void {
    const st = this.state;
    motionEl.textContent = this.sinkError && !(st && st.recording) ? 'Recording failed: ' + this.sinkError : describe(this.settings, st);
    motionEl.setAttribute('data-state', st && st.recording ? 'recording' : this.settings.detection ? 'watching' : 'off');
    const u = this.upload;
    let up: string;
    if (this.full) up = 'Clip queue full (' + mb(u.bytes) + ' waiting to upload): new clips are not recorded until the upload catches up.';
    else if (u.waiting) up = u.waiting + ' clip' + (u.waiting === 1 ? '' : 's') + ' waiting to upload (' + mb(u.bytes) + '), kept on this phone until the room has ' + (u.waiting === 1 ? 'it' : 'them') + '.';
    else up = u.uploaded ? 'All clips are in the room.' : 'Clips go to the room as they are recorded.';
    if (u.error) up += ' Last upload failed: ' + u.error + '; trying again.';
    uploadsEl.textContent = up;
    uploadsEl.setAttribute('data-waiting', String(u.waiting));
    this.publish();
  }

  /** Writes the sealed recording state to the presence when it changed (one write at a time). */
  private publish(): void {
    const a = this.access;
    if (!a || a.ended) return;
    const st = this.state;
    const rec: RecState = {
      v: 1,
      detection: this.settings.detection,
      recording: st && st.recording ? st.recording : null,
      motionAt: this.motionAt,
      waiting: this.upload.waiting,
      bytes: this.upload.bytes,
      full: this.full,
      error: (st && st.error) || this.sinkError || this.upload.error,
    };
    const text = JSON.stringify(rec);
    if (text === this.lastRec) return;
    if (this.publishing) {
      this.republish = true;
      return;
    }
    this.publishing = true;
    this.lastRec = text;
    sealCameraValue(a.key, a.room, a.uid, 'rec', text)
      .then((sealed) => {
        this.sealedRec = sealed;
        return a.db.put(paths.cameraRec(a.room, a.uid), sealed);
      })
      .catch(() => undefined)
      .then(() => {
        this.publishing = false;
        if (this.republish) {
          this.republish = false;
          this.publish();
        }
      });
  }
}
