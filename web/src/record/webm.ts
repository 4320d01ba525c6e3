// The duration of a live WebM recording. MediaRecorder streams WebM (or Matroska) without a
// Duration, so players show no length and cannot seek well. The clip's length is only known when
// it ends, but its bytes leave chunk by chunk: so the first chunk gets a Duration element of 0 in
// its Info section as it is produced (`reserveDuration`), and when the clip ends its 8 bytes are
// overwritten in place (`durationBytes`) — sizes and offsets never change after the first chunk.
// EBML: element = ID (1–4 bytes, marker bits kept) + size (vint, 1–8 bytes) + data.

const EBML = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const SEEK_HEAD = 0x114d9b74;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const CLUSTER = 0x1f43b675;

/** Where the Duration's value lies in the recording's bytes, and its unit. */
export interface DurationSlot {
  /** Offset of the 8-byte big-endian float. */
  at: number;
  /** TimecodeScale in ns (1,000,000 = the Duration counts milliseconds). */
  scale: number;
}

interface Vint {
  value: number;
  length: number;
  /** All value bits set: "unknown size" (live streams). */
  unknown: boolean;
}

function readId(b: Uint8Array, at: number): Vint | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  let length = 1;
  while (length <= 4 && !(first & (0x80 >> (length - 1)))) length++;
  if (length > 4 || at + length > b.length) return null;
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + b[at + i];
  return { value, length, unknown: false };
}

function readSize(b: Uint8Array, at: number): Vint | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  let length = 1;
  while (!(first & (0x80 >> (length - 1)))) length++;
  if (at + length > b.length) return null;
  let value = first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[at + i];
    if (b[at + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: allOnes };
}

/** `value` as a size vint of exactly `length` bytes, or null when it does not fit. */
function writeSize(value: number, length: number): Uint8Array | null {
  if (value >= Math.pow(2, 7 * length) - 1) return null;
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  out[0] |= 0x80 >> (length - 1);
  return out;
}

function readUint(b: Uint8Array, at: number, length: number): number {
  let v = 0;
  for (let i = 0; i < length; i++) v = v * 256 + b[at + i];
  return v;
}

/**
 * Makes room for the Duration in the first bytes of a recording (EBML header, Segment, Info). Gives
 * the new first bytes and where the Duration's value is, or null when they are not a WebM head this
 * understands (the clip then keeps no duration; players and `remotecam` still read it).
 */
export function reserveDuration(head: Uint8Array): { bytes: Uint8Array; slot: DurationSlot } | null {
  const ebml = readId(head, 0);
  if (!ebml || ebml.value !== EBML) return null;
  const ebmlSize = readSize(head, ebml.length);
  if (!ebmlSize || ebmlSize.unknown) return null;
  const segAt = ebml.length + ebmlSize.length + ebmlSize.value;
  const seg = readId(head, segAt);
  if (!seg || seg.value !== SEGMENT) return null;
  const segSize = readSize(head, segAt + seg.length);
  if (!segSize) return null;
  let at = segAt + seg.length + segSize.length;
  // Segment children up to Info. A SeekHead would hold offsets that an insertion shifts: leave those files alone.
  for (;;) {
    const id = readId(head, at);
    if (!id) return null;
    const size = readSize(head, at + id.length);
    if (!size || size.unknown) return null;
    const dataAt = at + id.length + size.length;
    if (id.value === SEEK_HEAD || id.value === CLUSTER) return null;
    if (id.value !== INFO) {
      at = dataAt + size.value;
      continue;
    }
    if (dataAt + size.value > head.length) return null;
    return withDuration(head, segAt + seg.length, segSize, at + id.length, size, dataAt);
  }
}

function withDuration(head: Uint8Array, segSizeAt: number, segSize: Vint, infoSizeAt: number, infoSize: Vint, infoAt: number): { bytes: Uint8Array; slot: DurationSlot } | null {
  const end = infoAt + infoSize.value;
  let scale = 1000000;
  let at = infoAt;
  while (at < end) {
    const id = readId(head, at);
    const size = id && readSize(head, at + id.length);
    if (!id || !size || size.unknown) return null;
    const dataAt = at + id.length + size.length;
    if (id.value === TIMECODE_SCALE && size.value >= 1 && size.value <= 8) scale = readUint(head, dataAt, size.value) || 1000000;
    if (id.value === DURATION) {
      // Already there (a browser that writes one): overwrite it in place, if it is a double.
      return size.value === 8 ? { bytes: head, slot: { at: dataAt, scale } } : null;
    }
    at = dataAt + size.value;
  }
  // Append Duration (ID 44 89, size 1 byte = 8, value 0.0) at the end of Info.
  const added = 11;
  const newInfoSize = writeSize(infoSize.value + added, infoSize.length);
  if (!newInfoSize) return null;
  let newSegSize: Uint8Array | null = null;
  if (!segSize.unknown) {
    newSegSize = writeSize(segSize.value + added, segSize.length);
    if (!newSegSize) return null;
  }
  const out = new Uint8Array(head.length + added);
  out.set(head.subarray(0, end), 0);
  out.set([0x44, 0x89, 0x88, 0, 0, 0, 0, 0, 0, 0, 0], end);
  out.set(head.subarray(end), end + added);
  out.set(newInfoSize, infoSizeAt);
  if (newSegSize) out.set(newSegSize, segSizeAt);
  return { bytes: out, slot: { at: end + 3, scale } };
}

/** The Duration's 8 bytes for a clip of `ms` milliseconds, in the file's TimecodeScale. */
export function durationBytes(ms: number, slot: DurationSlot): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, (ms * 1000000) / slot.scale);
  return out;
}
