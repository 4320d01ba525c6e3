// Shared by the floor and PeerJS bench pages.

/** The camera page's capture constraints (web/src/pages/camera.ts, sound off). */
export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 } },
  audio: false,
};

/** No STUN or TURN: host candidates on loopback only, for every contender alike. */
export const ICE_SERVERS: RTCIceServer[] = [];

/** A copy of preferCodecs in web/src/lib/peer.ts (not exported there): VP8, CB H.264, RTX, Opus. */
export function preferCodecs(t: RTCRtpTransceiver, kind: 'video' | 'audio'): void {
  const caps = typeof RTCRtpReceiver.getCapabilities === 'function' ? RTCRtpReceiver.getCapabilities(kind) : null;
  if (!caps || typeof t.setCodecPreferences !== 'function') return;
  const keep = caps.codecs.filter((c) => {
    const mime = c.mimeType.toLowerCase();
    const fmtp = c.sdpFmtpLine || '';
    if (kind === 'audio') return mime === 'audio/opus';
    if (mime === 'video/vp8' || mime === 'video/rtx') return true;
    return mime === 'video/h264' && /profile-level-id=42e01f/i.test(fmtp) && /packetization-mode=1/.test(fmtp);
  });
  if (!keep.some((c) => !/rtx$/i.test(c.mimeType))) return;
  t.setCodecPreferences(keep);
}

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
