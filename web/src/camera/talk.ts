// Talking through the camera (docs/pages.md "Talking"): a viewer's microphone plays on this
// phone's speaker, and while anyone talks the camera's own sound to the viewers is ducked (turned
// down), so that the talker does not hear themselves back through the camera.
import { CameraCall } from '../lib/camera-call';
import { CameraInbox } from '../lib/inbox';

const talkingEl = document.getElementById('talking')!;
const talkBlocked = document.getElementById('talk-blocked')!;

/** How loud the camera's own sound stays while someone talks. */
const DUCKED_GAIN = 0.15;

type AudioContextCtor = new () => AudioContext;

export class CameraTalk {
  private readonly players: { [callId: string]: HTMLAudioElement } = {};
  private readonly talking: { [callId: string]: CameraCall } = {};
  private duck: { ctx: AudioContext; track: MediaStreamTrack } | null = null;

  constructor(private readonly inbox: () => CameraInbox | null, private readonly mic: () => MediaStreamTrack | null) {
    // Browsers play sound only after the person touched the page: retry then.
    document.addEventListener('click', () => this.retryPlay());
  }

  /** A new call: what its viewer says plays here. */
  add(call: CameraCall): void {
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.setAttribute('data-talk', call.callId);
    audio.srcObject = call.talk;
    document.body.appendChild(audio);
    this.players[call.callId] = audio;
    // Blocked until the person touches the page (autoplay rules): say so while someone could talk.
    audio.play().then(() => (talkBlocked.hidden = true), () => (talkBlocked.hidden = false));
    call.bus.on('ended', () => {
      audio.srcObject = null;
      audio.remove();
      delete this.players[call.callId];
      this.set(call, false);
    });
  }

  /** A viewer pressed or released its talk button. */
  set(call: CameraCall, on: boolean): void {
    const was = !!this.talking[call.callId];
    if (was === on) return;
    if (on) {
      this.talking[call.callId] = call;
    } else delete this.talking[call.callId];
    this.show();
    this.updateDuck();
  }

  private retryPlay(): void {
    for (const id of Object.keys(this.players)) this.players[id].play().then(() => (talkBlocked.hidden = true), () => undefined);
  }

  private show(): void {
    const names = Object.keys(this.talking).map((id) => this.talking[id].viewerName || 'A viewer');
    talkingEl.hidden = names.length === 0;
    talkingEl.textContent = names.length ? names.join(' and ') + (names.length === 1 ? ' is' : ' are') + ' talking through this phone.' : '';
  }

  /** Ducks the camera's sound to every viewer while anyone talks (Web Audio), then restores it. */
  private updateDuck(): void {
    const inbox = this.inbox();
    const anyone = Object.keys(this.talking).length > 0;
    const mic = this.mic();
    if (anyone && !this.duck && mic && inbox) {
      const Ctor = (window.AudioContext || (window as unknown as { webkitAudioContext?: AudioContextCtor }).webkitAudioContext) as AudioContextCtor | undefined;
      if (!Ctor) return;
      try {
        const ctx = new Ctor();
        const source = ctx.createMediaStreamSource(new MediaStream([mic]));
        const gain = ctx.createGain();
        gain.gain.value = DUCKED_GAIN;
        const dest = ctx.createMediaStreamDestination();
        source.connect(gain);
        gain.connect(dest);
        ctx.resume().catch(() => undefined);
        const track = dest.stream.getAudioTracks()[0];
        this.duck = { ctx, track };
        inbox.overrideAudio(track);
      } catch (e) {
        console.warn('Could not duck the sound', e);
      }
    } else if (!anyone && this.duck) {
      if (inbox) inbox.overrideAudio(null);
      this.duck.track.stop();
      this.duck.ctx.close().catch(() => undefined);
      this.duck = null;
    }
  }

  /** Whether the camera's sound is ducked now (for the page and the tests). */
  get ducked(): boolean {
    return this.duck !== null;
  }
}
