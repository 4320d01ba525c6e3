// Push-to-talk on the viewer (docs/pages.md "Talking"): while the person holds a tile's talk
// button (or the T key), this device's microphone goes to that camera's speaker. The call was set
// up with an audio sender for it, so talking only swaps the sender's track (no renegotiation).
// The microphone stays open for a moment after release, so that the next words are not cut.
import { ViewerCall } from '../lib/viewer-call';

const KEEP_MIC_MS = 30000;

export class Talker {
  private mic: MediaStream | null = null;
  private opening: Promise<MediaStream> | null = null;
  private call: ViewerCall | null = null;
  private closeTimer: number | undefined;
  private wanted = false;

  /** Whether the person is talking now (holding the button). */
  get talking(): boolean {
    return this.call !== null;
  }

  private openMic(): Promise<MediaStream> {
    if (this.mic && this.mic.getAudioTracks().some((t) => t.readyState === 'live')) return Promise.resolve(this.mic);
    if (!this.opening) {
      this.opening = navigator.mediaDevices
        .getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true }, video: false })
        .then((s) => {
          this.mic = s;
          return s;
        });
      const done = (): void => {
        this.opening = null;
      };
      this.opening.then(done, done);
    }
    return this.opening;
  }

  /** Starts talking on `call`; resolves once the microphone is on (or throws why not). */
  async start(call: ViewerCall): Promise<void> {
    this.wanted = true;
    clearTimeout(this.closeTimer);
    let mic: MediaStream;
    try {
      mic = await this.openMic();
    } catch (e) {
      this.wanted = false;
      const name = e && typeof e === 'object' && 'name' in e ? String((e as { name: string }).name) : '';
      throw new Error(
        name === 'NotAllowedError'
          ? 'Microphone permission denied: allow the microphone for this site to talk.'
          : name === 'NotFoundError'
            ? 'This device has no microphone.'
            : 'The microphone did not start: ' + (e instanceof Error ? e.message : String(e)),
      );
    }
    // Released while the microphone was still opening: nothing to say.
    if (!this.wanted) return;
    if (this.call && this.call !== call) await this.stop();
    this.call = call;
    await call.setTalkTrack(mic.getAudioTracks()[0]);
    if (call.control) call.control.send({ t: 'talk', on: true });
  }

  /** Stops talking; the microphone closes a little later. */
  async stop(): Promise<void> {
    this.wanted = false;
    const call = this.call;
    this.call = null;
    if (call) {
      if (call.control) call.control.send({ t: 'talk', on: false });
      await call.setTalkTrack(null).catch(() => undefined);
    }
    clearTimeout(this.closeTimer);
    this.closeTimer = window.setTimeout(() => {
      if (this.call || !this.mic) return;
      for (const t of this.mic.getTracks()) t.stop();
      this.mic = null;
    }, KEEP_MIC_MS);
  }
}

export const talker = new Talker();
