// The camera page's list of viewers' calls (#calls): each call's state, why it may not connect,
// and its verification code once connected.
import { CameraCall } from '../lib/camera-call';

const callsEl = document.getElementById('calls')!;

export function showCall(call: CameraCall): void {
  const li = document.createElement('li');
  li.setAttribute('data-call', call.callId);
  const label = document.createElement('span');
  label.textContent = 'Viewer ' + call.viewerUid.slice(0, 6) + ' · ';
  const state = document.createElement('span');
  state.className = 'call';
  state.textContent = 'connecting…';
  li.appendChild(label);
  li.appendChild(state);
  callsEl.appendChild(li);
  let trouble = '';
  const showState = (s: string): void => {
    state.textContent = s === 'connected' ? 'code ' : s + '…' + (trouble ? ' (' + trouble + ')' : '');
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
      li.appendChild(v);
    }
    v.textContent = code;
  });
  call.bus.on('ended', () => li.remove());
}
