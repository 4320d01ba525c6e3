// Battery level and charging state, where the browser offers navigator.getBattery (Chromium).
export interface Battery {
  level: number;
  charging: boolean;
}

interface BatteryManagerLike extends EventTarget {
  level: number;
  charging: boolean;
}

let manager: BatteryManagerLike | null = null;

export async function watchBattery(changed: (b: Battery) => void): Promise<boolean> {
  const get = (navigator as unknown as { getBattery?: () => Promise<BatteryManagerLike> }).getBattery;
  if (!get) return false;
  try {
    manager = await get.call(navigator);
  } catch (e) {
    return false;
  }
  const m = manager;
  const emit = () => changed(readBattery(m));
  m.addEventListener('levelchange', emit);
  m.addEventListener('chargingchange', emit);
  emit();
  return true;
}

export function currentBattery(): Battery | null {
  return manager ? readBattery(manager) : null;
}

function readBattery(m: BatteryManagerLike): Battery {
  const level = Math.min(1, Math.max(0, Number(m.level) || 0));
  return { level: Math.round(level * 100) / 100, charging: !!m.charging };
}
