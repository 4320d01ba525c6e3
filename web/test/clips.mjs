// Checks the pages' clip format (web/src/lib/clip.ts) against docs/clips.vectors.json, the vectors
// the C# side (src/RemoteCam.Cli/Clips) also passes: the path key, opening every documented chunk,
// entry and thumbnail, refusing every tampered case, and sealing round trips. Run: node web/test/clips.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { check, finish, load } from './checks.mjs';

const lib = await load(`export * from './lib/clip'; export { fromB64u, toB64u } from './lib/b64';`);
const v = JSON.parse(readFileSync(new URL('../../docs/clips.vectors.json', import.meta.url), 'utf8'));
const keys = await lib.clipKeys(lib.fromB64u(v.secret), v.room);
const plain = (c) => c.plainText !== undefined ? new TextEncoder().encode(c.plainText) : Uint8Array.from({ length: c.plain.length }, (_, i) => (i * c.plain.mul + c.plain.add) & 255);

await check('clip vectors: path key', () => assert.equal(keys.pathKey, v.pathKey));
await check('clip vectors: every chunk opens to its plaintext', async () => {
  for (const c of v.chunks) {
    const opened = await keys.openChunk(v.camera, c.clip, c.n, c.last, lib.fromB64u(c.sealed));
    assert.deepEqual(opened, plain(c), c.name);
  }
});
await check('clip vectors: entry and thumbnail open', async () => {
  const entry = await keys.openEntry(v.camera, v.entry.clip, v.entry.sealed);
  assert.equal(JSON.stringify(entry), v.entry.json);
  const jpeg = await keys.openThumb(v.camera, v.thumb.clip, v.thumb.sealed);
  assert.equal(Buffer.from(jpeg).toString('hex'), v.thumb.jpegHex);
});
await check('clip vectors: every tampered case is refused', async () => {
  assert.ok(v.tampered.length >= 10);
  for (const t of v.tampered) {
    const camera = t.camera || v.camera;
    const sealed = t.sealedAs !== undefined ? v.chunks[t.sealedAs].sealed : t.sealed;
    const opening = t.kind === 'chunk' ? keys.openChunk(camera, t.clip, t.n, t.last, lib.fromB64u(sealed))
      : t.kind === 'entry' ? keys.openEntry(camera, t.clip, sealed) : keys.openThumb(camera, t.clip, sealed);
    await assert.rejects(opening, (e) => e instanceof lib.ClipError, t.name);
  }
});
await check('clip: sealing round trips with fresh IVs and the documented layout', async () => {
  const c = v.chunks[0];
  const a = await keys.sealChunk(v.camera, c.clip, 0, false, plain(c));
  const b = await keys.sealChunk(v.camera, c.clip, 0, false, plain(c));
  assert.equal(a.length, 262144 + 29);
  assert.equal(a[0], 1);
  assert.notDeepEqual(a.slice(1, 13), b.slice(1, 13));
  assert.deepEqual(await keys.openChunk(v.camera, c.clip, 0, false, a), plain(c));
  // The last flag is part of what was sealed.
  await assert.rejects(keys.openChunk(v.camera, c.clip, 0, true, a), lib.ClipError);
  const entry = JSON.parse(v.entry.json);
  const text = await keys.sealEntry(entry);
  assert.match(text, /^1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(await keys.openEntry(v.camera, entry.clip, text), entry);
  await assert.rejects(keys.sealEntry(Object.assign({}, entry, { reason: 'other' })), lib.ClipError);
  const thumb = await keys.sealThumb(v.camera, entry.clip, new Uint8Array([255, 216, 255, 217]));
  assert.deepEqual(await keys.openThumb(v.camera, entry.clip, thumb), new Uint8Array([255, 216, 255, 217]));
  await assert.rejects(keys.sealThumb(v.camera, entry.clip, new Uint8Array(90000)), /120000/);
});
await check('clip: chunk sizes and numbers outside the format are refused', async () => {
  await assert.rejects(keys.sealChunk(v.camera, 'c1', 0, false, new Uint8Array(1000)), lib.ClipError);
  await assert.rejects(keys.sealChunk(v.camera, 'c1', 0, true, new Uint8Array(262145)), lib.ClipError);
  await assert.rejects(keys.sealChunk(v.camera, 'c1', 4096, true, new Uint8Array(5)), lib.ClipError);
  await assert.rejects(keys.sealChunk('cam|x', 'c1', 0, true, new Uint8Array(5)), lib.ClipError);
});
await check('clip ids sort by time and differ', () => {
  const a = lib.newClipId(1765000000000);
  assert.match(a, /^1765000000000-[A-Za-z0-9_-]{10}$/);
  assert.notEqual(a, lib.newClipId(1765000000000));
  assert.ok(lib.newClipId(999) < lib.newClipId(1000));
});
// With an output file: what the pages seal, for the C# side to open (WebVectorTests).
if (process.argv[2]) {
  const { writeFileSync } = await import('node:fs');
  const c = v.chunks[0], d = v.chunks[1];
  const entry = JSON.parse(v.entry.json);
  writeFileSync(process.argv[2], JSON.stringify({
    chunk0: lib.toB64u(await keys.sealChunk(v.camera, c.clip, 0, false, plain(c))),
    chunk1: lib.toB64u(await keys.sealChunk(v.camera, d.clip, 1, true, plain(d))),
    entry: await keys.sealEntry(entry),
    thumb: await keys.sealThumb(v.camera, entry.clip, Buffer.from(v.thumb.jpegHex, 'hex')),
  }));
}
finish();
