// The status line every page shows: #status with data-state and a sentence. Sources (network,
// errors, revocation) report here; the most serious one is shown.
import { NetState } from './rtdb';

export type State = 'connecting' | 'online' | 'offline' | 'error' | 'revoked';

let net: NetState = 'connecting';
let onlineText = '';
let offlineText: string | null = null;
let error: string | null = null;
let revoked: string | null = null;

const NET_TEXT: { [K in NetState]: string } = {
  connecting: 'Connecting…',
  online: 'Connected.',
  offline: 'Offline: cannot reach the server. Retrying…',
};

function render(): void {
  const el = document.getElementById('status');
  if (!el) return;
  let state: State = net;
  let text = net === 'online' && onlineText ? onlineText : net === 'offline' && offlineText ? offlineText : NET_TEXT[net];
  if (revoked) {
    state = 'revoked';
    text = revoked;
  } else if (error) {
    state = 'error';
    text = error;
  }
  el.setAttribute('data-state', state);
  el.textContent = text;
}

/** Network state; `text` replaces the sentence shown while online (e.g. "Connected: 2 cameras."). */
export function setNet(state: NetState, text?: string): void {
  net = state;
  offlineText = null;
  if (text) onlineText = text;
  render();
}

/** Offline, with the reason and what happens next (e.g. "… Trying again in 4 s."). */
export function setOffline(text: string): void {
  net = 'offline';
  offlineText = text;
  render();
}

export function setOnlineText(text: string): void {
  onlineText = text;
  render();
}

export function showError(message: string | null): void {
  error = message;
  render();
}

/** A failure the page cannot get past: in the status line and, in full, in the page's #problem box. */
export function fail(message: string): void {
  const problem = document.getElementById('problem');
  if (problem) {
    problem.textContent = message;
    problem.hidden = false;
  }
  showError(message);
}

export function showRevoked(message: string): void {
  revoked = message;
  render();
}

/** This device may no longer use the room (revoked, rotated): in the status line and in #problem. */
export function showAccessEnded(message: string): void {
  showRevoked(message);
  const problem = document.getElementById('problem');
  if (problem) {
    problem.textContent = message;
    problem.hidden = false;
  }
}
