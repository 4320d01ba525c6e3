// Injected into every page of the ttff benchmark (camera, viewer, floor and PeerJS pages alike)
// before the page's own scripts run: whenever a video element is given a stream, the next
// decoded frame's presentation time (requestVideoFrameCallback metadata, the page's
// performance.now() clock) is stored in window.__benchFirstFrame. The bench reads it and
// subtracts the page's watch mark, so all three contenders are timed by the same code.
// For the breakdown it also notes when an answer was applied (setRemoteDescription of an answer
// resolved: signaling done) and when a peer connection first reached "connected" (ICE + DTLS).
interface BenchWindow {
  __benchFirstFrame?: number;
  __benchAnswer?: number;
  __benchConnected?: number;
  __benchArmed?: number;
  /** For --trace: [event, wall-clock ms (timeOrigin + now)] of this page's peer connections. */
  __benchEvents?: [string, number][];
}

(() => {
  const w = window as unknown as BenchWindow;
  const desc = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  if (!desc || !desc.get || !desc.set) throw new Error('bench hook: HTMLMediaElement.srcObject is not an accessor');
  const get = desc.get;
  const set = desc.set;
  let generation = 0;
  const arm = (video: HTMLVideoElement): void => {
    const mine = ++generation;
    w.__benchArmed = (w.__benchArmed || 0) + 1;
    if (typeof video.requestVideoFrameCallback !== 'function') throw new Error('bench hook: requestVideoFrameCallback is missing');
    video.requestVideoFrameCallback((_now, meta) => {
      if (mine === generation && w.__benchFirstFrame === undefined) {
        w.__benchFirstFrame = meta.presentationTime;
        events.push(['first frame ' + meta.width + 'x' + meta.height, performance.timeOrigin + meta.presentationTime]);
      }
    });
  };
  // The camera page lives through every call: keep all its fetches' timings for --trace.
  if (performance.setResourceTimingBufferSize) performance.setResourceTimingBufferSize(100000);
  const events: [string, number][] = (w.__benchEvents = []);
  const note = (e: string): void => {
    events.push([e, performance.timeOrigin + performance.now()]);
    if (events.length > 2000) events.splice(0, 1000);
  };
  const sld = RTCPeerConnection.prototype.setLocalDescription as (this: RTCPeerConnection, d?: RTCSessionDescriptionInit) => Promise<void>;
  RTCPeerConnection.prototype.setLocalDescription = function (this: RTCPeerConnection, d?: RTCSessionDescriptionInit) {
    return sld.call(this, d).then(() => note('local ' + (this.localDescription ? this.localDescription.type : '?')));
  } as typeof RTCPeerConnection.prototype.setLocalDescription;
  const aic = RTCPeerConnection.prototype.addIceCandidate as (this: RTCPeerConnection, c?: RTCIceCandidateInit) => Promise<void>;
  RTCPeerConnection.prototype.addIceCandidate = function (this: RTCPeerConnection, c?: RTCIceCandidateInit) {
    return aic.call(this, c).then(() => note('added remote candidate'));
  } as typeof RTCPeerConnection.prototype.addIceCandidate;
  const srd = RTCPeerConnection.prototype.setRemoteDescription as (this: RTCPeerConnection, d: RTCSessionDescriptionInit) => Promise<void>;
  RTCPeerConnection.prototype.setRemoteDescription = function (this: RTCPeerConnection, d: RTCSessionDescriptionInit) {
    note('applying remote ' + (d ? d.type : '?'));
    return srd.call(this, d).then(() => {
      note('remote ' + (d ? d.type : '?'));
      if (d && d.type === 'answer' && w.__benchAnswer === undefined) w.__benchAnswer = performance.now();
    });
  } as typeof RTCPeerConnection.prototype.setRemoteDescription;
  const ca = RTCPeerConnection.prototype.createAnswer as (this: RTCPeerConnection, o?: RTCAnswerOptions) => Promise<RTCSessionDescriptionInit>;
  RTCPeerConnection.prototype.createAnswer = function (this: RTCPeerConnection, o?: RTCAnswerOptions) {
    note('creating answer');
    return ca.call(this, o).then((a) => {
      note('created answer');
      return a;
    });
  } as typeof RTCPeerConnection.prototype.createAnswer;
  // With --trace only (getStats every 5 ms is not free): the first video frames through the RTP
  // stack (encoded/sent on the camera, received/decoded on the viewer), polled for 600 ms after
  // connecting.
  const watchRtp = (pc: RTCPeerConnection): void => {
    const t0 = performance.now();
    let last = '';
    const poll = (): void => {
      if (performance.now() - t0 > 600 || pc.connectionState !== 'connected') return;
      pc.getStats().then((report) => {
        report.forEach((r: { [k: string]: unknown }) => {
          if (r.kind !== 'video' || (r.type !== 'outbound-rtp' && r.type !== 'inbound-rtp')) return;
          const line = r.type === 'outbound-rtp'
            ? 'rtp out: encoded ' + r.framesEncoded + ' sent ' + r.framesSent + ' packets ' + r.packetsSent + ' ' + r.frameWidth + 'x' + r.frameHeight + ' target ' + r.targetBitrate + ' limit ' + r.qualityLimitationReason
            : 'rtp in: received ' + r.framesReceived + ' decoded ' + r.framesDecoded + ' packets ' + r.packetsReceived + ' ' + r.frameWidth + 'x' + r.frameHeight;
          if (line !== last) {
            last = line;
            note(line);
          }
        });
        window.setTimeout(poll, 5);
      }, () => undefined);
    };
    poll();
  };
  const Original = RTCPeerConnection;
  const Patched = function (this: unknown, config?: RTCConfiguration) {
    const pc = new Original(config);
    pc.addEventListener('icecandidate', (ev) => note(ev.candidate ? 'local candidate' : 'gathering done'));
    pc.addEventListener('iceconnectionstatechange', () => note('ice ' + pc.iceConnectionState));
    pc.addEventListener('connectionstatechange', () => {
      note('connection ' + pc.connectionState);
      if (pc.connectionState === 'connected' && (window as unknown as { __benchTrace?: boolean }).__benchTrace) watchRtp(pc);
      if (pc.connectionState === 'connected' && w.__benchConnected === undefined) w.__benchConnected = performance.now();
    });
    return pc;
  } as unknown as typeof RTCPeerConnection;
  Patched.prototype = Original.prototype;
  (Patched as unknown as { generateCertificate: unknown }).generateCertificate = Original.generateCertificate;
  window.RTCPeerConnection = Patched;
  // For --trace: when each stream event reaches the page (before the page's own listeners run),
  // and how long the page's WebCrypto seal/open take.
  const OriginalSource = EventSource;
  const PatchedSource = function (this: unknown, url: string | URL, init?: EventSourceInit) {
    const es = new OriginalSource(url, init);
    for (const name of ['put', 'patch']) {
      es.addEventListener(name, (ev) => note('stream ' + name + ' (' + ((ev as MessageEvent).data as string).length + ' B)'));
    }
    return es;
  } as unknown as typeof EventSource;
  PatchedSource.prototype = OriginalSource.prototype;
  window.EventSource = PatchedSource;
  const subtle = crypto.subtle;
  for (const op of ['encrypt', 'decrypt'] as const) {
    const f = subtle[op].bind(subtle) as (...a: unknown[]) => Promise<ArrayBuffer>;
    (subtle as unknown as { [k: string]: unknown })[op] = (...a: unknown[]) => {
      const t0 = performance.now();
      return f(...a).then((r) => {
        note(op + ' (' + (performance.now() - t0).toFixed(1) + ' ms)');
        return r;
      });
    };
  }
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    configurable: true,
    enumerable: desc.enumerable,
    get(this: HTMLMediaElement) {
      return get.call(this);
    },
    set(this: HTMLMediaElement, value: MediaStream | null) {
      set.call(this, value);
      if (value && this instanceof HTMLVideoElement) arm(this);
    },
  });
})();
