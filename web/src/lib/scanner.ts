// Loads the scanner bundle (scan.js) once, on demand.
import type { Scanner } from '../chunks/scan';
import { loadChunk } from './chunks';

export function loadScanner(): Promise<Scanner> {
  return loadChunk<Scanner>('scan.js', 'remotecamScanner', 'the QR scanner');
}
