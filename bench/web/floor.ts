// floor.html#camera and floor.html#viewer: the ttff floor. The same capture, codec preferences
// (preferCodecs), start bitrate (applyOffer), bundle policy (max-bundle) and transceivers (video + audio, recvonly on the
// viewer; the camera sends video and leaves audio inactive) as RemoteCam's pages, but no
// signaling server: the bench carries the offer, the answer and every candidate between the two
// pages with Playwright (window.benchSignal is a binding the bench exposes).
import { CAMERA_CONSTRAINTS, ICE_SERVERS, applyOffer, markWatch, preferCodecs, videoElement } from './common';

interface Signal {
  offer?: string;
  cand?: RTCIceCandidateInit;
}

declare global {
  interface Window {
    benchSignal(json: string): Promise<string>;
    floor: {
      ready(): Promise<void>;
      call(): Promise<void>;
      answer(offer: string): Promise<string>;
      remoteAnswer(answer: string): Promise<void>;
      candidate(json: string): Promise<void>;
      hangUp(): void;
    };
  }
}

let pc: RTCPeerConnection | null = null;
let pending: RTCIceCandidateInit[] = [];
let camera: MediaStream | null = null;

function newConnection(): RTCPeerConnection {
  if (pc) pc.close();
  pending = [];
  const c = new RTCPeerConnection({ iceServers: ICE_SERVERS, bundlePolicy: 'max-bundle' });
  c.onicecandidate = (ev) => {
    if (ev.candidate && ev.candidate.candidate) window.benchSignal(JSON.stringify({ cand: ev.candidate.toJSON() } as Signal));
  };
  pc = c;
  return c;
}

async function flushCandidates(c: RTCPeerConnection): Promise<void> {
  const list = pending;
  pending = [];
  for (const cand of list) await c.addIceCandidate(cand);
}

window.floor = {
  async ready() {
    if (location.hash === '#camera') {
      camera = await navigator.mediaDevices.getUserMedia(CAMERA_CONSTRAINTS);
      videoElement().srcObject = camera;
    }
  },
  // Viewer: offer, send it, apply the answer the bench brings back.
  async call() {
    markWatch();
    const c = newConnection();
    preferCodecs(c.addTransceiver('video', { direction: 'recvonly' }), 'video');
    preferCodecs(c.addTransceiver('audio', { direction: 'recvonly' }), 'audio');
    const media = new MediaStream();
    c.ontrack = (ev) => {
      media.addTrack(ev.track);
      const v = videoElement();
      if (v.srcObject !== media) v.srcObject = media;
      v.play().catch(() => undefined);
    };
    await c.setLocalDescription(await c.createOffer());
    const answer = await window.benchSignal(JSON.stringify({ offer: c.localDescription!.sdp } as Signal));
    await window.floor.remoteAnswer(answer);
  },
  async remoteAnswer(answer: string) {
    const c = pc!;
    await c.setRemoteDescription({ type: 'answer', sdp: answer });
    await flushCandidates(c);
  },
  // Camera: answer with the camera's video, as CameraCall does.
  async answer(offer: string) {
    const c = newConnection();
    await applyOffer(c, offer);
    for (const t of c.getTransceivers()) {
      const kind = t.receiver.track ? t.receiver.track.kind : '';
      const track = camera!.getTracks().filter((x) => x.kind === kind)[0] || null;
      await t.sender.replaceTrack(track);
      t.direction = track ? 'sendonly' : 'inactive';
    }
    await c.setLocalDescription(await c.createAnswer());
    await flushCandidates(c);
    return c.localDescription!.sdp;
  },
  async candidate(json: string) {
    const cand = JSON.parse(json) as RTCIceCandidateInit;
    if (pc && pc.remoteDescription) await pc.addIceCandidate(cand);
    else pending.push(cand);
  },
  hangUp() {
    if (pc) pc.close();
    pc = null;
    const v = videoElement();
    if (location.hash !== '#camera') v.srcObject = null;
  },
};
