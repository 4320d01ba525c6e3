// A sensible default device name, editable by the person and kept in localStorage.
const KEY = 'remotecam.name';

export function defaultName(): string {
  const ua = navigator.userAgent;
  const android = /Android [\d.]+; ([^;)]+?)(?: Build\/[^;)]*)?\)/.exec(ua);
  if (android && android[1] && android[1] !== 'K') return clip(android[1].trim());
  if (/iPhone/.test(ua)) return 'iPhone';
  if (/iPad/.test(ua)) return 'iPad';
  if (/Android/.test(ua)) return 'Android phone';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'Mac' : /CrOS/.test(ua) ? 'ChromeOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? browser + ' on ' + os : browser;
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
