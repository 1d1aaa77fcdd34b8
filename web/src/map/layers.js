// The map's sources and layers, all from grid110's own tiles (/tiles): no
// external basemap, glyphs or sprites, so the map works on a closed
// network. Labels are drawn from the browser's own fonts (the style has no
// glyphs URL; MapLibre renders them locally).

export const STATUS_COLORS = {
  submitted: '#d7301f', filed: '#fc8d59', dispatched: '#f4a300', in_progress: '#2b8cbe',
  returned: '#984ea3', reopened: '#e7298a', resolved: '#41ab5d', verified: '#238b45',
  closed: '#7f7f7f', rejected: '#bdbdbd',
};
export const STATUSES = Object.keys(STATUS_COLORS);

export const TEAM_COLORS = {
  patrol: '#1f78b4', legal_aid: '#6a3d9a', volunteer: '#33a02c', anti_counterfeit: '#b15928',
  emergency: '#e31a1c', mediation: '#ff7f00', medical: '#fb9a99', duty: '#555555',
};

export const LEVEL_STYLE = {
  district: { color: '#17306b', width: 2.4, text: 15 },
  township: { color: '#2f4f9a', width: 1.6, text: 13 },
  community: { color: '#5a76bd', width: 1.0, text: 12 },
  compound: { color: '#8ea3d6', width: 0.7, text: 11 },
};

// The choropleth's five classes, light to dark; breaks follow the counts
// on screen (quantiles), since a district holds far more reports than a
// compound.
export const CHORO_COLORS = ['#fff5eb', '#fdd0a2', '#fd8d3c', '#d94801', '#7f2704'];
export const HEAT_COLORS = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'];
export const HOTSPOT_COLORS = { 3: '#b2182b', 2: '#ef8a62', 1: '#fddbc7', '-1': '#d1e5f0', '-2': '#67a9cf', '-3': '#2166ac' };

/** The layers a person can switch, in the switcher's order, with defaults. */
export const SWITCHABLE = [
  { id: 'choropleth', layers: ['choropleth'], on: true },
  { id: 'heatmap', layers: ['heatmap'], on: false },
  { id: 'hotspots', layers: ['hotspots'], on: false },
  { id: 'grids', layers: ['grid-lines', 'grid-labels'], on: true },
  { id: 'reports', layers: ['report-clusters', 'report-cluster-count', 'report-points'], on: true },
  { id: 'teams', layers: ['teams'], on: true },
];

export const FILTERED_SOURCES = ['grid-stats', 'reports', 'heatmap', 'hotspots'];

/** tileURL is the tile template of layer with the filter's query. */
export function tileURL(layer, query = '') {
  return `${location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt${query}`;
}

/** filterQuery turns the filter into each layer's query string. */
export function filterQuery(f, layer) {
  const p = new URLSearchParams();
  if (f.category) p.set('category', f.category);
  if (f.status && layer !== 'hotspots') p.set('status', f.status);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (layer === 'hotspots') p.set('fdr', 'true');
  const s = p.toString();
  return s ? '?' + s : '';
}

function vector(layer, f, bounds) {
  const q = FILTERED_SOURCES.includes(layer) ? filterQuery(f, layer) : '';
  const src = { type: 'vector', tiles: [tileURL(layer, q)], minzoom: 0, maxzoom: 16 };
  if (bounds) src.bounds = bounds;
  return src;
}

const level = ['get', 'level'];
const byLevel = (key) => ['match', level, ...Object.entries(LEVEL_STYLE).flatMap(([l, s]) => [l, s[key]]), LEVEL_STYLE.compound[key]];

/** choroplethColor is a step expression over count for the given breaks. */
export function choroplethColor(breaks, colors = CHORO_COLORS) {
  const e = ['step', ['coalesce', ['get', 'count'], 0], colors[0]];
  breaks.forEach((b, i) => e.push(b, colors[i + 1]));
  return e;
}

/** buildStyle returns the whole MapLibre style for filter f. */
export function buildStyle(f, bounds, basemap) {
  const sources = {
    grids: vector('grids', f, bounds),
    'grid-stats': vector('grid-stats', f, bounds),
    heatmap: vector('heatmap', f, bounds),
    hotspots: vector('hotspots', f, bounds),
    reports: vector('reports', f, bounds),
    teams: vector('teams', f, bounds),
    live: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    'grid-label-points': { type: 'geojson', data: { type: 'FeatureCollection', features: [] } }, // labels.js
    selected: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
  };
  const layers = [
    { id: 'background', type: 'background', paint: { 'background-color': basemap ? 'rgba(0,0,0,0)' : '#eef1f4' } },
    { id: 'choropleth', type: 'fill', source: 'grid-stats', 'source-layer': 'grid-stats',
      paint: { 'fill-color': choroplethColor([1, 2, 3, 4]), 'fill-opacity': 0.72 } },
    { id: 'heatmap', type: 'fill', source: 'heatmap', 'source-layer': 'heatmap', layout: { visibility: 'none' },
      paint: { 'fill-color': choroplethColor([1, 2, 3, 4], HEAT_COLORS), 'fill-opacity': 0.78 } },
    { id: 'hotspots', type: 'fill', source: 'hotspots', 'source-layer': 'hotspots', layout: { visibility: 'none' },
      filter: ['!=', ['get', 'bin'], 0],
      paint: { 'fill-color': ['match', ['to-string', ['get', 'bin']], ...Object.entries(HOTSPOT_COLORS).flat(), '#ffffff'],
        'fill-opacity': 0.75, 'fill-outline-color': 'rgba(0,0,0,0.15)' } },
    { id: 'grid-lines', type: 'line', source: 'grids', 'source-layer': 'grids',
      paint: { 'line-color': byLevel('color'), 'line-width': byLevel('width'), 'line-opacity': 0.9 } },
    // The grid picked in the details panel, at any zoom (details.js sets its data).
    { id: 'grid-selected', type: 'line', source: 'selected', paint: { 'line-color': '#00b3ff', 'line-width': 4 } },
    // Teams are diamonds (drawn by teamIcon), so they do not read as reports.
    { id: 'teams', type: 'symbol', source: 'teams', 'source-layer': 'teams', minzoom: 10,
      layout: { 'icon-image': ['concat', 'team-', ['get', 'kind'], ['case', ['get', 'on_duty'], '', '-off']],
        'icon-size': ['interpolate', ['linear'], ['zoom'], 10, 0.8, 16, 1.3], 'icon-allow-overlap': true } },
    { id: 'report-clusters', type: 'circle', source: 'reports', 'source-layer': 'reports', minzoom: 11, filter: ['==', ['get', 'cluster'], true],
      paint: { 'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'count']], 1, 3, 10, 13, 40, 24],
        'circle-color': 'rgba(190,40,30,0.42)', 'circle-stroke-color': 'rgba(255,255,255,0.8)', 'circle-stroke-width': 0.8 } },
    { id: 'report-cluster-count', type: 'symbol', source: 'reports', 'source-layer': 'reports', minzoom: 11,
      filter: ['all', ['==', ['get', 'cluster'], true], ['>', ['get', 'count'], 9]],
      layout: { 'text-field': ['to-string', ['get', 'count']], 'text-font': ['sans-serif'], 'text-size': 11, 'text-allow-overlap': false },
      paint: { 'text-color': '#fff' } },
    { id: 'report-points', type: 'circle', source: 'reports', 'source-layer': 'reports', filter: ['!=', ['get', 'cluster'], true],
      paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 14, 4, 18, 8],
        'circle-color': ['match', ['get', 'status'], ...Object.entries(STATUS_COLORS).flat(), '#333'],
        'circle-stroke-color': '#fff', 'circle-stroke-width': 1.2 } },
    // Grid names above the reports: placed first, so cluster counts give way to them.
    { id: 'grid-labels', type: 'symbol', source: 'grid-label-points',
      layout: { 'text-field': ['get', 'name'], 'text-font': ['sans-serif'], 'text-size': byLevel('text'),
        'text-max-width': 8, 'symbol-avoid-edges': false, 'text-padding': 4 },
      paint: { 'text-color': '#102040', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.4 } },
    { id: 'live-points', type: 'circle', source: 'live',
      paint: { 'circle-radius': 8, 'circle-color': ['match', ['get', 'status'], ...Object.entries(STATUS_COLORS).flat(), '#d7301f'],
        'circle-stroke-color': '#111', 'circle-stroke-width': 2 } },
  ];
  return { version: 8, name: 'grid110', sources, layers };
}

/**
 * withBasemap draws the style at url (GRID110_BASEMAP_STYLE) under
 * grid110's layers, keeping its glyphs and sprite. When it cannot be loaded
 * (a closed network), the map goes on without it.
 */
export async function withBasemap(style, url) {
  try {
    const resp = await fetch(url);
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    const base = await resp.json();
    return {
      ...base,
      sources: { ...base.sources, ...style.sources },
      layers: [...base.layers, ...style.layers.filter((l) => l.id !== 'background')],
    };
  } catch (err) {
    console.warn('basemap style not loaded; drawing grid110 layers only', err);
    return style;
  }
}

/**
 * quantileBreaks returns up to n-1 increasing breaks that split the
 * positive values into n classes of similar size.
 */
export function quantileBreaks(values, n = 5) {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (v.length === 0) return [1, 2, 3, 4].slice(0, n - 1);
  const out = [];
  for (let i = 1; i < n; i++) {
    const b = v[Math.min(v.length - 1, Math.floor((i * v.length) / n))];
    const prev = out.length ? out[out.length - 1] : 0;
    out.push(Math.max(b, prev + 1));
  }
  return out;
}

/**
 * teamIcon draws the map icon "team-{kind}" or "team-{kind}-off" (off duty:
 * hollow): a diamond in the kind's colour. null for other names.
 */
export function teamIcon(name) {
  const m = /^team-([a-z_]+?)(-off)?$/.exec(name);
  if (!m) return null;
  const color = TEAM_COLORS[m[1]] || '#444';
  const size = 22;
  const c = document.createElement('canvas');
  c.width = c.height = size;
  const g = c.getContext('2d');
  g.translate(size / 2, size / 2);
  g.rotate(Math.PI / 4);
  g.fillStyle = m[2] ? '#fff' : color;
  g.strokeStyle = m[2] ? color : '#fff';
  g.lineWidth = 2.5;
  g.fillRect(-6.5, -6.5, 13, 13);
  g.strokeRect(-6.5, -6.5, 13, 13);
  return { width: size, height: size, data: g.getImageData(0, 0, size, size).data };
}
