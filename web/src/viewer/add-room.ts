// Adding a room on the viewer page: scan a QR code with this device's camera, read one from a
// photo, or paste the invitation link. Every path ends in join.html with the invitation in the
// fragment.
import { InvitationError, invitationFragment, invitationFromText } from '../lib/pairing';
import { loadScanner } from '../lib/scanner';

const scanBtn = document.getElementById('scan') as HTMLButtonElement;
const scanFile = document.getElementById('scan-file') as HTMLInputElement;
const scanVideo = document.getElementById('scan-video') as HTMLVideoElement;
const scanMessage = document.getElementById('scan-message')!;
const linkInput = document.getElementById('link') as HTMLInputElement;
const joinBtn = document.getElementById('join') as HTMLButtonElement;

function goJoin(text: string): boolean {
  try {
    const found = invitationFromText(text);
    location.href = 'join.html#' + invitationFragment(found);
    return true;
  } catch (e) {
    scanMessage.textContent = e instanceof InvitationError ? e.message : String(e);
    return false;
  }
}

let scanning: MediaStream | null = null;

/** Starts scanning with the camera (or stops a scan that runs). */
export async function startScan(): Promise<void> {
  if (scanning) {
    stopScan();
    return;
  }
  scanMessage.textContent = 'Starting the camera…';
  try {
    const [scanner, stream] = await Promise.all([
      loadScanner(),
      navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false }),
    ]);
    scanning = stream;
    scanVideo.srcObject = stream;
    scanVideo.hidden = false;
    scanBtn.textContent = 'Stop scanning';
    scanMessage.textContent = 'Point the camera at the invitation QR code.';
    const tick = () => {
      if (!scanning) return;
      const text = scanner.fromVideo(scanVideo);
      if (text) {
        if (goJoin(text)) {
          stopScan();
          return;
        }
      }
      window.setTimeout(tick, 200);
    };
    tick();
  } catch (e) {
    const name = e && typeof e === 'object' && 'name' in e ? String((e as { name: string }).name) : '';
    scanMessage.textContent =
      name === 'NotAllowedError'
        ? 'Camera permission denied: allow the camera to scan, or choose a photo of the code instead.'
        : name === 'NotFoundError'
          ? 'No camera found: choose a photo of the code, or paste the link.'
          : e instanceof Error ? e.message : String(e);
  }
}

function stopScan(): void {
  if (scanning) for (const t of scanning.getTracks()) t.stop();
  scanning = null;
  scanVideo.srcObject = null;
  scanVideo.hidden = true;
  scanBtn.textContent = 'Scan a QR code';
}

/** Wires the page's scan button, photo input and link field. */
export function wireAddRoom(): void {
  scanBtn.addEventListener('click', () => startScan());
  scanFile.addEventListener('change', async () => {
    const file = scanFile.files && scanFile.files[0];
    if (!file) return;
    scanMessage.textContent = 'Reading the image…';
    try {
      const scanner = await loadScanner();
      const text = await scanner.fromFile(file);
      if (!text) scanMessage.textContent = 'No QR code found in this image. Try a sharper, closer photo.';
      else goJoin(text);
    } catch (e) {
      scanMessage.textContent = e instanceof Error ? e.message : String(e);
    }
    scanFile.value = '';
  });
  joinBtn.addEventListener('click', () => {
    if (!linkInput.value.trim()) scanMessage.textContent = 'Paste an invitation link first.';
    else goJoin(linkInput.value);
  });
}
