// A tile's controls (docs/pages.md "Controlling a camera"): over the call's control channel the
// viewer switches the camera, turns the torch on and zooms where the camera can (controls it
// cannot use stay hidden), picks a quality preset, pauses its video, listens only, takes a
// full-resolution snapshot and talks while it holds the talk button. The tile's connection
// details sit above them.
import { CamState, Caps, ControlChannel, ControlMessage, PRESETS, Preset, SetRequest } from '../lib/control';
import { PRESET_TEXT } from '../lib/quality';
import { detailsText } from '../lib/stats';
import { ViewerCall } from '../lib/viewer-call';
import { Listener } from './listen';
import { SnapshotReceiver } from './snapshot';
import { talker } from './talk';

function el<K extends keyof HTMLElementTagNameMap>(parent: HTMLElement, tag: K, cls: string, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text) e.textContent = text;
  parent.appendChild(e);
  return e;
}

export class TileControls {
  readonly bar: HTMLElement;
  readonly details: HTMLElement;
  private readonly message: HTMLElement;
  private readonly talkBtn: HTMLButtonElement;
  private readonly snapBtn: HTMLButtonElement;
  private readonly pauseBtn: HTMLButtonElement;
  private readonly listenBtn: HTMLButtonElement;
  private readonly switchBtn: HTMLButtonElement;
  private readonly torchBtn: HTMLButtonElement;
  private readonly recordBtn: HTMLButtonElement;
  private recordId = 0;
  private readonly zoomLabel: HTMLLabelElement;
  private readonly zoom: HTMLInputElement;
  private readonly quality: HTMLSelectElement;
  readonly fullBtn: HTMLButtonElement;
  private call: ViewerCall | null = null;
  private caps: Caps | null = null;
  private state: CamState | null = null;
  private nextId = 1;
  private snapshot: SnapshotReceiver | null = null;
  private statsTimer: number | undefined;
  private readonly listener: Listener;

  constructor(tile: HTMLElement, private readonly video: HTMLVideoElement, private readonly name: () => string) {
    this.details = el(tile, 'p', 'details');
    this.details.setAttribute('aria-label', 'Connection details');
    const bar = (this.bar = el(tile, 'div', 'controls'));
    bar.setAttribute('role', 'toolbar');
    this.talkBtn = el(bar, 'button', 'talk', 'Hold to talk');
    this.talkBtn.setAttribute('aria-pressed', 'false');
    this.talkBtn.title = 'Hold to talk through the camera (or hold T)';
    this.snapBtn = el(bar, 'button', 'snap', 'Snapshot');
    this.pauseBtn = el(bar, 'button', 'pause', 'Pause video');
    this.pauseBtn.setAttribute('aria-pressed', 'false');
    this.listenBtn = el(bar, 'button', 'listen', 'Listen only');
    this.listenBtn.setAttribute('aria-pressed', 'false');
    this.switchBtn = el(bar, 'button', 'switch', 'Switch camera');
    this.torchBtn = el(bar, 'button', 'torch', 'Torch');
    this.torchBtn.setAttribute('aria-pressed', 'false');
    this.zoomLabel = el(bar, 'label', 'zoom', 'Zoom ');
    this.zoom = el(this.zoomLabel, 'input', '');
    this.zoom.type = 'range';
    const qLabel = el(bar, 'label', 'quality', 'Quality ');
    this.quality = el(qLabel, 'select', '');
    for (const p of PRESETS) {
      const o = el(this.quality, 'option', '', PRESET_TEXT[p]);
      o.value = p;
    }
    this.recordBtn = el(bar, 'button', 'record', 'Record now');
    this.recordBtn.title = 'The camera records a clip now (about 30 s, with a few seconds before)';
    this.fullBtn = el(bar, 'button', 'full', 'Full screen');
    this.message = el(tile, 'p', 'control-message hint');
    this.message.setAttribute('role', 'status');
    this.listener = new Listener(video, name);
    for (const b of [this.talkBtn, this.snapBtn, this.pauseBtn, this.listenBtn, this.switchBtn, this.torchBtn, this.recordBtn]) b.type = 'button';
    this.wire();
    this.render();
  }

  /** A new call: its control channel drives the buttons once open. */
  attach(call: ViewerCall): void {
    this.call = call;
    this.caps = this.state = null;
    this.render();
    call.bus.on('control', (c) => {
      if (this.call !== call) return;
      c.send({ t: 'hello', name: '' + this.selfName() });
      c.bus.on('message', (m) => this.receive(c, m));
      c.bus.on('bytes', (b) => {
        if (this.snapshot) this.snapshot.add(b);
      });
      // A preset or pause chosen for an earlier call of this tile applies to the new one.
      const s = this.wanted;
      if (s.preset !== 'auto' || s.paused) this.set({ preset: s.preset, paused: s.paused });
    });
    call.bus.on('state', (s) => {
      if (s === 'connected') this.watchStats(call);
    });
    call.bus.on('ended', () => {
      if (this.call !== call) return;
      this.call = null;
      this.caps = this.state = null;
      if (talker.talking) talker.stop();
      if (this.snapshot) this.snapshot.finish('the call ended');
      clearInterval(this.statsTimer);
      this.details.textContent = '';
      this.details.removeAttribute('data-path');
      this.render();
    });
  }

  /** This device's name, sent to the camera (it shows who is watching). */
  selfName: () => string = () => '';

  /** Tells the camera this device's new name. */
  hello(): void {
    if (this.call && this.call.control) this.call.control.send({ t: 'hello', name: this.selfName() });
  }

  private wanted: { preset: Preset; paused: boolean } = { preset: 'auto', paused: false };

  private watchStats(call: ViewerCall): void {
    clearInterval(this.statsTimer);
    const tick = (): void => {
      if (this.call !== call || call.state === 'ended') return;
      if (document.visibilityState !== 'visible') return;
      call.details().then(
        (d) => {
          if (this.call !== call) return;
          this.details.textContent = detailsText(d);
          this.details.setAttribute('data-path', d.path);
          this.details.setAttribute('data-fps', d.fps === null ? '' : String(Math.round(d.fps)));
          this.details.setAttribute('data-size', d.width && d.height ? d.width + 'x' + d.height : '');
        },
        () => undefined,
      );
    };
    tick();
    this.statsTimer = window.setInterval(tick, 1000);
  }

  private say(text: string): void {
    this.message.textContent = text;
  }

  private set(req: SetRequest): void {
    const c = this.call && this.call.control;
    if (!c) return;
    if (req.preset !== undefined) this.wanted.preset = req.preset;
    if (req.paused !== undefined) this.wanted.paused = req.paused;
    c.send({ t: 'set', id: this.nextId++, set: req });
  }

  private receive(c: ControlChannel, m: ControlMessage): void {
    if (m.t === 'state') {
      this.caps = m.caps;
      this.state = m.state;
      this.render();
    } else if (m.t === 'done' && m.re === this.recordId) {
      this.say('The camera is recording a clip now: it appears under Clips once it is uploaded.');
    } else if (m.t === 'error') {
      this.say(m.message);
    } else if (m.t === 'snap-data') {
      if (this.snapshot) this.snapshot.finish('another one started');
      this.snapshot = new SnapshotReceiver(m, this.name(), (saved, error) => {
        this.snapshot = null;
        this.snapBtn.disabled = !c.open;
        this.say(saved ? 'Snapshot saved: ' + saved.name + ' (' + saved.width + '×' + saved.height + ')' : 'No snapshot: ' + error);
      });
    }
  }

  private wire(): void {
    const press = (e: Event): void => {
      e.preventDefault();
      if (!this.call || talker.talking) return;
      this.talkBtn.setAttribute('aria-pressed', 'true');
      this.video.volume = 0.2; // ducks the camera's sound while talking
      talker.start(this.call).catch((err: Error) => {
        this.release();
        this.say(err.message);
      });
    };
    this.talkBtn.addEventListener('pointerdown', press);
    for (const ev of ['pointerup', 'pointerleave', 'pointercancel']) this.talkBtn.addEventListener(ev, () => this.release());
    this.talkBtn.addEventListener('keydown', (e) => {
      if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) press(e);
    });
    this.talkBtn.addEventListener('keyup', (e) => {
      if (e.key === ' ' || e.key === 'Enter') this.release();
    });
    this.talkBtn.addEventListener('contextmenu', (e) => e.preventDefault());
    this.snapBtn.addEventListener('click', () => {
      const c = this.call && this.call.control;
      if (!c) return;
      this.snapBtn.disabled = true;
      this.say('Taking a snapshot…');
      c.send({ t: 'snap', id: this.nextId++ });
    });
    this.recordBtn.addEventListener('click', () => {
      const c = this.call && this.call.control;
      if (!c) return;
      this.recordId = this.nextId++;
      this.say('Asking the camera to record…');
      c.send({ t: 'record', id: this.recordId });
    });
    this.pauseBtn.addEventListener('click', () => this.set({ paused: !(this.state && this.state.paused) }));
    this.listenBtn.addEventListener('click', () => {
      const on = !this.listener.on;
      this.listener.set(on);
      // Listening only needs no pictures: the camera stops sending them to this viewer.
      this.set({ paused: on });
      this.render();
    });
    this.switchBtn.addEventListener('click', () => {
      this.say('Switching the camera…');
      this.set({ camera: 'next' });
    });
    this.torchBtn.addEventListener('click', () => this.set({ torch: !(this.state && this.state.torch) }));
    this.zoom.addEventListener('change', () => this.set({ zoom: Number(this.zoom.value) }));
    this.quality.addEventListener('change', () => this.set({ preset: this.quality.value as Preset }));
  }

  /** The call's media changed: listening only keeps playing its sound. */
  mediaChanged(): void {
    this.listener.mediaChanged();
  }

  /** Holding T talks to this tile's camera (the page decides which tile). */
  pressTalk(): void {
    this.talkBtn.dispatchEvent(new Event('pointerdown'));
  }

  release(): void {
    if (this.talkBtn.getAttribute('aria-pressed') !== 'true') return;
    this.talkBtn.setAttribute('aria-pressed', 'false');
    this.video.volume = 1;
    talker.stop();
  }

  /** Shows the controls the camera can use, in their current state. */
  private render(): void {
    const open = !!(this.call && this.call.control && this.caps && this.state);
    const caps = this.caps, st = this.state;
    this.bar.setAttribute('data-ready', open ? 'true' : 'false');
    for (const b of [this.talkBtn, this.snapBtn, this.pauseBtn, this.listenBtn, this.switchBtn, this.torchBtn, this.recordBtn]) b.disabled = !open;
    this.zoom.disabled = this.quality.disabled = !open;
    this.switchBtn.hidden = !caps || caps.cameras < 2;
    this.torchBtn.hidden = !caps || !caps.torch;
    this.zoomLabel.hidden = !caps || !caps.zoom;
    this.listenBtn.hidden = !!caps && !caps.sound;
    if (caps && caps.zoom) {
      this.zoom.min = String(caps.zoom.min);
      this.zoom.max = String(caps.zoom.max);
      this.zoom.step = String(caps.zoom.step);
      if (st && st.zoom !== null) this.zoom.value = String(st.zoom);
    }
    if (st) {
      this.torchBtn.setAttribute('aria-pressed', st.torch ? 'true' : 'false');
      this.pauseBtn.setAttribute('aria-pressed', st.paused ? 'true' : 'false');
      this.pauseBtn.textContent = st.paused ? 'Resume video' : 'Pause video';
      this.quality.value = st.preset;
      this.bar.setAttribute('data-camera', st.camera);
      if (this.message.textContent === 'Switching the camera…') this.say('Camera: ' + (st.camera || 'switched'));
    }
    this.listenBtn.setAttribute('aria-pressed', this.listener.on ? 'true' : 'false');
  }
}
