// Checks the pages' crypto against the documented vectors and rules: the pairing proof
// (docs/pairing.md), the sealed envelope (round trip, tampering, wrong slot/direction/call/room),
// invitation parsing and the verification code. Run: node web/test/vectors.mjs (Node 20+).
import assert from 'node:assert/strict';
import { check, finish, load } from './checks.mjs';

const lib = await load(
  `export * from './lib/pairing'; export * from './lib/seal'; export * from './lib/verify'; export * from './lib/b64'; export * from './lib/sdp'; export { iceFrom } from './lib/ice';`,
);

const secret = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const room = 'AAAAAAAAAAAAAAAAAAAA';

await check('proof test vector, camera', async () =>
  assert.equal(await lib.proof({ s: secret, room, role: 'camera' }), 'tOX4YpWkbLH2RU9OaB-UqxazjRolL6J09tyEKj9cVWs'));
await check('proof test vector, viewer', async () =>
  assert.equal(await lib.proof({ s: secret, room, role: 'viewer' }), 'd9DbUF0ODVDVb8FSwv3Nl2DJLDndSUvpfB9xTFVybyg'));

await check('invitation: viewer secret is the sealing secret; camera needs vs', () => {
  const v = lib.parseInvitation(`#v=1&room=${room}&role=viewer&s=${secret}`);
  assert.equal(v.vs, secret);
  assert.throws(() => lib.parseInvitation(`v=1&room=${room}&role=camera&s=${secret}`), /viewer secret/);
  assert.throws(() => lib.parseInvitation(`v=3&room=${room}&role=viewer&s=${secret}`), /version 3/);
  assert.throws(() => lib.parseInvitation(`v=1&room=short&role=viewer&s=${secret}`), /room id/);
  assert.throws(() => lib.parseInvitation(`v=1&room=${room}&role=owner&s=${secret}`), /role/);
  assert.throws(() => lib.parseInvitation(`v=1&room=${room}&role=viewer&s=abc`), /damaged/);
  const found = lib.invitationFromText(` https://x.example/join.html#v=1&room=${room}&role=camera&s=${secret}&vs=${secret} `);
  assert.equal(found.role, 'camera');
  const inMessage = lib.invitationFromText(`Here is the camera: https://x.example/join.html#v=1&room=${room}&role=viewer&s=${secret} (keep it private).`);
  assert.equal(inMessage.s, secret);
  assert.equal(lib.invitationFromText(`v=1&room=${room}&role=viewer&s=${secret}.`).room, room);
});

await check('invitation of its own (format 2): parse, proof test vector, no viewer secret', async () => {
  const inv = lib.parseInvitation(`#v=2&room=${room}&role=viewer&i=AAAAAAAA&s=${secret}&k=${secret}`);
  assert.deepEqual(inv, { room, role: 'viewer', s: secret, i: 'AAAAAAAA', k: secret });
  assert.equal(inv.vs, undefined);
  assert.equal(await lib.proof(inv), 'ont3HbyMl_RJgA88TK1zaeUmTUWTfU9ckYh81Oo7ZO4');
  assert.equal(await lib.proof({ ...inv, role: 'camera' }), 'RXyt2l1LIkmCSw7xyTq2ZeWKLlNHDrAgfb8wsZ8p-iQ');
  assert.throws(() => lib.parseInvitation(`v=2&room=${room}&role=viewer&i=short&s=${secret}&k=${secret}`), /id is damaged/);
  assert.throws(() => lib.parseInvitation(`v=2&room=${room}&role=viewer&i=AAAAAAAA&s=${secret}`), /sealing key/);
  assert.equal(lib.invitationFragment(inv), `v=2&room=${room}&role=viewer&i=AAAAAAAA&s=${secret}&k=${secret}`);
});

await check('the sealing key k of format 2 is the key format 1 derives from the viewer secret', async () => {
  const k = await lib.rawRoomKey({ room, vs: secret });
  assert.equal(k, 'LMUT8I8t6vOkxAJ5humShAdG_IZVBJJcMTcd_P1NNWQ');
  const at0 = { roomId: room, cameraUid: 'cam1', callId: 'viewer1-abcdefgh', dir: 'v', n: 0 };
  const fromVs = await lib.roomSealKey({ room, vs: secret });
  const fromK = await lib.roomSealKey({ room, k });
  assert.equal(await lib.open(fromK, at0, await lib.seal(fromVs, at0, 'both ways')), 'both ways');
  assert.equal(await lib.open(fromVs, at0, await lib.seal(fromK, at0, 'and back')), 'and back');
});

const key = await lib.sealKey(lib.fromB64u(secret), room);
const at = { roomId: room, cameraUid: 'cam1', callId: 'viewer1-abcdefgh', dir: 'v', n: 0 };
const sealed = await lib.seal(key, at, '{"t":"offer","sdp":"v=0"}');

await check('seal: format and round trip', async () => {
  assert.match(sealed, /^1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
  assert.equal(await lib.open(key, at, sealed), '{"t":"offer","sdp":"v=0"}');
});
await check('seal: a message moved to another slot, direction, call, camera or room does not open', async () => {
  for (const other of [{ n: 1 }, { dir: 'c' }, { callId: 'viewer1-zzzzzzzz' }, { cameraUid: 'cam2' }, { roomId: 'BAAAAAAAAAAAAAAAAAAA' }]) {
    await assert.rejects(lib.open(key, Object.assign({}, at, other), sealed), /does not open/, JSON.stringify(other));
  }
});
await check('seal: any changed byte is rejected', async () => {
  const parts = sealed.split('.');
  const ct = lib.fromB64u(parts[2]);
  ct[3] ^= 1;
  await assert.rejects(lib.open(key, at, parts[0] + '.' + parts[1] + '.' + lib.toB64u(ct)), /does not open/);
  await assert.rejects(lib.open(key, at, '2' + sealed.slice(1)), /not a sealed message/);
});
await check('seal: another room key does not open', async () => {
  const other = await lib.sealKey(lib.fromB64u('BwECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'), room);
  await assert.rejects(lib.open(other, at, sealed), /does not open/);
});

await check('verification code: both sides agree; format "ddd ddd"', async () => {
  const offer = 'v=0\r\na=fingerprint:sha-256 ab:cd:ef\r\n';
  const answer = 'v=0\r\na=fingerprint:sha-256 12:34:56\r\n';
  const code = await lib.verificationCode(offer, answer);
  assert.match(code, /^\d{3} \d{3}$/);
  assert.equal(await lib.verificationCode(offer.toUpperCase(), answer), code);
  assert.notEqual(await lib.verificationCode(answer, offer), code);
});

await check('start bitrate: every picture codec of the video sections, nothing else', () => {
  const offer = [
    'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103', 'a=mid:0',
    'a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack',
    'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96',
    'a=rtpmap:102 H264/90000', 'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    'a=rtpmap:103 rtx/90000', 'a=fmtp:103 apt=102',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:1', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1', '',
  ].join('\r\n');
  const out = lib.withStartBitrate(offer, 1000);
  const lines = out.split('\r\n');
  // VP8 had no fmtp line: one follows its rtpmap; H.264's gets the parameter appended.
  assert.equal(lines[lines.indexOf('a=rtpmap:96 VP8/90000') + 1], 'a=fmtp:96 x-google-start-bitrate=1000');
  assert.ok(lines.includes('a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f;x-google-start-bitrate=1000'));
  // Retransmission, audio and everything else unchanged; line endings kept; idempotent.
  assert.ok(lines.includes('a=fmtp:97 apt=96') && lines.includes('a=fmtp:103 apt=102'));
  assert.ok(lines.includes('a=fmtp:111 minptime=10;useinbandfec=1'));
  assert.equal(lines.length, offer.split('\r\n').length + 1);
  assert.ok(out.endsWith('\r\n'));
  assert.equal(lib.withStartBitrate(out, 1000), out);
  assert.equal(lib.withStartBitrate('v=0\r\nm=audio 9 X 111\r\na=rtpmap:111 opus/48000/2\r\n', 1000), 'v=0\r\nm=audio 9 X 111\r\na=rtpmap:111 opus/48000/2\r\n');
});

await check('room ICE servers: sealed for meta/ice of this room only; relayOnly needs TURN; bad values ignored', async () => {
  const base = [{ urls: 'stun:base.example' }];
  const turn = { urls: ['turn:t.example:3478?transport=udp'], username: 'u', credential: 'p' };
  const value = await lib.sealMeta(key, room, 'ice', JSON.stringify({ v: 1, iceServers: [turn], relayOnly: true }));
  assert.deepEqual(await lib.iceFrom(value, key, room, base), { iceServers: [base[0], turn], policy: 'relay' });
  assert.deepEqual(await lib.iceFrom(null, key, room, base), { iceServers: base, policy: 'all' });
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    // Another room, another name, a call slot's value, a damaged list, relayOnly without TURN: the backend's servers only.
    assert.deepEqual(await lib.iceFrom(value, key, 'BAAAAAAAAAAAAAAAAAAA', base), { iceServers: base, policy: 'all' });
    assert.deepEqual(await lib.iceFrom(await lib.sealMeta(key, room, 'other', JSON.stringify({ iceServers: [turn] })), key, room, base), { iceServers: base, policy: 'all' });
    assert.deepEqual(await lib.iceFrom(sealed, key, room, base), { iceServers: base, policy: 'all' });
    assert.deepEqual(await lib.iceFrom(await lib.sealMeta(key, room, 'ice', '{"iceServers":[{"urls":["http://x"]}]}'), key, room, base), { iceServers: base, policy: 'all' });
    const stunOnly = await lib.sealMeta(key, room, 'ice', JSON.stringify({ iceServers: [{ urls: 'stun:s.example' }], relayOnly: true }));
    assert.deepEqual(await lib.iceFrom(stunOnly, key, room, base), { iceServers: [base[0], { urls: ['stun:s.example'] }], policy: 'all' });
  } finally {
    console.warn = warn;
  }
  await assert.rejects(lib.open(key, at, value), /does not open/);
});

finish();
