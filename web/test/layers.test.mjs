// The map's style, built in layers.js: filters in the tile URLs, the
// choropleth's classes, and an optional basemap drawn underneath.
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.location ??= { origin: 'http://grid110.test' };
const { buildStyle, filterQuery, quantileBreaks, withBasemap } = await import('../src/map/layers.js');
const { insidePoint, levelAt } = await import('../src/map/labels.js');

test('filters go into the tile URLs of the layers that take them', () => {
  const f = { category: 'tip', status: 'filed', from: '2026-11-01', to: '2026-11-07' };
  assert.equal(filterQuery(f, 'grid-stats'), '?category=tip&status=filed&from=2026-11-01&to=2026-11-07');
  assert.equal(filterQuery(f, 'hotspots'), '?category=tip&from=2026-11-01&to=2026-11-07&fdr=true', 'hotspots take no status');
  assert.equal(filterQuery({}, 'reports'), '', 'the default window is the server\'s');
  const style = buildStyle(f, [117, 23.5, 118, 25]);
  assert.equal(style.sources['grid-stats'].tiles[0], 'http://grid110.test/tiles/grid-stats/{z}/{x}/{y}.mvt' + filterQuery(f, 'grid-stats'));
  assert.equal(style.sources.grids.tiles[0], 'http://grid110.test/tiles/grids/{z}/{x}/{y}.mvt', 'grids take no filter');
  assert.equal(style.glyphs, undefined, 'no glyph server: labels come from local fonts');
  assert.equal(style.sprite, undefined);
});

test('quantile breaks split the counts into classes of similar size', () => {
  assert.deepEqual(quantileBreaks([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [3, 5, 7, 9]);
  assert.deepEqual(quantileBreaks([5, 5, 5, 5]), [5, 6, 7, 8], 'breaks always increase');
  assert.deepEqual(quantileBreaks([]), [1, 2, 3, 4]);
});

test('a basemap goes under our layers; without one the map goes on', async () => {
  const ours = buildStyle({}, null);
  const base = { version: 8, glyphs: 'https://example.cn/{fontstack}/{range}.pbf', sources: { osm: { type: 'raster', tiles: ['https://example.cn/{z}/{x}/{y}.png'] } },
    layers: [{ id: 'osm', type: 'raster', source: 'osm' }] };
  const merged = await withBasemap(ours, 'data:application/json,' + encodeURIComponent(JSON.stringify(base)));
  assert.equal(merged.layers[0].id, 'osm', 'the basemap is drawn first');
  assert.ok(!merged.layers.some((l) => l.id === 'background'), 'our background would hide it');
  assert.equal(merged.layers.length, 1 + ours.layers.length - 1);
  assert.ok(merged.sources.osm && merged.sources['grid-stats']);
  assert.equal(merged.glyphs, base.glyphs);
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.equal(await withBasemap(ours, 'http://127.0.0.1:9/style.json'), ours, 'an unreachable basemap is left out');
  } finally {
    console.warn = warn;
  }
});

test('labels sit inside their grid, one level per zoom', () => {
  const ring = [[0, 0], [10, 0], [10, 1], [1, 1], [1, 9], [10, 9], [10, 10], [0, 10], [0, 0]]; // a C shape
  const [x, y] = insidePoint(ring);
  assert.ok(x > 0 && x < 1 && y > 0 && y < 10, `(${x}, ${y}) is in the C's back, not its empty middle`);
  assert.deepEqual([7, 9, 10, 11, 12, 14.9, 15, 18].map(levelAt),
    ['district', 'district', 'township', 'township', 'community', 'community', 'compound', 'compound']);
});

test('the tile holding a point', async () => {
  const { tileOf } = await import('../src/map/live.js');
  // 芗城区 at z10 and z16 (slippy-map numbering, checked against the usual formula in Python).
  assert.deepEqual(tileOf(117.655, 24.513, 10), { x: 846, y: 440, z: 10 });
  assert.deepEqual(tileOf(117.655, 24.513, 16), { x: 54186, y: 28162, z: 16 });
  assert.deepEqual(tileOf(-180, 0, 1), { x: 0, y: 1, z: 1 });
  assert.deepEqual(tileOf(180, -90, 2), { x: 3, y: 3, z: 2 }, 'edges stay in range');
});
