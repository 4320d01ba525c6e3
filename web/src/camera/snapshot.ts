// A snapshot for a viewer: the camera track's current frame at the track's full size (not the
// possibly scaled-down video a viewer receives), as a JPEG.
export interface Snapshot {
  bytes: Uint8Array;
  mime: string;
  width: number;
  height: number;
}

interface ImageCaptureLike {
  grabFrame(): Promise<ImageBitmap>;
}
type ImageCaptureCtor = new (track: MediaStreamTrack) => ImageCaptureLike;

interface Frame {
  source: CanvasImageSource;
  width: number;
  height: number;
  close(): void;
}

async function frameOf(track: MediaStreamTrack, preview: HTMLVideoElement): Promise<Frame> {
  const IC = (window as unknown as { ImageCapture?: ImageCaptureCtor }).ImageCapture;
  if (IC) {
    try {
      const b = await new IC(track).grabFrame();
      return { source: b, width: b.width, height: b.height, close: () => b.close() };
    } catch (e) {
      // Fall back to the preview (it shows the same track).
    }
  }
  if (!preview.videoWidth) throw new Error('the camera shows no picture yet');
  return { source: preview, width: preview.videoWidth, height: preview.videoHeight, close: () => undefined };
}

export async function takeSnapshot(track: MediaStreamTrack, preview: HTMLVideoElement): Promise<Snapshot> {
  if (track.readyState !== 'live') throw new Error('the camera is not capturing');
  const frame = await frameOf(track, preview);
  const { width, height } = frame;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('this browser cannot draw the picture');
  g.drawImage(frame.source, 0, 0, width, height);
  frame.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
  if (!blob) throw new Error('the picture could not be encoded');
  return { bytes: new Uint8Array(await new Response(blob).arrayBuffer()), mime: 'image/jpeg', width, height };
}
