// peerjs.html#camera=<id>&port=<n> and peerjs.html#viewer=<camera id>&port=<n>: the ttff PeerJS
// reference. PeerJS 1.5.5 as an application would use it, pointed at the local PeerJS server
// (npm peer 1.0.2) and without STUN (config.iceServers []); otherwise its defaults. The camera
// answers every call with the same capture as RemoteCam's camera page; the viewer calls with an
// empty stream and asks to receive video and audio, as RemoteCam's viewer does.
import { MediaConnection, Peer, PeerOptions } from 'peerjs';
import { CAMERA_CONSTRAINTS, ICE_SERVERS, markWatch, videoElement } from './common';

declare global {
  interface Window {
    pj: {
      ready(): Promise<void>;
      call(): Promise<void>;
      hangUp(): void;
    };
  }
}

const params = new URLSearchParams(location.hash.slice(1));
const options: PeerOptions = { host: '127.0.0.1', port: Number(params.get('port')), path: '/', key: 'peerjs', secure: false, config: { iceServers: ICE_SERVERS }, debug: 1 };
let peer: Peer | null = null;
let current: MediaConnection | null = null;

function open(id: string | null): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const p = id ? new Peer(id, options) : new Peer(options);
    p.on('open', () => resolve(p));
    p.on('error', (e) => reject(e));
  });
}

window.pj = {
  async ready() {
    const cameraId = params.get('camera');
    if (cameraId) {
      const stream = await navigator.mediaDevices.getUserMedia(CAMERA_CONSTRAINTS);
      videoElement().srcObject = stream;
      peer = await open(cameraId);
      peer.on('call', (call) => call.answer(stream));
    } else {
      peer = await open(null);
    }
  },
  async call() {
    markWatch();
    const target = params.get('viewer')!;
    // PeerJS passes `constraints` to createOffer; without tracks of its own the viewer must ask to receive.
    const callOptions = { constraints: { offerToReceiveVideo: true, offerToReceiveAudio: true } } as unknown as Parameters<Peer['call']>[2];
    const call = peer!.call(target, new MediaStream(), callOptions);
    current = call;
    call.on('stream', (s) => {
      const v = videoElement();
      if (v.srcObject !== s) v.srcObject = s;
      v.play().catch(() => undefined);
    });
  },
  hangUp() {
    if (current) current.close();
    current = null;
    videoElement().srcObject = null;
  },
};
