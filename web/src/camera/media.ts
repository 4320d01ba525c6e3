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

/** Which camera to open: a device (after a switch, or the one used last), else a facing. */
export interface CameraChoice {
  facing: Facing;
  deviceId?: string;
}

function videoConstraints(choice: CameraChoice): MediaTrackConstraints {
  const video: MediaTrackConstraints = {
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 24, max: 30 },
  };
  if (choice.deviceId) video.deviceId = { exact: choice.deviceId };
  else video.facingMode = { ideal: choice.facing };
  return video;
}

/**
 * Opens the camera of `choice`, with the microphone when `audio`; a microphone that is missing
 * or refused leaves video only (`onNoAudio` is told). A remembered device that is gone falls
 * back to the facing.
 */
export async function openCamera(choice: CameraChoice, audio: boolean, onNoAudio: () => void): Promise<MediaStream> {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error('no mediaDevices');
  const open = async (video: MediaTrackConstraints): Promise<MediaStream> => {
    try {
      return await navigator.mediaDevices.getUserMedia({ video, audio });
    } catch (e) {
      if (!audio) throw e;
      // No microphone or no permission for it: carry on with video only.
      const stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
      onNoAudio();
      return stream;
    }
  };
  try {
    return await open(videoConstraints(choice));
  } catch (e) {
    const name = e && typeof e === 'object' && 'name' in e ? String((e as { name: string }).name) : '';
    if (!choice.deviceId || (name !== 'OverconstrainedError' && name !== 'NotFoundError')) throw e;
    return open(videoConstraints({ facing: choice.facing }));
  }
}

/** The device's cameras, in the browser's order. */
export async function videoInputs(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((d) => d.kind === 'videoinput');
}

/** Whether the device has more than one camera (for "Switch camera"). */
export async function cameraCount(): Promise<number> {
  return (await videoInputs()).length;
}

/**
 * The camera after `current`: the other facing when the track says which way it faces (phones),
 * else the next camera in the device's list (computers, or phones that do not say).
 */
export async function nextCamera(current: MediaStreamTrack | null, facing: Facing): Promise<CameraChoice[]> {
  const settings = current && current.getSettings ? current.getSettings() : {};
  const inputs = await videoInputs();
  const choices: CameraChoice[] = [];
  const f = settings.facingMode;
  if (f === 'user' || f === 'environment') {
    const other: Facing = f === 'user' ? 'environment' : 'user';
    const word = other === 'user' ? 'front' : 'back';
    // Android names its cameras "camera2 1, facing front": the first of the other facing.
    const named = inputs.filter((d) => d.label.indexOf('facing ' + word) >= 0)[0];
    choices.push(named ? { facing: other, deviceId: named.deviceId } : { facing: other });
  }
  const at = inputs.map((d) => d.deviceId).indexOf(settings.deviceId || '');
  if (inputs.length > 1) choices.push({ facing, deviceId: inputs[(at + 1) % inputs.length].deviceId });
  return choices;
}
