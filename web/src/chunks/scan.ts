// The QR scanner, a separate bundle (scan.js) loaded on demand by the viewer page, so jsQR's
// weight never lands on the camera page.
import jsQR from 'jsqr';

export interface Scanner {
  /** Decodes a QR code from the current frame of a playing video; null when none is visible. */
  fromVideo(video: HTMLVideoElement): string | null;
  /** Decodes a QR code from an image file; null when none is found. */
  fromFile(file: Blob): Promise<string | null>;
}

const canvas = document.createElement('canvas');
const ctx = canvas.getContext('2d', { willReadFrequently: true } as CanvasRenderingContext2DSettings)!;

function decode(source: CanvasImageSource, w: number, h: number): string | null {
  // Large photos are scaled down: jsQR's time grows with the pixel count.
  const scale = Math.min(1, 1280 / Math.max(w, h));
  canvas.width = Math.max(1, Math.round(w * scale));
  canvas.height = Math.max(1, Math.round(h * scale));
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const code = jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' });
  return code ? code.data : null;
}

function loadImage(file: Blob): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('This file is not an image the browser can read.'));
    };
    img.src = url;
  });
}

const scanner: Scanner = {
  fromVideo(video) {
    if (!video.videoWidth) return null;
    return decode(video, video.videoWidth, video.videoHeight);
  },
  async fromFile(file) {
    const img = await loadImage(file);
    return decode(img, img.naturalWidth, img.naturalHeight);
  },
};

(window as unknown as { remotecamScanner: Scanner }).remotecamScanner = scanner;
