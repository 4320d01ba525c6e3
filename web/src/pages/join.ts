// join.html: reads the invitation in the fragment, signs in, writes the membership, then opens
// the camera or viewer page for the room.
import { InvitationError, clearFragment, parseInvitation, saveRoom } from '../lib/pairing';
import { SessionError, connect, join } from '../lib/session';
import { setNet, showError, showRevoked } from '../lib/status';
import { loadModel } from '../lib/device';
import * as paths from '../lib/paths';
import { registerServiceWorker } from '../lib/sw-register';
import { isObject } from '../lib/rtdb';

const message = document.getElementById('message')!;
const next = document.getElementById('next')!;

function say(text: string, bad = false): void {
  message.textContent = text;
  message.className = bad ? 'notice bad' : 'notice';
}

async function main(): Promise<void> {
  const fragment = location.hash;
  clearFragment();
  if (!fragment || fragment === '#') {
    setNet('online', 'Ready.');
    say('No invitation in the address. Open the invitation link or scan its QR code from the viewer page.');
    next.hidden = false;
    return;
  }
  let inv;
  try {
    inv = parseInvitation(fragment);
  } catch (e) {
    // What is wrong, then what to do next.
    const text = e instanceof InvitationError ? e.message + ' ' + e.next : String(e);
    showError(text);
    say(text, true);
    next.hidden = false;
    return;
  }
  saveRoom(inv);
  say('Joining the room as a ' + inv.role + '…');
  // The next page and its script load while this one joins (docs/pages.md "From scan to picture").
  for (const f of [inv.role + '.html', inv.role + '.js']) {
    const link = document.createElement('link');
    link.rel = 'prefetch';
    link.href = f;
    document.head.appendChild(link);
  }
  try {
    // The device's model, where the browser tells it, names the membership until a name is chosen.
    await loadModel();
    const s = await connect(inv.role, true);
    await join(s, inv);
    // The viewer page reads the room's meta itself (beside its camera list); the camera page shows the name kept here.
    if (inv.role === 'camera') {
      try {
        const meta = await s.db.get(paths.meta(inv.room));
        if (isObject(meta) && typeof meta.name === 'string') saveRoom(inv, meta.name);
      } catch (e) {
        // The name is only a label.
      }
    }
    setNet('online', 'Joined.');
    say('Joined. Opening the ' + inv.role + ' page…');
    location.replace(inv.role + '.html#room=' + inv.room);
  } catch (e) {
    const err = e instanceof SessionError ? e : new SessionError(String(e), 'error');
    if (err.kind === 'revoked') showRevoked(err.message);
    else showError(err.message);
    say(err.message, true);
    next.hidden = false;
  }
}

registerServiceWorker();
main();
// Another invitation opened in this tab (only the fragment changed: no page load).
window.addEventListener('hashchange', () => {
  if (location.hash.length > 1) main();
});
