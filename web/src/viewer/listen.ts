// Listening only (docs/pages.md "Listening with the screen off"): the camera stops sending this
// viewer pictures, and its sound plays through an audio element with Media Session metadata —
// the kind of playback phones keep going with the screen off where the browser allows it.
export class Listener {
  on = false;
  private audio: HTMLAudioElement | null = null;

  constructor(private readonly video: HTMLVideoElement, private readonly name: () => string) {}

  set(on: boolean): void {
    this.on = on;
    const tile = this.video.parentElement;
    if (tile) tile.classList.toggle('listening', on);
    if (on) {
      if (!this.audio) {
        this.audio = document.createElement('audio');
        this.audio.className = 'listen-audio';
        this.video.after(this.audio);
      }
      this.video.muted = true;
      this.play();
      const ms = (navigator as Navigator & { mediaSession?: MediaSession }).mediaSession;
      if (ms && typeof MediaMetadata !== 'undefined') {
        ms.metadata = new MediaMetadata({ title: 'Listening: ' + this.name(), artist: 'RemoteCam' });
      }
    } else if (this.audio) {
      this.audio.srcObject = null;
      this.audio.remove();
      this.audio = null;
    }
  }

  /** The call's media changed (a new call): keep playing its sound. */
  mediaChanged(): void {
    if (this.on) this.play();
  }

  private play(): void {
    const stream = this.video.srcObject instanceof MediaStream ? this.video.srcObject : null;
    if (!this.audio) return;
    this.audio.srcObject = stream ? new MediaStream(stream.getAudioTracks()) : null;
    this.audio.play().catch(() => undefined);
  }
}
