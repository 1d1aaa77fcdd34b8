// One label per grid. Vector tiles cut a polygon into a piece per tile, and
// MapLibre would label every piece (a district showed its name five times).
// So the labels are points computed here from the loaded tiles: for each
// grid, a point well inside its largest piece, kept in a GeoJSON source.

/** The grid level each tile zoom holds (tiles/grids.go). */
export function levelAt(zoom) {
  const z = Math.floor(zoom);
  return z <= 9 ? 'district' : z <= 11 ? 'township' : z <= 14 ? 'community' : 'compound';
}

function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(a / 2);
}

/**
 * insidePoint returns a point inside the polygon ring: the middle of the
 * widest stretch of the horizontal line through the ring's middle latitude
 * that lies inside it (the centroid can fall outside a concave shape).
 */
export function insidePoint(ring) {
  let minY = Infinity;
  let maxY = -Infinity;
  for (const [, y] of ring) {
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  let best = null;
  // Try the middle first, then lines a little above and below it.
  for (const f of [0.5, 0.4, 0.6, 0.3, 0.7]) {
    const y = minY + (maxY - minY) * f;
    const xs = [];
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x1, y1] = ring[j];
      const [x2, y2] = ring[i];
      if ((y1 > y) !== (y2 > y)) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const w = xs[k + 1] - xs[k];
      if (!best || w > best.w) best = { w, p: [(xs[k] + xs[k + 1]) / 2, y] };
    }
    if (best && f === 0.5) break;
  }
  return best ? best.p : ring[0];
}

export class GridLabels {
  constructor(map, source = 'grid-label-points') {
    this.map = map;
    this.source = source;
    this.key = '';
  }

  /** update recomputes the label points; true if they changed. */
  update() {
    const level = levelAt(this.map.getZoom());
    const best = new Map();
    for (const f of this.map.querySourceFeatures('grids', { sourceLayer: 'grids', filter: ['==', ['get', 'level'], level] })) {
      const g = f.geometry;
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
      for (const poly of polys) {
        const a = ringArea(poly[0]);
        const id = f.properties.id;
        if (!best.has(id) || a > best.get(id).a) best.set(id, { a, ring: poly[0], props: f.properties });
      }
    }
    const features = [...best.values()].map(({ ring, props }) => ({
      type: 'Feature', id: props.id, geometry: { type: 'Point', coordinates: insidePoint(ring) },
      properties: { id: props.id, name: props.name, level: props.level },
    }));
    const key = features.map((f) => f.id + ':' + f.geometry.coordinates.map((c) => c.toFixed(5)).join(',')).sort().join(';');
    if (key === this.key) return false;
    this.key = key;
    this.map.getSource(this.source)?.setData({ type: 'FeatureCollection', features });
    return true;
  }
}

/** inRing reports whether point p lies inside the ring (even-odd rule). */
function inRing(p, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > p[1]) !== (yj > p[1]) && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * gridAt returns the properties of the grid at lngLat among the loaded grid
 * tiles, at the level the zoom shows; null if none. (A transparent fill
 * layer to click on would cost a full-screen pass on every frame.)
 */
export function gridAt(map, lngLat) {
  const p = [lngLat.lng, lngLat.lat];
  const level = levelAt(map.getZoom());
  for (const f of map.querySourceFeatures('grids', { sourceLayer: 'grids', filter: ['==', ['get', 'level'], level] })) {
    const g = f.geometry;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    for (const poly of polys) {
      if (inRing(p, poly[0]) && !poly.slice(1).some((h) => inRing(p, h))) return f.properties;
    }
  }
  return null;
}
