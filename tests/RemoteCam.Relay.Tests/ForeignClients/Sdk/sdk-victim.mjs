// A camera-like client for the SIGKILL scenario: marks itself online, arms onDisconnect, says
// "armed" and waits to be killed (the parent sends SIGKILL; nothing here closes the socket).
import { initializeApp } from 'firebase/app';
import { getDatabase, connectDatabaseEmulator, ref, set, onDisconnect, serverTimestamp } from 'firebase/database';

const [host, port] = process.argv[2].split(':');
const ns = process.argv[3];
const db = getDatabase(initializeApp({ projectId: 'demo-sdk', databaseURL: `http://${host}:${port}?ns=${ns}` }));
connectDatabaseEmulator(db, host, Number(port));
await onDisconnect(ref(db, 'camera')).set({ state: 'offline', at: serverTimestamp() });
await set(ref(db, 'camera'), { state: 'online' });
console.log('armed');
setInterval(() => {}, 1000);
