// Motion alerts on the viewer (docs/pages.md "Alerts"): when a camera's sealed recording state
// says motion started, the page shows it at once (#alert) and, when the person allowed
// notifications and the page is in the background, the system shows a notification. Nothing
// runs on a server, so no alert reaches a device where no viewer page is open (#alerts-hint says so).
const alertEl = document.getElementById('alert')!;
const notifyBtn = document.getElementById('notify') as HTMLButtonElement;

/** Motion older than this when first seen (a page opening, a reconnect) is not an alert. */
export const ALERT_FRESH_MS = 60000;

function permission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'function' ? Notification.permission : 'unsupported';
}

function showButton(): void {
  const p = permission();
  notifyBtn.hidden = p === 'unsupported' || p === 'granted';
  notifyBtn.disabled = p === 'denied';
  notifyBtn.textContent = p === 'denied' ? 'Notifications are blocked for this site (browser settings)' : 'Notify me of motion';
}

export class Alerts {
  /** Notifications shown by this page (for the tests' count). */
  notified = 0;
  private hideTimer: number | undefined;
  /** Told when the person taps "Show clips" on an alert. */
  onShow: (camera: string) => void = () => undefined;

  constructor() {
    showButton();
    notifyBtn.addEventListener('click', () => {
      if (typeof Notification !== 'function') return;
      Notification.requestPermission().then(showButton, showButton);
    });
  }

  /** Motion started on `camera` at `at` (the camera's clock). */
  motion(camera: string, name: string, at: number): void {
    const time = new Date(Math.min(at, Date.now())).toLocaleTimeString();
    alertEl.textContent = '';
    const text = document.createElement('span');
    text.textContent = 'Motion: ' + name + ' at ' + time + '. ';
    alertEl.appendChild(text);
    const show = document.createElement('button');
    show.type = 'button';
    show.textContent = 'Watch';
    show.addEventListener('click', () => this.onShow(camera));
    alertEl.appendChild(show);
    alertEl.setAttribute('data-camera', camera);
    alertEl.setAttribute('data-at', String(at));
    alertEl.hidden = false;
    clearTimeout(this.hideTimer);
    this.hideTimer = window.setTimeout(() => (alertEl.hidden = true), 120000);
    if (document.visibilityState === 'hidden' && permission() === 'granted') {
      try {
        const n = new Notification('Motion: ' + name, { body: 'At ' + time + '. Open RemoteCam to watch.', tag: 'remotecam-motion-' + camera });
        n.onclick = () => {
          window.focus();
          this.onShow(camera);
          n.close();
        };
        this.notified++;
        alertEl.setAttribute('data-notified', String(this.notified));
      } catch (e) {
        // Android Chrome only notifies through a service worker: the in-page alert stays.
        this.viaWorker(name, time, camera);
      }
    }
  }

  private viaWorker(name: string, time: string, camera: string): void {
    if (!navigator.serviceWorker) return;
    navigator.serviceWorker.ready
      .then((reg) => reg.showNotification('Motion: ' + name, { body: 'At ' + time + '. Open RemoteCam to watch.', tag: 'remotecam-motion-' + camera }))
      .then(() => {
        this.notified++;
        alertEl.setAttribute('data-notified', String(this.notified));
      }, () => undefined);
  }
}
