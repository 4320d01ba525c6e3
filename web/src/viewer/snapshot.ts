// Receiving a snapshot on the viewer (docs/protocol.md "Control channel"): the camera's
// `snap-data` header, then its bytes in binary messages, saved as a file on this device.
import { MAX_SNAPSHOT } from '../lib/control';

const TIMEOUT_MS = 60000;

export interface Saved {
  name: string;
  width: number;
  height: number;
  size: number;
}

/** One snapshot on its way: collects the bytes announced by the header. */
export class SnapshotReceiver {
  private parts: ArrayBuffer[] = [];
  private got = 0;
  private timer: number;

  constructor(
    private readonly header: { mime: string; size: number; width: number; height: number },
    private readonly cameraName: string,
    private readonly done: (saved: Saved | null, error?: string) => void,
  ) {
    this.timer = window.setTimeout(() => this.finish('the camera stopped sending it'), TIMEOUT_MS);
    if (header.size > MAX_SNAPSHOT) this.finish('it is larger than ' + MAX_SNAPSHOT / 1048576 + ' MB');
    else if (header.size === 0) this.finish('it is empty');
  }

  /** Whether the snapshot still waits for bytes. */
  get open(): boolean {
    return this.timer !== 0;
  }

  add(bytes: ArrayBuffer): void {
    if (!this.open) return;
    this.parts.push(bytes);
    this.got += bytes.byteLength;
    if (this.got > this.header.size) this.finish('more bytes arrived than announced');
    else if (this.got === this.header.size) this.save();
  }

  private save(): void {
    const blob = new Blob(this.parts, { type: this.header.mime });
    const stamp = new Date().toISOString().replace(/\.\d+Z$/, '').replace(/[:T]/g, '-');
    const safe = this.cameraName.replace(/[^A-Za-z0-9 _-]+/g, '').trim() || 'camera';
    const name = 'RemoteCam ' + safe + ' ' + stamp + (this.header.mime === 'image/png' ? '.png' : '.jpg');
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    window.setTimeout(() => {
      URL.revokeObjectURL(a.href);
      a.remove();
    }, 10000);
    this.stop();
    this.done({ name, width: this.header.width, height: this.header.height, size: this.header.size });
  }

  /** Gives up (the call ended, or the camera failed). */
  finish(error: string): void {
    if (!this.open) return;
    this.stop();
    this.done(null, error);
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = 0;
    this.parts = [];
  }
}
