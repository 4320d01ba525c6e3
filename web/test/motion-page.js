// Run (Playwright's evaluate) in a page of the relay's origin by the motion tests
// (tests/RemoteCam.E2E.Tests/Scripts/motion-harness.js) and by bench/run.sh motion
// (bench/web/motion-cost.js): defines window.__openMotionCamera(), which loads motion.js as the
// camera page does and opens the camera (about 720p, no sound) into a playing video. Resolves to
// { m: the bundle's API, stream, video }.
() => {
  window.__openMotionCamera = async () => {
    const script = document.createElement('script');
    script.src = 'motion.js';
    document.head.appendChild(script);
    await new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = () => reject(new Error('motion.js did not load'));
    });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = stream;
    document.body.appendChild(video);
    await video.play();
    return { m: window.remotecamMotion, stream, video };
  };
}
