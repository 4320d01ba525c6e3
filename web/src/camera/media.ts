// The camera page's camera and microphone: opens them (rear camera, about 720p, sound when the
// person asked for it), and explains in words why they could not start.
export type Facing = 'environment' | 'user';

/** Camera errors in words. */
export function mediaError(e: unknown): string {
  const name = e && typeof e === 'object' && 'name' in e ? String((e as { name: string }).name) : '';
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia)
    return 'This browser cannot use the camera here: open the page over HTTPS (or on localhost) in a current browser.';
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError')
    return 'Camera permission denied: allow the camera for this site in the browser\'s settings, then reload the page.';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError')
    return 'No camera found on this device.';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError')
    return 'The camera is busy: another app or tab is using it. Close it and reload.';
  return 'The camera could not start: ' + (e instanceof Error ? e.message : String(e));
}

/**
 * Opens the camera facing `facing`, with the microphone when `audio`; a microphone that is missing
 * or refused leaves video only (`onNoAudio` is told).
 */
export async function openCamera(facing: Facing, audio: boolean, onNoAudio: () => void): Promise<MediaStream> {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error('no mediaDevices');
  const video: MediaTrackConstraints = {
    facingMode: { ideal: facing },
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 24, max: 30 },
  };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio });
  } catch (e) {
    if (!audio) throw e;
    // No microphone or no permission for it: carry on with video only.
    const stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
    onNoAudio();
    return stream;
  }
}

/** Whether the device has more than one camera (for "Switch camera"). */
export async function cameraCount(): Promise<number> {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return 0;
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((d) => d.kind === 'videoinput').length;
}
