// Runs the camera page's motion detection and recording (motion.js, the real bundle, opened by
// web/test/motion-page.js) on this browser's fake camera (MotionVideo), as camera.html composes
// them: a RecordingController with medium sensitivity. A second detector, fed the same frames, ignores the object's path (a zone
// whose polygon is the argument). A recorder of its own records a timed clip of 5 s at the start.
// Everything lands in window.__motion; `done` once both clips were recorded and the file's frame
// 228 was analysed.
async (path) => {
  const { m, stream, video } = await window.__openMotionCamera();
  // The frame number drawn in the strip (MotionVideo.FrameNumber): read from the same frame the detector got.
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 240;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  const frameNo = () => {
    g.drawImage(video, 0, 0, 320, 240);
    const row = g.getImageData(0, 231, 320, 1).data;
    let n = 0;
    for (let k = 0; k < 8; k++) if (row[4 * (16 + k * 24)] > 170) n |= 1 << k;
    return n;
  };
  const out = (window.__motion = { frames: [], clips: [], errors: [], done: false });
  const sink = new m.MemorySink(5, (c) => out.clips.push(c));
  const controller = new m.RecordingController(video, sink);
  let zoned = null;
  controller.bus.on('state', (s) => { if (s.error) out.errors.push(s.error); });
  controller.bus.on('frame', (f) => {
    if (!zoned) zoned = new m.MotionDetector(f.width, f.height, m.paramsFor('medium'), [{ kind: 'ignore', points: path }]);
    const z = zoned.analyse(f.luma, f.report.at);
    const r = f.report;
    let sum = 0;
    for (let i = 0; i < f.luma.length; i++) sum += f.luma[i];
    const n = frameNo();
    // The first loop of the file only (chromium plays it again and again).
    if (out.frames.length && n < out.frames[out.frames.length - 1].n - 100) out.looped = true;
    if (out.looped) return;
    out.frames.push({
      n, motion: r.motion, started: r.started, ended: r.ended, recalibrated: r.recalibrated, calibrating: r.calibrating,
      zonedMotion: z.motion, zonedStarted: z.started, mean: sum / f.luma.length, score: r.score,
    });
    if (out.clips.length && out.timed && n >= 228) out.done = true;
  });
  await controller.apply({ detection: true, sensitivity: 'medium', zones: [], timed: null, quality: 'medium', retentionDays: 7 }, stream);
  // Meanwhile a timed clip of 5 s (what the schedule asks for), by a recorder of its own.
  const q = m.QUALITY.medium;
  const source = await m.recordingSource(stream, video, q);
  const timed = new m.ClipRecorder(source.stream, new m.MemorySink(1, (c) => {
    out.timed = c;
    timed.close().then(() => source.stop());
  }), Object.assign({}, m.DEFAULT_RECORDER, { mimeType: m.pickFormat(false).mimeType, videoBitsPerSecond: q.videoKbps * 1000, audioBitsPerSecond: q.audioKbps * 1000 }));
  timed.recordTimed(5000);
}
