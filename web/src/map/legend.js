// The legend of the visible layers. The choropleth and heatmap classes are
// quantiles of the counts on screen, recomputed when the map comes to rest:
// the counts of a district and of a compound differ a hundredfold.
import { t } from '../shared/i18n.js';
import { levelAt } from './labels.js';
import {
  CHORO_COLORS, HEAT_COLORS, HOTSPOT_COLORS, LEVEL_STYLE, STATUS_COLORS, TEAM_COLORS, choroplethColor, quantileBreaks,
} from './layers.js';

const CLASSED = { choropleth: CHORO_COLORS, heatmap: HEAT_COLORS };

export class Legend {
  constructor(map, el) {
    this.map = map;
    this.el = el;
    this.breaks = { choropleth: [1, 2, 3, 4], heatmap: [1, 2, 3, 4] };
    this.render();
  }

  visible(id) {
    return this.map.getLayer(id) && this.map.getLayoutProperty(id, 'visibility') !== 'none';
  }

  /** reset forgets the classes, after a filter or layer change. */
  reset() {
    this.stale = true;
    this.render();
  }

  /** update recomputes the classes from the features on screen; true if they changed. */
  update() {
    let changed = false;
    for (const id of Object.keys(CLASSED)) {
      if (!this.visible(id)) continue;
      const seen = new Map();
      for (const f of this.features(id)) {
        const key = f.properties.id ?? f.properties.cell;
        seen.set(key, Number(f.properties.count) || 0);
      }
      if (seen.size === 0) continue;
      const b = quantileBreaks([...seen.values()]);
      if (b.join() !== this.breaks[id].join()) {
        this.breaks[id] = b;
        this.map.setPaintProperty(id, 'fill-color', choroplethColor(b, CLASSED[id]));
        changed = true;
      }
    }
    if (changed || this.stale) {
      this.stale = false;
      this.render();
    }
    return changed;
  }

  /**
   * features are the counted features of layer id: for the choropleth
   * those of the loaded tiles at the level the zoom shows (available as
   * soon as the tiles are, before they are drawn); else those on screen.
   */
  features(id) {
    if (id === 'choropleth') {
      const fs = this.map.querySourceFeatures('grid-stats', { sourceLayer: 'grid-stats',
        filter: ['==', ['get', 'level'], levelAt(this.map.getZoom())] });
      if (fs.length) return fs;
    }
    return this.map.queryRenderedFeatures({ layers: [id] });
  }

  render() {
    const parts = [];
    const swatch = (color, label, shape = 'box') =>
      `<li><i class="sw ${shape}" style="background:${color}"></i>${label}</li>`;
    for (const id of Object.keys(CLASSED)) {
      if (!this.visible(id)) continue;
      const b = this.breaks[id];
      const items = CLASSED[id].map((c, i) => {
        const lo = i === 0 ? 0 : b[i - 1];
        const hi = i < b.length ? b[i] - 1 : null;
        const label = hi == null ? `≥ ${lo}` : lo >= hi ? `${lo}` : `${lo}–${hi}`;
        return swatch(c, label);
      });
      parts.push(`<h3>${t('legend.' + id)}</h3><ul class="classes">${items.join('')}</ul>`);
    }
    if (this.visible('hotspots')) {
      const items = Object.entries(HOTSPOT_COLORS).sort((a, b) => b[0] - a[0])
        .map(([bin, c]) => swatch(c, t('legend.bin' + bin)));
      parts.push(`<h3>${t('legend.hotspots')}</h3><ul>${items.join('')}</ul>`);
    }
    if (this.visible('grid-lines')) {
      const items = Object.entries(LEVEL_STYLE).map(([l, s]) =>
        `<li><i class="sw line" style="border-top:${Math.max(1, s.width)}px solid ${s.color}"></i>${t('level.' + l)}</li>`);
      parts.push(`<h3>${t('legend.grids')}</h3><ul>${items.join('')}</ul>`);
    }
    if (this.visible('report-points')) {
      const items = Object.entries(STATUS_COLORS).map(([s, c]) => swatch(c, t('status.' + s), 'dot'));
      parts.push(`<h3>${t('legend.reports')}</h3><ul class="cols">${items.join('')}</ul>`);
    }
    if (this.visible('teams')) {
      const items = Object.entries(TEAM_COLORS).filter(([k]) => k !== 'duty')
        .map(([k, c]) => swatch(c, t('team.' + k), 'diamond'));
      parts.push(`<h3>${t('legend.teams')}</h3><ul class="cols">${items.join('')}</ul>`);
    }
    this.el.innerHTML = parts.join('');
  }
}
