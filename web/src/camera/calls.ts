// The camera page's list of viewers' calls (#calls): who is watching by name, each call's state,
// why it may not connect, its verification code once connected and its path (direct or TURN);
// and the sentence above it (#watching: "Kitchen tablet is watching.").
import { CameraCall } from '../lib/camera-call';
import { detailsText } from '../lib/stats';

const callsEl = document.getElementById('calls')!;
const watchingEl = document.getElementById('watching')!;

const live: CameraCall[] = [];

function nameOf(call: CameraCall): string {
  return call.viewerName || 'A viewer';
}

/** "Kitchen tablet is watching." / "Kitchen tablet and Hall phone are watching." / "Nobody is watching." */
function showWatching(): void {
  const names = live.filter((c) => c.state === 'connected').map(nameOf);
  watchingEl.textContent = !names.length
    ? 'Nobody is watching.'
    : names.length === 1
      ? names[0] + ' is watching.'
      : names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1] + ' are watching.';
}

export function showCall(call: CameraCall, roomId: string): void {
  live.push(call);
  const li = document.createElement('li');
  li.setAttribute('data-call', call.callId);
  const label = document.createElement('strong');
  label.className = 'viewer-name';
  const state = document.createElement('span');
  state.className = 'call';
  state.textContent = 'connecting…';
  const path = document.createElement('span');
  path.className = 'details';
  li.appendChild(label);
  li.appendChild(document.createTextNode(' · '));
  li.appendChild(state);
  li.appendChild(path);
  // Removing a viewer needs the owner's admin credential (docs/pages.md "Removing a viewer").
  const remove = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'Remove…';
  const how = document.createElement('p');
  how.className = 'hint';
  remove.appendChild(summary);
  remove.appendChild(how);
  li.appendChild(remove);
  callsEl.appendChild(li);
  const showName = (): void => {
    label.textContent = nameOf(call);
    how.textContent = 'Only the owner can remove a viewer. On the owner\'s computer run: remotecam rooms revoke ' + roomId + ' "' + nameOf(call) + '"';
    showWatching();
  };
  showName();
  call.bus.on('name', showName);
  let trouble = '';
  const showState = (s: string): void => {
    state.textContent = s === 'connected' ? 'watching · code ' : s + '…' + (trouble ? ' (' + trouble + ')' : '');
    showWatching();
  };
  call.bus.on('state', showState);
  call.bus.on('trouble', (text) => {
    trouble = text;
    showState(call.state);
  });
  call.bus.on('code', (code) => {
    let v = li.querySelector('[data-verify]');
    if (!v) {
      v = document.createElement('strong');
      v.setAttribute('data-verify', '');
      state.after(v);
    }
    v.textContent = code;
  });
  // The path, from getStats, while connected.
  const timer = window.setInterval(() => {
    if (call.state !== 'connected' || document.visibilityState !== 'visible') return;
    call.details().then(
      (d) => {
        path.textContent = ' · ' + detailsText(d);
        path.setAttribute('data-path', d.path);
      },
      () => undefined,
    );
  }, 1000);
  call.bus.on('ended', () => {
    clearInterval(timer);
    li.remove();
    live.splice(live.indexOf(call), 1);
    showWatching();
  });
}
