// This device's name: the one the person chose (kept in localStorage), else a suggestion from
// the device's model (User-Agent Client Hints on Chromium, the user-agent string elsewhere) or
// its browser and system. The rules allow 1–40 characters.
const KEY = 'remotecam.name';

interface UaData {
  mobile?: boolean;
  platform?: string;
  getHighEntropyValues?(hints: string[]): Promise<{ model?: string; platform?: string }>;
}

let model = '';

/** The browser and system from the user-agent string, e.g. "Chrome on Linux". */
function browserAndSystem(ua: string): string {
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'Mac' : /CrOS/.test(ua) ? 'ChromeOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? browser + ' on ' + os : browser;
}

/** A suggestion for this device's name: its model when the browser tells it. */
export function defaultName(): string {
  if (model) return clip(model);
  const ua = navigator.userAgent;
  // Reduced user-agent strings say "Android 10; K": no model there.
  const android = /Android [\d.]+; ([^;)]+?)(?: Build\/[^;)]*)?\)/.exec(ua);
  if (android && android[1] && android[1] !== 'K') return clip(android[1].trim());
  if (/iPhone/.test(ua)) return 'iPhone';
  if (/iPad/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1)) return 'iPad';
  if (/Android/.test(ua)) return /Mobile/.test(ua) ? 'Android phone' : 'Android tablet';
  return browserAndSystem(ua);
}

/** Asks the browser for the device's model (Chromium's User-Agent Client Hints); later suggestions use it. */
export async function loadModel(): Promise<void> {
  const data = (navigator as unknown as { userAgentData?: UaData }).userAgentData;
  if (!data || !data.getHighEntropyValues) return;
  try {
    // Never holds a page up for long: the hint is a nicety.
    const v = await Promise.race([
      data.getHighEntropyValues(['model', 'platform']),
      new Promise<{ model?: string }>((resolve) => window.setTimeout(() => resolve({}), 500)),
    ]);
    if (v.model && v.model.trim()) model = v.model.trim();
  } catch (e) {
    // Not offered: keep the user-agent string's guess.
  }
}

/** Whether the person chose a name on this browser (else the pages ask, suggesting one). */
export function hasChosenName(): boolean {
  try {
    return !!localStorage.getItem(KEY);
  } catch (e) {
    return false;
  }
}

export function deviceName(): string {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved) return clip(saved);
  } catch (e) {
    // fall through
  }
  return defaultName();
}

export function setDeviceName(name: string): string {
  const n = clip(name.trim()) || defaultName();
  try {
    localStorage.setItem(KEY, n);
  } catch (e) {
    // private mode
  }
  return n;
}

/** Names are 1–40 characters (database.rules.json). */
function clip(s: string): string {
  return s.slice(0, 40);
}
