// bench/run.sh motion, part 1 (run in a page of the relay's origin): the motion detector's cost per
// 160×120 frame against a plain frame copy (getImageData of the same canvas), measured in the
// same page and run. Frames come from the fake camera (a moving test pattern), captured first; the
// detector then analyses them in order as if at 5 per second. Samples are batches of `batch`
// frames (performance.now() is coarse in browsers), per frame. Needs web/test/motion-page.js first.
async ({ frames: count, batch, rounds }) => {
  const { m, stream, video } = await window.__openMotionCamera();
  const W = 160, H = 120;
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  const frames = [];
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, 50));
    g.drawImage(video, 0, 0, W, H);
    frames.push(g.getImageData(0, 0, W, H).data.slice());
  }
  for (const t of stream.getTracks()) t.stop();
  const detector = new m.MotionDetector(W, H, m.paramsFor('medium'), []);
  const luma = new Uint8Array(W * H);
  const detect = [], copy = [];
  let at = 0, motion = 0, analysed = 0;
  for (let round = 0; round <= rounds; round++) {
    for (let i = 0; i + batch <= frames.length; i += batch) {
      const t0 = performance.now();
      for (let j = 0; j < batch; j++) {
        m.lumaFromRgba(frames[i + j], luma);
        const r = detector.analyse(luma, (at += 200));
        if (round > 0 && r.motion) motion++;
      }
      const t1 = performance.now();
      for (let j = 0; j < batch; j++) g.getImageData(0, 0, W, H);
      const t2 = performance.now();
      // Round 0 warms the JIT up: not counted.
      if (round > 0) {
        detect.push((t1 - t0) / batch);
        copy.push((t2 - t1) / batch);
        analysed += batch;
      }
    }
  }
  return { detect, copy, analysed, motion };
}
