// Registers the service worker (web/src/sw/sw.ts) that keeps the app shell for offline starts.
// `updated` is told when a new build took over a page that already ran under an older one.
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function registerServiceWorker(updated?: () => void): void {
  const sw = navigator.serviceWorker;
  if (!sw || !window.isSecureContext) return;
  const hadController = !!sw.controller;
  sw.register('sw.js').then(
    (reg) => {
      // Pages that stay open for months (a camera) look for a new build now and then.
      window.setInterval(() => reg.update().catch(() => undefined), UPDATE_CHECK_MS);
    },
    (e) => console.warn('No offline copy of the pages:', e),
  );
  sw.addEventListener('controllerchange', () => {
    if (hadController && updated) updated();
  });
}
