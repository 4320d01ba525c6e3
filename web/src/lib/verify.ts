// The six-digit verification code from both DTLS fingerprints (docs/protocol.md).
import { utf8 } from './b64';

export function fingerprint(sdp: string): string {
  const m = /^a=fingerprint:(.+)$/im.exec(sdp);
  if (!m) throw new Error('SDP without a fingerprint');
  return m[1].trim().toUpperCase();
}

export async function verificationCode(offerSdp: string, answerSdp: string): Promise<string> {
  const input = utf8('remotecam-verify-v1|' + fingerprint(offerSdp) + '|' + fingerprint(answerSdp));
  const hash = new DataView(await crypto.subtle.digest('SHA-256', input));
  const n = hash.getUint32(0, false) % 1000000;
  const s = ('00000' + n).slice(-6);
  return s.slice(0, 3) + ' ' + s.slice(3);
}
