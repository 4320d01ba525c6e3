// Injected into every page of the ttff benchmark (camera, viewer, floor and PeerJS pages alike)
// before the page's own scripts run: whenever a video element is given a stream, the next
// decoded frame's presentation time (requestVideoFrameCallback metadata, the page's
// performance.now() clock) is stored in window.__benchFirstFrame. The bench reads it and
// subtracts the page's watch mark, so all three contenders are timed by the same code.
interface BenchWindow {
  __benchFirstFrame?: number;
  __benchArmed?: number;
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
      if (mine === generation && w.__benchFirstFrame === undefined) w.__benchFirstFrame = meta.presentationTime;
    });
  };
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
