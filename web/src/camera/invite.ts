// "Invite a viewer" on the camera page: a QR code and a link that add a viewer to this room.
import { generate } from 'lean-qr';
import { Invitation, viewerInvitationUrl } from '../lib/pairing';

const inviteBtn = document.getElementById('invite') as HTMLButtonElement;
const invitePanel = document.getElementById('invite-panel')!;
const inviteQr = document.getElementById('invite-qr') as HTMLCanvasElement;
const inviteLink = document.getElementById('invite-link') as HTMLAnchorElement;

let invitation: Invitation | null = null;

function toggle(): void {
  if (!invitation) return;
  if (!invitePanel.hidden) {
    invitePanel.hidden = true;
    return;
  }
  const url = viewerInvitationUrl(invitation);
  generate(url).toCanvas(inviteQr);
  inviteLink.href = url;
  inviteLink.textContent = url;
  invitePanel.hidden = false;
}

inviteBtn.addEventListener('click', toggle);

/** The button works once the camera is in its room; `null` (access ended) hides and disables it. */
export function offerInvite(inv: Invitation | null): void {
  invitation = inv;
  inviteBtn.disabled = !inv;
  if (!inv) invitePanel.hidden = true;
}
