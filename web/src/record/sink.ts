// Where a clip's bytes go while it is recorded. The recorder hands each clip's bytes over in
// order as MediaRecorder produces them (about one piece a second), so a sink can seal and queue
// them piece by piece with bounded memory (docs/clips.md's 256 KiB chunks), and tells it at the
// end what only the end knows: the real duration (with the bytes to write over the WebM head to
// say it), the thumbnail, the reason. MemorySink keeps the last few clips in memory.

export type ClipReason = 'motion' | 'timed' | 'manual';

export interface ClipStart {
  reason: ClipReason;
  /** When the clip's first frame was recorded (this device's clock, ms since 1970): pre-roll included. */
  startedAt: number;
  /** The recording's type, e.g. `video/webm;codecs=vp8`. */
  mimeType: string;
}

export interface ClipEnd {
  /** The clip's real length (ms), measured from its recorder's start to its stop. */
  durationMs: number;
  /** Bytes written in all. */
  size: number;
  /**
   * Overwrite the clip's bytes at `at` with `bytes` before it is played or sealed for good: the
   * WebM Duration, known only now (always within the first 4 KiB). Null for MP4 or an unusual head.
   */
  patch: { at: number; bytes: Uint8Array } | null;
  /** The frame with the most motion (motion clips), or a frame of the clip; JPEG. */
  thumbnail: Blob | null;
  /** How long before the trigger the clip starts (ms). */
  preRollMs: number;
  /** The highest motion score of the clip's event (0…1), 0 for clips without motion. */
  peakScore: number;
  /** Why it was recorded, in the end: a timed clip that caught motion became a motion clip. */
  reason: ClipReason;
}

export interface ClipWriter {
  /** The clip's next bytes, in order. */
  write(bytes: Uint8Array): void | Promise<void>;
  /** The clip is complete. */
  end(info: ClipEnd): void | Promise<void>;
  /** The recording failed: the bytes written so far are not a clip. */
  fail(reason: string): void;
}

export interface ClipSink {
  /** A clip begins. */
  open(clip: ClipStart): ClipWriter;
}

/** The patched bytes of a finished clip as one Blob. */
export function clipBlob(parts: Uint8Array[], mimeType: string, patch: ClipEnd['patch']): Blob {
  if (patch) {
    let offset = 0;
    for (const p of parts) {
      const from = Math.max(0, patch.at - offset);
      const to = Math.min(p.length, patch.at + patch.bytes.length - offset);
      if (from < to) p.set(patch.bytes.subarray(from + offset - patch.at, to + offset - patch.at), from);
      offset += p.length;
    }
  }
  return new Blob(parts as BlobPart[], { type: mimeType.split(';')[0] || 'video/webm' });
}

export interface StoredClip extends ClipStart, ClipEnd {
  blob: Blob;
}

/** Keeps the last `keep` clips in memory (until the page closes) and tells `onClip` of each. */
export class MemorySink implements ClipSink {
  readonly clips: StoredClip[] = [];

  constructor(private readonly keep: number, private readonly onClip: (clip: StoredClip) => void = () => undefined) {}

  open(clip: ClipStart): ClipWriter {
    const parts: Uint8Array[] = [];
    return {
      write: (bytes) => {
        parts.push(bytes);
      },
      end: (info) => {
        const stored: StoredClip = Object.assign({}, clip, info, { blob: clipBlob(parts, clip.mimeType, info.patch) });
        this.clips.push(stored);
        while (this.clips.length > this.keep) this.clips.shift();
        this.onClip(stored);
      },
      fail: () => {
        parts.length = 0;
      },
    };
  }
}
