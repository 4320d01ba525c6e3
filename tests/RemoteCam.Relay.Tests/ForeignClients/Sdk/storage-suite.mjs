// The official Firebase JS SDK's storage (firebase/storage) as a foreign client of the relay's
// Firebase Storage REST subset, signed in with the relay's own anonymous ID tokens, under the
// repository's storage.rules. Usage: node storage-suite.mjs <host:port>; prints one JSON line
// {"result": {...}} or {"error": "..."}; StorageSdkTests.cs asserts on it.
import { initializeApp, deleteApp } from 'firebase/app';
import { initializeAuth, connectAuthEmulator, signInAnonymously, inMemoryPersistence } from 'firebase/auth';
import {
  getStorage, connectStorageEmulator, ref, uploadBytes, uploadBytesResumable, getBytes, getMetadata,
  deleteObject, list, getDownloadURL,
} from 'firebase/storage';

const [host, port] = process.argv[2].split(':');
const relay = `http://${host}:${port}`;
const bucket = 'demo-remotecam.appspot.com';
const apps = [];
let count = 0;

/** A client app; signed in anonymously at the relay unless `signIn` is false; `mock` sends that token as is. */
async function client(signIn, mock) {
  const app = initializeApp({ apiKey: 'remotecam-relay', projectId: 'demo-remotecam', storageBucket: bucket }, `app${++count}`);
  apps.push(app);
  let uid = null;
  if (signIn) {
    const auth = initializeAuth(app, { persistence: inMemoryPersistence });
    connectAuthEmulator(auth, relay, { disableWarnings: true });
    uid = (await signInAnonymously(auth)).user.uid;
  }
  const storage = getStorage(app);
  connectStorageEmulator(storage, host, Number(port), mock ? { mockUserToken: mock } : undefined);
  return { storage, uid };
}

const bytes = (n, seed) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff; return b; };
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
const octets = { contentType: 'application/octet-stream' };
const outcome = async (f) => { try { await f(); return 'allowed'; } catch (e) { return e.code || String(e); } };

async function main() {
  const camera = await client(true);
  const viewer = await client(true);
  const stranger = await client(false);
  const admin = await client(false, 'owner');
  const key = 'AbCdEfGhIjKlMnOpQrStUv'; // 22 characters of base64url, like a room's path key
  const clip = `c${Date.now()}`;
  const path = (n, uid = camera.uid) => `clips/${key}/${uid}/${clip}/${n}`;

  const small = bytes(1000, 1);
  const uploaded = await uploadBytes(ref(camera.storage, path(0)), small, octets);
  const sealedMax = bytes(262173, 2); // over 256 KiB: uploadBytesResumable takes the resumable protocol
  const task = uploadBytesResumable(ref(camera.storage, path(1)), sealedMax, octets);
  const progress = [];
  task.on('state_changed', (s) => progress.push(s.bytesTransferred));
  const resumable = await task;
  const backSmall = new Uint8Array(await getBytes(ref(viewer.storage, path(0))));
  const backBig = new Uint8Array(await getBytes(ref(viewer.storage, path(1))));
  const metadata = await getMetadata(ref(viewer.storage, path(1)));
  const url = await getDownloadURL(ref(camera.storage, path(0)));
  const byUrl = new Uint8Array(await (await fetch(url)).arrayBuffer());

  const big = bytes(3 * 1024 * 1024 + 5, 3);
  const adminTask = await uploadBytesResumable(ref(admin.storage, 'admin/big.bin'), big);
  const adminBack = new Uint8Array(await getBytes(ref(admin.storage, 'admin/big.bin')));

  const refused = {
    strangerRead: await outcome(() => getBytes(ref(stranger.storage, path(0)))),
    strangerWrite: await outcome(() => uploadBytes(ref(stranger.storage, path(5)), small, octets)),
    viewerWrite: await outcome(() => uploadBytes(ref(viewer.storage, path(5)), small, octets)),
    viewerWriteOwnPath: await outcome(() => uploadBytes(ref(viewer.storage, path(5, viewer.uid)), bytes(10, 9), { contentType: 'video/webm' })),
    overwrite: await outcome(() => uploadBytes(ref(camera.storage, path(0)), small, octets)),
    list: await outcome(() => list(ref(camera.storage, `clips/${key}/${camera.uid}/${clip}`), { maxResults: 10 })),
    oversize: await outcome(() => uploadBytesResumable(ref(camera.storage, path(6)), bytes(262209, 4), octets)),
    wrongType: await outcome(() => uploadBytes(ref(camera.storage, path(7)), small, { contentType: 'video/webm' })),
    viewerDelete: await outcome(() => deleteObject(ref(viewer.storage, path(0)))),
  };
  const cameraDelete = await outcome(() => deleteObject(ref(camera.storage, path(0))));
  const afterDelete = await outcome(() => getMetadata(ref(camera.storage, path(0))));
  const adminList = await list(ref(admin.storage, `clips/${key}/${camera.uid}`));

  return {
    uploadedSize: uploaded.metadata.size,
    uploadedType: uploaded.metadata.contentType,
    resumableSize: resumable.metadata.size,
    progressSteps: progress.length,
    smallBack: same(backSmall, small),
    bigBack: same(backBig, sealedMax),
    metadataSize: metadata.size,
    metadataType: metadata.contentType,
    metadataBucket: metadata.bucket,
    byUrl: same(byUrl, small),
    adminSize: adminTask.metadata.size,
    adminBack: same(adminBack, big),
    refused,
    cameraDelete,
    afterDelete,
    adminListPrefixes: adminList.prefixes.map((p) => p.fullPath),
  };
}

try {
  console.log(JSON.stringify({ result: await main() }));
} catch (e) {
  console.log(JSON.stringify({ error: `${e.code || ''} ${e.stack || e}` }));
} finally {
  await Promise.all(apps.map((a) => deleteApp(a)));
}
