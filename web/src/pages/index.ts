// index.html: the landing page; lists this browser's rooms and offers installation.
import { savedRooms } from '../lib/pairing';
import { setNet } from '../lib/status';
import { registerServiceWorker } from '../lib/sw-register';

setNet('online', 'Ready.');
registerServiceWorker();

const list = document.getElementById('rooms')!;
const rooms = savedRooms();
const ids = Object.keys(rooms);
if (ids.length) {
  list.textContent = '';
  for (const id of ids) {
    const r = rooms[id];
    const room = r.room;
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = r.role + '.html#room=' + room;
    a.textContent = (r.name || room) + ' (' + r.role + ')';
    li.appendChild(a);
    list.appendChild(li);
  }
}

interface InstallPrompt extends Event {
  prompt(): Promise<void>;
}
const install = document.getElementById('install') as HTMLButtonElement;
let deferred: InstallPrompt | null = null;
window.addEventListener('beforeinstallprompt', (e) => {
  e.preventDefault();
  deferred = e as InstallPrompt;
  install.hidden = false;
  document.getElementById('install-hint')!.hidden = true;
});
install.addEventListener('click', () => {
  if (!deferred) return;
  deferred.prompt().catch(() => undefined);
  deferred = null;
  install.hidden = true;
});
