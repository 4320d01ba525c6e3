// "Invite a viewer" on the camera page: a QR code and a link that add a viewer to this room. Each
// press makes an invitation of its own (docs/pairing.md): one viewer can join with it, within 1 h,
// and the owner can cancel it ("remotecam rooms invitations revoke") without rotating the room.
import { generate } from 'lean-qr';
import { Invitation, invitationUrl, proof, randomB64u } from '../lib/pairing';
import * as paths from '../lib/paths';
import { Db } from '../lib/rtdb';
import { rawRoomKey } from '../lib/seal';

const inviteBtn = document.getElementById('invite') as HTMLButtonElement;
const invitePanel = document.getElementById('invite-panel')!;
const inviteQr = document.getElementById('invite-qr') as HTMLCanvasElement;
const inviteLink = document.getElementById('invite-link') as HTMLAnchorElement;
const inviteNote = document.getElementById('invite-note')!;

/** What the button needs: the camera's own invitation (for the sealing key) and its database session. */
export interface InviteContext {
  inv: Invitation;
  db: Db;
  uid: string;
}

const LIFETIME_MS = 3600000;
let ctx: InviteContext | null = null;

/** Writes a new single-use viewer invitation valid for 1 h; returns its URL. */
export async function makeViewerInvitation(c: InviteContext): Promise<string> {
  const inv: Invitation = { room: c.inv.room, role: 'viewer', i: randomB64u(6), s: randomB64u(32), k: await rawRoomKey(c.inv) };
  await c.db.put(paths.invite(inv.room, inv.i!), {
    proof: await proof(inv),
    info: { role: 'viewer', created: { '.sv': 'timestamp' }, ttl: LIFETIME_MS, by: c.uid },
    used: { s0: false },
  });
  return invitationUrl(inv);
}

let busy = false;

async function toggle(): Promise<void> {
  if (!ctx || busy) return;
  if (!invitePanel.hidden) {
    invitePanel.hidden = true;
    inviteBtn.setAttribute('aria-expanded', 'false');
    return;
  }
  // A new invitation each time: the last one may already be used.
  invitePanel.hidden = false;
  inviteBtn.setAttribute('aria-expanded', 'true');
  inviteQr.hidden = true;
  inviteLink.hidden = true;
  inviteNote.textContent = 'Making an invitation…';
  busy = true;
  try {
    const url = await makeViewerInvitation(ctx);
    generate(url).toCanvas(inviteQr);
    inviteLink.href = url;
    inviteLink.textContent = url;
    inviteQr.hidden = false;
    inviteLink.hidden = false;
    const until = new Date(Date.now() + LIFETIME_MS);
    inviteNote.textContent =
      'One viewer can join with this code, until ' + until.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + '. Close and open it again for another viewer.';
  } catch (e) {
    inviteNote.textContent = 'Could not make an invitation (' + (e instanceof Error ? e.message : String(e)) + '). Check the network, then close and open this again.';
  } finally {
    busy = false;
  }
}

inviteBtn.addEventListener('click', () => {
  toggle();
});

/** The button works once the camera is in its room; `null` (access ended) hides and disables it. */
export function offerInvite(c: InviteContext | null): void {
  ctx = c;
  inviteBtn.disabled = !c;
  if (!c) {
    invitePanel.hidden = true;
    inviteBtn.setAttribute('aria-expanded', 'false');
  }
}
