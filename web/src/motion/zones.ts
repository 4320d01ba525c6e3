// Zones: areas of the picture to watch or to ignore, as polygons in normalised coordinates (0…1,
// x to the right, y down), so the owner can draw them on a still of any size and the camera can
// analyse at any resolution. With no "watch" zone the whole picture is watched; "ignore" zones
// are then cut out of it.

export type Point = [number, number];

export interface Zone {
  kind: 'watch' | 'ignore';
  /** At least 3 points, in order around the polygon. */
  points: Point[];
}

/** Bounds on zones kept in settings (docs/pages.md). */
export const MAX_ZONES = 8;
export const MAX_POINTS = 16;

/** Whether (x, y) lies inside the polygon (even-odd rule). */
export function inside(points: Point[], x: number, y: number): boolean {
  let hit = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const xi = points[i][0], yi = points[i][1], xj = points[j][0], yj = points[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/** One byte per pixel of a `width`×`height` frame: 1 where motion counts, 0 where it is ignored. */
export function zoneMask(zones: Zone[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const watch = zones.filter((z) => z.kind === 'watch' && z.points.length >= 3);
  const ignore = zones.filter((z) => z.kind === 'ignore' && z.points.length >= 3);
  for (let y = 0; y < height; y++) {
    const ny = (y + 0.5) / height;
    for (let x = 0; x < width; x++) {
      const nx = (x + 0.5) / width;
      let on = watch.length === 0;
      for (let k = 0; k < watch.length && !on; k++) on = inside(watch[k].points, nx, ny);
      for (let k = 0; k < ignore.length && on; k++) on = !inside(ignore[k].points, nx, ny);
      mask[y * width + x] = on ? 1 : 0;
    }
  }
  return mask;
}

/** Zones from untrusted JSON (settings): anything malformed is dropped, sizes are bounded. */
export function parseZones(v: unknown): Zone[] {
  if (!Array.isArray(v)) return [];
  const out: Zone[] = [];
  for (const z of v.slice(0, MAX_ZONES)) {
    if (!z || typeof z !== 'object') continue;
    const o = z as { kind?: unknown; points?: unknown };
    if ((o.kind !== 'watch' && o.kind !== 'ignore') || !Array.isArray(o.points)) continue;
    const points: Point[] = [];
    for (const p of o.points.slice(0, MAX_POINTS)) {
      if (!Array.isArray(p) || p.length !== 2) continue;
      const x = Number(p[0]), y = Number(p[1]);
      if (!isFinite(x) || !isFinite(y)) continue;
      points.push([Math.min(1, Math.max(0, x)), Math.min(1, Math.max(0, y))]);
    }
    if (points.length >= 3) out.push({ kind: o.kind, points });
  }
  return out;
}
