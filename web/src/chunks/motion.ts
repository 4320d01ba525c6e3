// Motion detection and recording, a separate bundle (motion.js) that the camera page loads only
// when detection or recording is on, so that a camera that only streams never downloads it.
import { clipKeys } from '../lib/clip';
import { QUALITY } from '../lib/settings';
import { StoredObjects } from '../lib/storage';
import { MotionDetector, lumaFromRgba } from '../motion/detector';
import { SENSITIVITY, paramsFor } from '../motion/params';
import { MotionWatcher } from '../motion/watcher';
import { zoneMask } from '../motion/zones';
import { RecordingController } from '../record/controller';
import { pickFormat } from '../record/formats';
import { ClipRecorder, DEFAULT_RECORDER } from '../record/recorder';
import { MemorySink, clipBlob } from '../record/sink';
import { ClipQueue, QUEUE_LIMIT_BYTES, QueueSink } from '../record/queue';
import { RETENTION_EVERY_MS, deleteOlder } from '../record/retention';
import { recordingSource } from '../record/source';
import { Uploader } from '../record/upload';

const api = {
  RecordingController,
  MemorySink,
  // Store and forward to the room (docs/pages.md "Clips").
  clipKeys,
  ClipQueue,
  QueueSink,
  QUEUE_LIMIT_BYTES,
  Uploader,
  StoredObjects,
  deleteOlder,
  RETENTION_EVERY_MS,
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
