// Shared by the floor and PeerJS bench pages.

/** The camera page's capture constraints (web/src/pages/camera.ts, sound off). */
export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 } },
  audio: false,
};

/** No STUN or TURN: host candidates on loopback only, for every contender alike. */
export const ICE_SERVERS: RTCIceServer[] = [];

/** The pages' own codec preferences, so the floor and RemoteCam offer exactly the same codecs. */
export { preferCodecs } from '../../web/src/lib/peer';

/** The camera page's way of applying an offer (with its start bitrate), so the floor's camera sends like it. */
export { applyOffer } from '../../web/src/lib/peer';

/** Clears the previous call's marks and first frame, then marks the moment of watching. */
export function markWatch(): void {
  performance.clearMarks('bench:watch');
  const w = window as unknown as { __benchFirstFrame?: number; __benchAnswer?: number; __benchConnected?: number };
  w.__benchFirstFrame = w.__benchAnswer = w.__benchConnected = undefined;
  performance.mark('bench:watch');
}

export function videoElement(): HTMLVideoElement {
  const v = document.querySelector('video');
  if (!v) throw new Error('no video element');
  return v;
}
