// Small, pure SDP edits (no DOM), tested in web/test/vectors.mjs.

/** Video codecs that carry pictures (not retransmission or error correction). */
const PICTURE_CODEC = /^a=rtpmap:(\d+) (VP8|VP9|H264|H265|AV1)\//i;

/**
 * Returns `sdp` with a start bitrate for every picture codec of its video sections
 * (`x-google-start-bitrate`, in kbit/s, read by Chromium-based browsers from the description
 * the sender applies as remote; others ignore the parameter).
 *
 * Why: a sender starts at 300 kbit/s, too little for 720p, so it drops its first frames and
 * shrinks the picture step by step before it sends anything: the first frame arrives ~200 ms
 * later and at 320×180. Starting at `kbps` sends the first frame at once and sharp; congestion
 * control still lowers the rate within a second where the path is slower.
 */
export function withStartBitrate(sdp: string, kbps: number): string {
  const eol = sdp.indexOf('\r\n') >= 0 ? '\r\n' : '\n';
  const lines = sdp.split(eol);
  const out: string[] = [];
  let section: string[] = [];
  const flush = (): void => {
    if (section.length && section[0].indexOf('m=video ') === 0) section = startBitrateIn(section, kbps);
    for (const l of section) out.push(l);
    section = [];
  };
  for (const l of lines) {
    if (l.indexOf('m=') === 0) flush();
    section.push(l);
  }
  flush();
  return out.join(eol);
}

function startBitrateIn(section: string[], kbps: number): string[] {
  const param = 'x-google-start-bitrate=' + Math.round(kbps);
  const pts: string[] = [];
  const withFmtp: { [pt: string]: true } = {};
  for (const l of section) {
    const r = PICTURE_CODEC.exec(l);
    if (r) pts.push(r[1]);
    const f = /^a=fmtp:(\d+) /.exec(l);
    if (f) withFmtp[f[1]] = true;
  }
  const out: string[] = [];
  for (const l of section) {
    const f = /^a=fmtp:(\d+) /.exec(l);
    if (f && pts.indexOf(f[1]) >= 0 && l.indexOf('x-google-start-bitrate=') < 0) {
      out.push(l + ';' + param);
      continue;
    }
    out.push(l);
    const r = PICTURE_CODEC.exec(l);
    if (r && !withFmtp[r[1]]) out.push('a=fmtp:' + r[1] + ' ' + param);
  }
  return out;
}
