// Checks the motion detector's pure core (web/src/motion) on synthetic 160×120 frames: a noisy
// still scene, an object crossing, a sudden brightness change (offset, gain, lights), zones, and
// sensitivities. Run: node web/test/motion.mjs (Node 20+). Exit code 1 on any failure.
import assert from 'node:assert/strict';
import { check, finish, load } from './checks.mjs';

const lib = await load(`export * from './motion/detector'; export * from './motion/params'; export * from './motion/zones';`);

const W = 160, H = 120, FPS = 5, DT = 1000 / FPS;

// Deterministic noise (xorshift + Box-Muller), so every run sees the same frames.
function rng(seed) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
}

/** A textured still scene (mid tones, so that brightness changes do not clip). */
function scene() {
  const f = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) f[y * W + x] = 118 + 50 * Math.sin(x / 5) * Math.cos(y / 4) + 10 * Math.sin((x + y) / 11);
  return f;
}

/**
 * Frames of `count` × 200 ms: `draw(frame index, float pixels)` may change the scene; noise of
 * `sigma` is added; returns the detector's reports.
 */
function run({ frames: count, sigma = 5, params = lib.SENSITIVITY.medium, zones = [], draw = () => {}, seed = 7 }) {
  const noise = rng(seed);
  const base = scene();
  const det = new lib.MotionDetector(W, H, params, zones);
  const luma = new Uint8Array(W * H);
  const reports = [];
  for (let k = 0; k < count; k++) {
    const f = base.slice();
    draw(k, f);
    for (let i = 0; i < f.length; i++) luma[i] = Math.max(0, Math.min(255, Math.round(f[i] + sigma * noise())));
    reports.push(det.analyse(luma, k * DT));
  }
  return reports;
}

function box(f, x0, y0, w, h, value) {
  for (let y = Math.max(0, y0); y < Math.min(H, y0 + h); y++) for (let x = Math.max(0, x0); x < Math.min(W, x0 + w); x++) f[y * W + x] = value;
}

const events = (reports) => ({
  starts: reports.filter((r) => r.started).map((r) => r.at / DT),
  ends: reports.filter((r) => r.ended).map((r) => r.at / DT),
  motionFrames: reports.filter((r) => r.motion).length,
});

// An object 16×20 px (1.7 % of the frame) crosses from frame 40 to frame 60, left to right at mid height.
const crossing = (k, f) => {
  if (k >= 40 && k < 60) box(f, -16 + (k - 40) * 9, 50, 16, 20, 15);
};

await check('a noisy still scene has no motion at any sensitivity', () => {
  for (const s of ['low', 'medium', 'high']) {
    for (const sigma of [3, 8]) {
      const e = events(run({ frames: 150, sigma, params: lib.SENSITIVITY[s] }));
      assert.deepEqual(e.starts, [], `${s}, noise σ=${sigma}: events at ${e.starts}`);
      assert.equal(e.motionFrames, 0, `${s}, noise σ=${sigma}`);
    }
  }
});

await check('calibration ends within 2 s of a still scene', () => {
  const r = run({ frames: 30 });
  const last = r.findIndex((x) => !x.calibrating);
  assert.ok(last > 0 && last <= 11, 'calibrating until frame ' + last);
});

await check('an object crossing starts one event at once and ends it 2 s after it left', () => {
  const r = run({ frames: 100, draw: crossing });
  const e = events(r);
  assert.equal(e.starts.length, 1, 'starts at ' + e.starts);
  assert.equal(e.ends.length, 1, 'ends at ' + e.ends);
  // Starts after 2 motion frames (startFrames), i.e. by frame 42; ends endMs = 2 s (10 frames) after frame 59.
  assert.ok(e.starts[0] >= 40 && e.starts[0] <= 42, 'started at frame ' + e.starts[0]);
  assert.ok(e.ends[0] >= 69 && e.ends[0] <= 71, 'ended at frame ' + e.ends[0]);
  const peaks = r.filter((x) => x.peak).map((x) => x.at / DT);
  assert.ok(peaks.length > 0 && peaks.every((k) => k >= 40 && k < 60), 'peaks at ' + peaks);
  const mid = r[50];
  assert.ok(mid.box && mid.box.y < 70 / H && mid.box.y + mid.box.h > 50 / H, 'box ' + JSON.stringify(mid.box));
  assert.ok(mid.score > 0.01 && mid.score < 0.05, 'score ' + mid.score);
});

await check('a sudden brightness change (offset, gain, both) is no motion', () => {
  const changes = {
    'brighter by 50': (v) => v + 50,
    'darker by 60': (v) => v - 60,
    'gain 0.6': (v) => 0.6 * v,
    'gain 1.4 and offset -20': (v) => 1.4 * v - 20,
    // Half the pixels change by more than the threshold: no light switch, only the compensation helps.
    'gain 0.75': (v) => 0.75 * v,
    'gain 1.2 and offset 8': (v) => 1.2 * v + 8,
  };
  for (const [name, change] of Object.entries(changes)) {
    const r = run({ frames: 120, draw: (k, f) => { if (k >= 40 && k < 80) for (let i = 0; i < f.length; i++) f[i] = change(f[i]); } });
    const e = events(r);
    assert.deepEqual(e.starts, [], `${name}: events at ${e.starts}`);
    assert.equal(e.motionFrames, 0, name);
  }
});

await check('lights switched on in most of the frame recalibrate without an event', () => {
  // The left 80 % of the picture lights up by 90 and gains contrast, the right part stays.
  const r = run({ frames: 120, draw: (k, f) => {
    if (k < 40) return;
    for (let y = 0; y < H; y++) for (let x = 0; x < W * 0.8; x++) f[y * W + x] = 1.3 * f[y * W + x] + 40 + 30 * Math.sin(y / 9);
  } });
  const e = events(r);
  assert.deepEqual(e.starts, [], 'events at ' + e.starts);
  assert.ok(r.some((x) => x.recalibrated), 'never recalibrated');
});

await check('an object still counts when the exposure changes with it', () => {
  // A big object (30 % of the frame) enters while the camera darkens the whole picture by 20 %.
  const r = run({ frames: 100, draw: (k, f) => {
    if (k < 40 || k >= 70) return;
    box(f, 10, 10, 70, 80, 230);
    for (let i = 0; i < f.length; i++) f[i] *= 0.8;
  } });
  const e = events(r);
  assert.equal(e.starts.length, 1, 'starts at ' + e.starts);
  assert.ok(e.starts[0] <= 42, 'started at frame ' + e.starts[0]);
});

await check('motion inside an ignored zone is no motion; a watch zone elsewhere sees nothing', () => {
  const band = { kind: 'ignore', points: [[0, 0.35], [1, 0.35], [1, 0.65], [0, 0.65]] };
  let e = events(run({ frames: 100, draw: crossing, zones: [band] }));
  assert.deepEqual(e.starts, [], 'ignored: events at ' + e.starts);
  assert.equal(e.motionFrames, 0);
  const top = { kind: 'watch', points: [[0, 0], [1, 0], [1, 0.3], [0, 0.3]] };
  e = events(run({ frames: 100, draw: crossing, zones: [top] }));
  assert.deepEqual(e.starts, [], 'watch elsewhere: events at ' + e.starts);
  const path = { kind: 'watch', points: [[0, 0.3], [1, 0.3], [1, 0.7], [0, 0.7]] };
  e = events(run({ frames: 100, draw: crossing, zones: [path] }));
  assert.equal(e.starts.length, 1, 'watch on the path: events at ' + e.starts);
});

await check('sensitivity: a small object is seen by high only, a medium one by medium and high', () => {
  const small = (k, f) => { if (k >= 40 && k < 60) box(f, 20 + (k - 40) * 4, 40, 5, 5, 10); }; // 25 px, 0.13 %
  const medium = (k, f) => { if (k >= 40 && k < 60) box(f, 20 + (k - 40) * 4, 40, 10, 10, 10); }; // 100 px, 0.52 %
  const seen = (draw, s) => events(run({ frames: 90, draw, params: lib.SENSITIVITY[s] })).starts.length > 0;
  assert.deepEqual(['low', 'medium', 'high'].map((s) => seen(small, s)), [false, false, true], 'small object');
  assert.deepEqual(['low', 'medium', 'high'].map((s) => seen(medium, s)), [false, true, true], 'medium object');
});

await check('zones: polygons rasterise in normalised coordinates; bad input is dropped and bounded', () => {
  const m = lib.zoneMask([{ kind: 'ignore', points: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] }], 10, 4);
  assert.deepEqual(Array.from(m.slice(0, 10)), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  const tri = lib.zoneMask([{ kind: 'watch', points: [[0, 0], [1, 0], [0, 1]] }], 4, 4);
  assert.equal(tri.reduce((a, b) => a + b, 0), 6);
  const parsed = lib.parseZones([
    { kind: 'watch', points: [[0, 0], [2, 0], [0, 1]] },
    { kind: 'other', points: [[0, 0], [1, 0], [0, 1]] },
    { kind: 'ignore', points: [[0, 0], [1, 'x']] },
    'junk',
    ...Array.from({ length: 20 }, () => ({ kind: 'ignore', points: [[0, 0], [1, 0], [1, 1]] })),
  ]);
  assert.deepEqual(parsed[0], { kind: 'watch', points: [[0, 0], [1, 0], [0, 1]] });
  assert.ok(parsed.length <= lib.MAX_ZONES);
  assert.deepEqual(lib.parseZones('nope'), []);
});

await check('luma from RGBA uses BT.601 weights', () => {
  const out = new Uint8Array(3);
  lib.lumaFromRgba(new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 255, 255, 255, 255]), out);
  assert.deepEqual(Array.from(out), [76, 149, 255]);
});

finish();
console.log('all motion checks passed');
