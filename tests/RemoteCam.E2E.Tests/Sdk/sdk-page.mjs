// Bundled by SdkInBrowserTests with esbuild into a page the relay serves: the official web SDK
// (firebase/app + firebase/database) in a real browser, against the relay's /.ws.
import { initializeApp } from 'firebase/app';
import { getDatabase, forceWebSockets, ref, set, get, onValue, onDisconnect } from 'firebase/database';

window.sdkRun = async ({ ns, force, waitMs }) => {
  if (force) forceWebSockets();
  const app = initializeApp({ projectId: 'demo-browser', databaseURL: `${location.origin}?ns=${ns}` }, ns);
  const db = getDatabase(app);
  const connected = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), waitMs);
    onValue(ref(db, '.info/connected'), (s) => { if (s.val() === true) { clearTimeout(timer); resolve(true); } });
  });
  if (!connected) return { connected };
  await set(ref(db, 'browser/value'), { from: 'chromium' });
  await onDisconnect(ref(db, 'browser/presence')).set('offline');
  await set(ref(db, 'browser/presence'), 'online');
  return { connected, value: (await get(ref(db, 'browser/value'))).val() };
};
