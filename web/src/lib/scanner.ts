// Loads the scanner bundle (scan.js) once, on demand.
import type { Scanner } from '../chunks/scan';

let loading: Promise<Scanner> | null = null;

export function loadScanner(): Promise<Scanner> {
  if (!loading) {
    loading = new Promise<Scanner>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = 'scan.js';
      s.onload = () => resolve((window as unknown as { remotecamScanner: Scanner }).remotecamScanner);
      s.onerror = () => {
        loading = null;
        reject(new Error('Could not load the QR scanner; check the connection.'));
      };
      document.head.appendChild(s);
    });
  }
  return loading;
}
