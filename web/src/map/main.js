// The command-centre map: grid110's own tiles with a layer switcher, a
// legend, filters that change the tile URLs, a live panel of new and
// changed cases (SSE), grid and case details with the workflow moves the
// signed-in role may make, and statistics.
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import '../shared/base.css';
import './map.css';
import { api } from '../shared/api.js';
import { applyI18n, onLangChange, t, wireLangButton } from '../shared/i18n.js';
import { wireAuth } from './auth.js';
import { FILTERED_SOURCES, SWITCHABLE, buildStyle, filterQuery, teamIcon, tileURL, withBasemap } from './layers.js';
import { Legend } from './legend.js';
import { GridLabels } from './labels.js';
import { Live } from './live.js';
import { Details } from './details.js';
import { Stats } from './stats.js';
import { filterFromForm, initFilterForm, relabel } from './filters.js';
import { wireTabs } from './tabs.js';

maplibregl.setWorkerUrl(workerUrl);
// Start the tile workers now, while the page asks for its settings.
maplibregl.prewarm();

// window.grid110 is for people at the console and for the browser tests.
const app = (window.grid110 = { maplibregl, usableMs: null, events: [] });

const ZHANGZHOU = [[116.9, 23.5], [118.2, 25.3]];

async function boot() {
  performance.mark('grid110:boot');
  applyI18n();
  wireLangButton(document.getElementById('lang'));
  // On a phone the layers and legend start folded, leaving the map visible.
  if (matchMedia('(max-width: 760px)').matches) document.getElementById('layers').open = false;
  // The map waits only for what shapes it; the categories come meanwhile.
  const catsP = api('/api/v1/categories');
  const [cfg, tj] = await Promise.all([
    api('/api/v1/web-config').catch(() => ({})),
    api('/tiles/grids.json').catch(() => null),
  ]);
  const filter = { days: 30 }; // the form's default; the server's moving 30-day window
  const bounds = tj?.bounds?.length === 4 ? [[tj.bounds[0], tj.bounds[1]], [tj.bounds[2], tj.bounds[3]]] : ZHANGZHOU;

  performance.mark('grid110:config');
  let style = buildStyle(filter, bounds.flat(), false);
  if (cfg.basemap_style_url) style = await withBasemap(style, cfg.basemap_style_url);

  const map = new maplibregl.Map({
    container: 'map',
    style,
    bounds,
    fitBoundsOptions: { padding: 20 },
    hash: true,
    attributionControl: { compact: true, customAttribution: 'grid110' },
    localIdeographFontFamily: '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif',
    maxZoom: 19,
    fadeDuration: 0, // labels appear at once: the map comes to rest sooner
    validateStyle: false, // built in layers.js, checked by the browser tests
  });
  app.map = map;
  // Listen before awaiting anything else, or the events may pass unseen.
  const loaded = new Promise((resolve) => map.once('load', resolve));
  // The legend's classes and the grid labels follow what is on screen:
  // computed as soon as the grid tiles are loaded (so that the first full
  // drawing has them) and again whenever the map comes to rest. "Usable":
  // the first time the map rests with the grids and the choropleth drawn
  // in classes fitted to their counts (the browser test reads this figure).
  const legend = new Legend(map, document.getElementById('legend'));
  const labels = new GridLabels(map);
  Object.assign(app, { legend, labels });
  map.on('sourcedata', (e) => {
    // Tile data of a source implies the style and its layers are there.
    if (!e.isSourceLoaded || e.sourceDataType === 'metadata' || !map.getLayer('choropleth')) return;
    if (e.sourceId === 'grid-stats') legend.update();
    if (e.sourceId === 'grids') labels.update();
  });
  map.on('idle', () => {
    labels.update();
    if (legend.update() || app.usableMs != null) return;
    if (map.queryRenderedFeatures({ layers: ['grid-lines'] }).length > 0 &&
        map.queryRenderedFeatures({ layers: ['choropleth'] }).length > 0) {
      app.usableMs = Math.round(performance.now());
      document.body.dataset.usable = String(app.usableMs);
    }
  });
  map.setMissingStyleImageResolver((id) => {
    const img = teamIcon(id);
    if (img && !map.hasImage(id)) map.addImage(id, img, { pixelRatio: 2 });
  });
  const cats = await catsP;
  app.categories = cats;
  const catByCode = Object.fromEntries(cats.map((c) => [c.code, c]));
  initFilterForm(cats);
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
  // The whole page, panels included, for a command-centre wall.
  map.addControl(new maplibregl.FullscreenControl({ container: document.body }), 'top-left');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');

  await loaded;
  performance.mark('grid110:load');
  map.triggerRepaint(); // an 'idle' may have passed before this point
  const details = new Details(map, catByCode);
  const stats = new Stats(document.getElementById('tab-stats'), catByCode);
  const live = new Live(map, document.getElementById('live-list'), document.getElementById('live-status'), catByCode, details);
  app.live = live;
  app.details = details;
  buildLayerSwitcher(map, legend);
  wireTabs();
  document.querySelector('[data-tab="live"]').addEventListener('click', () => live.seen());
  document.querySelector('[data-tab="stats"]').addEventListener('click', () => stats.show());
  wireAuth(() => {
    live.connect();
    stats.load(filterFromForm());
  });

  // Filters change the tile URLs of the filtered sources; MapLibre then
  // fetches the tiles anew.
  app.filter = filter;
  document.getElementById('filters').addEventListener('change', () => {
    const f = filterFromForm();
    if (!f) return; // custom window still incomplete
    app.filter = f;
    for (const id of FILTERED_SOURCES) map.getSource(id)?.setTiles([tileURL(id, filterQuery(f, id))]);
    legend.reset();
    stats.load(f);
  });

  onLangChange(() => {
    relabel(cats);
    legend.render();
    live.render();
    details.render();
    stats.render();
    buildLayerSwitcher(map, legend);
  });

  map.on('click', (e) => details.click(e));
  for (const id of ['report-points', 'report-clusters', 'live-points', 'teams']) {
    map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
  }
}

function buildLayerSwitcher(map, legend) {
  const ul = document.getElementById('layer-list');
  ul.replaceChildren();
  for (const s of SWITCHABLE) {
    const li = document.createElement('li');
    const on = map.getLayoutProperty(s.layers[0], 'visibility') !== 'none';
    li.innerHTML = `<label><input type="checkbox" data-layer="${s.id}" ${on ? 'checked' : ''}> ${t('layer.' + s.id)}</label>`;
    li.querySelector('input').addEventListener('change', (e) => {
      for (const l of s.layers) map.setLayoutProperty(l, 'visibility', e.target.checked ? 'visible' : 'none');
      legend.reset();
    });
    ul.append(li);
  }
}

boot().catch((err) => {
  console.error(err);
  const p = document.createElement('p');
  p.className = 'fatal';
  p.textContent = t('error.load') + ' ' + (err.message || err);
  document.body.append(p);
});
