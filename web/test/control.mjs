// Checks the control channel's protocol (web/src/lib/control.ts: what is accepted and what is
// ignored), the quality presets as set on a sender (lib/quality.ts) and the connection details
// read from getStats (lib/stats.ts), outside a browser. Run: node web/test/control.mjs.
import assert from 'node:assert/strict';
import { check, finish, load } from './checks.mjs';

const lib = await load(`export * from './lib/control'; export * from './lib/quality'; export * from './lib/stats';`);
const { parseControl, applyPreset, StatsSampler, detailsText } = lib;
const msg = (o) => JSON.stringify(Object.assign({ v: 1 }, o));

const caps = { cameras: 2, torch: true, zoom: { min: 1, max: 8, step: 0.5 }, sound: false };
const state = { camera: 'camera2 0, facing back', facing: 'environment', torch: false, zoom: 1, width: 1280, height: 720, fps: 24, preset: 'auto', paused: false, resting: false };

await check('every message of protocol v1 is accepted as sent', () => {
  for (const m of [
    { t: 'hello', name: 'Kitchen tablet' },
    { t: 'set', id: 3, set: { camera: 'next', torch: true, zoom: 2.5, preset: 'low', paused: true } },
    { t: 'snap', id: 4 },
    { t: 'talk', on: false },
    { t: 'record', id: 5 },
    { t: 'state', name: 'Garage', caps, state },
    { t: 'done', re: 3 },
    { t: 'error', re: 3, message: 'this camera has no torch' },
    { t: 'snap-data', re: 4, mime: 'image/jpeg', size: 123456, width: 1280, height: 720 },
  ]) {
    assert.deepEqual(parseControl(msg(m)), Object.assign({ v: 1 }, m), m.t);
  }
  // A camera that cannot zoom says null.
  assert.equal(parseControl(msg({ t: 'state', name: 'G', caps: Object.assign({}, caps, { zoom: null }), state })).caps.zoom, null);
});

await check('other versions, unknown types, wrong fields and oversized text are ignored', () => {
  const bad = [
    '{"v":2,"t":"hello","name":"x"}',
    JSON.stringify({ t: 'hello', name: 'x' }),
    msg({ t: 'reboot' }),
    msg({ t: 'hello', name: 'x'.repeat(41) }),
    msg({ t: 'hello', name: 5 }),
    msg({ t: 'set', id: 1, set: { camera: 'front' } }),
    msg({ t: 'set', id: 1, set: { preset: 'ultra' } }),
    msg({ t: 'set', id: 1, set: { torch: 'on' } }),
    msg({ t: 'set', id: '1', set: {} }),
    msg({ t: 'set', id: 1, set: [] }),
    msg({ t: 'talk', on: 1 }),
    msg({ t: 'record', id: 'now' }),
    msg({ t: 'state', name: 'G', caps, state: Object.assign({}, state, { preset: 'x' }) }),
    msg({ t: 'state', name: 'G', caps: { cameras: 1 }, state }),
    msg({ t: 'snap-data', re: 1, mime: 'image/jpeg', size: -1, width: 1, height: 1 }),
    msg({ t: 'error', re: 1, message: 'x'.repeat(501) }),
    msg({ t: 'hello', name: 'x', pad: 'y'.repeat(9000) }),
    'not json',
    '[1,2]',
    'null',
  ];
  for (const text of bad) assert.equal(parseControl(text), null, text.slice(0, 60));
  // A zoom range that is not a range is no zoom.
  assert.equal(parseControl(msg({ t: 'state', name: 'G', caps: Object.assign({}, caps, { zoom: { min: 2, max: 2, step: 1 } }), state })).caps.zoom, null);
});

function fakeSender(encodings) {
  const sender = { set: null, getParameters: () => ({ transactionId: 't', encodings: encodings.map((e) => Object.assign({}, e)) }), setParameters: async (p) => (sender.set = p) };
  return sender;
}

await check('presets scale down, cap frame rate and bitrate; auto removes the limits; pause makes the encoding inactive', async () => {
  const s = fakeSender([{ active: true }]);
  await applyPreset(s, 'low', false, 720);
  assert.deepEqual(s.set.encodings[0], { active: true, maxBitrate: 250000, maxFramerate: 10, scaleResolutionDownBy: 3 });
  assert.equal(s.set.transactionId, 't');
  await applyPreset(s, 'medium', false, 720);
  assert.deepEqual(s.set.encodings[0], { active: true, maxBitrate: 900000, maxFramerate: 15, scaleResolutionDownBy: 1.5 });
  await applyPreset(s, 'high', false, 1080);
  assert.equal(s.set.encodings[0].scaleResolutionDownBy, 1.5);
  await applyPreset(s, 'low', false, 180);
  assert.equal(s.set.encodings[0].scaleResolutionDownBy, 1, 'never scaled up');
  const t = fakeSender([{ active: true, maxBitrate: 1, maxFramerate: 1, scaleResolutionDownBy: 4 }]);
  await applyPreset(t, 'auto', true, 720);
  assert.deepEqual(t.set.encodings[0], { active: false, scaleResolutionDownBy: 1 });
  const empty = fakeSender([]);
  await applyPreset(empty, 'auto', false, 720);
  assert.deepEqual(empty.set.encodings, [{ active: true, scaleResolutionDownBy: 1 }]);
});

/** A peer connection whose getStats returns `report(i)` on its i-th call. */
function fakePc(reports) {
  let i = 0;
  return { getStats: async () => new Map(reports[Math.min(i++, reports.length - 1)].map((s) => [s.id, s])) };
}

function report(local, remote, extra) {
  return [
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
    { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', currentRoundTripTime: 0.0123 },
    Object.assign({ id: 'L', type: 'local-candidate' }, local),
    Object.assign({ id: 'R', type: 'remote-candidate' }, remote),
    ...extra,
  ];
}

await check('the path is named from the selected pair; rates come from two samples', async () => {
  const video = (bytes, frames, lost, received) => ({ id: 'V', type: 'inbound-rtp', kind: 'video', bytesReceived: bytes, packetsReceived: received, packetsLost: lost, framesDecoded: frames, framesPerSecond: 24, frameWidth: 1280, frameHeight: 720 });
  const host = new StatsSampler(fakePc([report({ candidateType: 'host' }, { candidateType: 'host' }, [video(0, 0, 0, 0)]), report({ candidateType: 'host' }, { candidateType: 'host' }, [video(250000, 24, 2, 198)])]), 'in');
  const first = await host.sample();
  assert.equal(first.path, 'direct');
  assert.equal(first.route, 'direct, same network');
  assert.equal(first.kbps, null, 'no rate from one sample');
  assert.equal(Math.round(first.rttMs), 12);
  await new Promise((r) => setTimeout(r, 200));
  const second = await host.sample();
  assert.ok(second.kbps > 5000 && second.kbps < 11000, 'kbit/s over the ~0.2 s between samples: ' + second.kbps);
  assert.equal(second.lossPct, 1);
  assert.match(detailsText(second), /^direct, same network · 12 ms · \d+\.\d Mbit\/s · 24 fps · 1280×720 · 1\.0% lost$/);

  const nat = await new StatsSampler(fakePc([report({ candidateType: 'srflx' }, { candidateType: 'prflx' }, [])]), 'in').sample();
  assert.equal(nat.route, 'direct, through NAT');
  const prflx = await new StatsSampler(fakePc([report({ candidateType: 'host' }, { candidateType: 'prflx' }, [])]), 'in').sample();
  assert.equal(prflx.route, 'direct');
  const turn = await new StatsSampler(fakePc([report({ candidateType: 'relay', url: 'turn:turn.example:3478?transport=udp' }, { candidateType: 'host' }, [])]), 'in').sample();
  assert.equal(turn.path, 'turn');
  assert.equal(turn.route, 'via TURN turn:turn.example:3478');
  const theirs = await new StatsSampler(fakePc([report({ candidateType: 'host' }, { candidateType: 'relay' }, [])]), 'in').sample();
  assert.equal(theirs.route, "via the other side's TURN server");
  const none = await new StatsSampler(fakePc([[]]), 'in').sample();
  assert.equal(none.path, '');
  assert.equal(detailsText(none), 'finding a path…');
});

finish();
