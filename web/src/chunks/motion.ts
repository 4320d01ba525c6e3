// Motion detection and recording, a separate bundle (motion.js) that the camera page loads only
// when detection or recording is on, so that a camera that only streams never downloads it.
import { QUALITY } from '../lib/settings';
import { MotionDetector, lumaFromRgba } from '../motion/detector';
import { SENSITIVITY, paramsFor } from '../motion/params';
import { MotionWatcher } from '../motion/watcher';
import { zoneMask } from '../motion/zones';
import { RecordingController } from '../record/controller';
import { pickFormat } from '../record/formats';
import { ClipRecorder, DEFAULT_RECORDER } from '../record/recorder';
import { MemorySink, clipBlob } from '../record/sink';
import { recordingSource } from '../record/source';

const api = {
  RecordingController,
  MemorySink,
  // The parts, for the end-to-end tests and the bench (bench/run.sh motion).
  MotionDetector,
  MotionWatcher,
  ClipRecorder,
  DEFAULT_RECORDER,
  QUALITY,
  SENSITIVITY,
  paramsFor,
  lumaFromRgba,
  zoneMask,
  pickFormat,
  recordingSource,
  clipBlob,
};

export type MotionChunk = typeof api;

(window as unknown as { remotecamMotion: MotionChunk }).remotecamMotion = api;
