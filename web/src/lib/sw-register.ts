// Registers the service worker (web/src/sw/sw.ts) that keeps the app shell for offline starts.
// `updated` is told when a new build took over a page that already ran under an older one.
const UPDATE_CHECK_MS = 60 * 60 * 1000;
/**
 * The worker's first install downloads the whole shell: it waits until the page has loaded and
 * connected, so that it does not hold the browser's connections while the page signs in, joins and
 * calls (docs/pages.md "From scan to picture").
 */
const REGISTER_AFTER_MS = 3000;

export function registerServiceWorker(updated?: () => void): void {
  const sw = navigator.serviceWorker;
  if (!sw || !window.isSecureContext) return;
  const hadController = !!sw.controller;
  window.setTimeout(() => register(sw), REGISTER_AFTER_MS);
  sw.addEventListener('controllerchange', () => {
    if (hadController && updated) updated();
  });
}

function register(sw: ServiceWorkerContainer): void {
  sw.register('sw.js').then(
    (reg) => {
      // Pages that stay open for months (a camera) look for a new build now and then.
      window.setInterval(() => reg.update().catch(() => undefined), UPDATE_CHECK_MS);
    },
    (e) => console.warn('No offline copy of the pages:', e),
  );
}
