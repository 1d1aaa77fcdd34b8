// The live panel: new and changed cases in the signed-in person's
// jurisdiction over Server-Sent Events (GET /api/v1/events). Each event
// flashes at the case's place and stays on the map in the live layer; the
// report tiles are fetched again shortly after, so counts catch up.
import * as maplibregl from 'maplibre-gl';
import { currentUser, token } from '../shared/api.js';
import { catName, escapeHTML, fmtTime, t } from '../shared/i18n.js';
import { STATUS_COLORS } from './layers.js';

const MAX_ITEMS = 200;
const MAX_POINTS = 500;
const REFRESH_AFTER_MS = 1500;

export class Live {
  constructor(map, listEl, statusEl, cats, details) {
    Object.assign(this, { map, listEl, statusEl, cats, details });
    this.items = []; // newest first
    this.byReport = new Map(); // report id -> live feature
    this.pending = []; // places of events whose tiles are not yet fetched again
    this.unseen = 0;
    this.state = 'off';
    this.render();
  }

  connect() {
    this.close();
    if (!currentUser()) {
      this.state = 'signin';
      this.render();
      return;
    }
    this.state = 'connecting';
    this.render();
    const es = new EventSource('/api/v1/events?access_token=' + encodeURIComponent(token()));
    this.es = es;
    es.addEventListener('open', () => { this.state = 'open'; this.renderStatus(); });
    es.addEventListener('error', () => {
      // EventSource reconnects by itself (with Last-Event-ID) unless the
      // server refused it, for example after the session ended.
      this.state = es.readyState === EventSource.CLOSED ? (currentUser() ? 'closed' : 'signin') : 'reconnecting';
      this.renderStatus();
    });
    es.addEventListener('report', (m) => {
      try {
        this.receive(JSON.parse(m.data));
      } catch (err) {
        console.warn('live: bad event', err, m.data);
      }
    });
  }

  close() {
    this.es?.close();
    this.es = null;
    this.state = 'off';
  }

  receive(ev) {
    ev.receivedAt = performance.now();
    const log = window.grid110?.events;
    if (log) {
      log.push(ev);
      if (log.length > 2 * MAX_POINTS) log.splice(0, log.length - MAX_POINTS); // a wall display runs for days
    }
    this.items.unshift(ev);
    this.items.length = Math.min(this.items.length, MAX_ITEMS);
    // Newest last; the map keeps the last MAX_POINTS cases of the session.
    this.byReport.delete(ev.id);
    while (this.byReport.size >= MAX_POINTS) this.byReport.delete(this.byReport.keys().next().value);
    this.byReport.set(ev.id, {
      type: 'Feature', id: ev.id, geometry: { type: 'Point', coordinates: [ev.lon, ev.lat] },
      properties: { id: ev.id, status: ev.status, op: ev.op, category: ev.category, at: ev.at },
    });
    this.map.getSource('live')?.setData({ type: 'FeatureCollection', features: [...this.byReport.values()] });
    this.flash(ev);
    if (document.querySelector('[data-tab="live"]')?.getAttribute('aria-selected') !== 'true') this.unseen++;
    this.prepend(ev);
    this.renderBadge();
    // At most one refresh per REFRESH_AFTER_MS, however busy the city is.
    this.pending.push([ev.lon, ev.lat]);
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = null;
      this.refreshTiles();
    }, REFRESH_AFTER_MS);
  }

  /** flash draws a pulsing ring at the case's place for a few seconds. */
  flash(ev) {
    const el = document.createElement('div');
    el.className = 'flash ' + (ev.op === 'created' ? 'new' : 'changed');
    el.style.setProperty('--c', STATUS_COLORS[ev.status] || '#d7301f');
    el.dataset.report = ev.id;
    const m = new maplibregl.Marker({ element: el }).setLngLat([ev.lon, ev.lat]).addTo(this.map);
    setTimeout(() => m.remove(), 4500);
  }

  /**
   * refreshTiles fetches again the report tiles that changed: for points
   * and hexagons only the tiles holding the new events, for the choropleth
   * and hot spots every tile on screen (a grid's count is drawn in every
   * tile it crosses; Gi* is city-wide). Unchanged tiles answer 304.
   */
  refreshTiles() {
    const z = Math.max(0, Math.min(16, Math.floor(this.map.getZoom())));
    const seen = new Set();
    const tiles = [];
    for (const [lon, lat] of this.pending) {
      const t = tileOf(lon, lat, z);
      const k = `${t.x}/${t.y}`;
      if (!seen.has(k)) {
        seen.add(k);
        tiles.push(t);
      }
    }
    this.pending = [];
    const visible = (l) => this.map.getLayer(l) && this.map.getLayoutProperty(l, 'visibility') !== 'none';
    if (visible('report-points')) this.map.refreshTiles('reports', tiles);
    if (visible('heatmap')) this.map.refreshTiles('heatmap', tiles);
    if (visible('choropleth')) this.map.refreshTiles('grid-stats');
    if (visible('hotspots')) this.map.refreshTiles('hotspots');
  }

  itemHTML(ev) {
    const cat = catName(this.cats[ev.category]) || ev.category;
    const what = ev.op === 'created' ? t('live.created')
      : ev.op === 'escalated' ? t('live.escalated')
        : ev.op === 'rated' ? t('live.rated')
          : t('live.moved', { from: t('status.' + ev.from), to: t('status.' + (ev.to || ev.status)) });
    return `<button type="button" class="live-item ${ev.op}" data-report="${ev.id}">
      <i class="sw dot" style="background:${STATUS_COLORS[ev.status] || '#333'}"></i>
      <span class="when">${escapeHTML(fmtTime(ev.at, false))}</span>
      <b>${escapeHTML(cat)}</b> <span class="what">${escapeHTML(what)}</span>
      <span class="muted">#${ev.id}</span></button>`;
  }

  prepend(ev) {
    const li = document.createElement('li');
    li.innerHTML = this.itemHTML(ev);
    li.querySelector('button').addEventListener('click', () => this.open(ev));
    this.listEl.prepend(li);
    while (this.listEl.children.length > MAX_ITEMS) this.listEl.lastElementChild.remove();
  }

  open(ev) {
    this.map.easeTo({ center: [ev.lon, ev.lat], zoom: Math.max(this.map.getZoom(), 15) });
    this.details.showCase(ev.id);
  }

  renderStatus() {
    this.statusEl.textContent = t('live.' + this.state);
    this.statusEl.dataset.state = this.state;
  }

  renderBadge() {
    const b = document.getElementById('live-count');
    if (!b) return;
    b.textContent = String(this.unseen);
    b.hidden = this.unseen === 0;
  }

  render() {
    this.renderStatus();
    this.listEl.replaceChildren();
    for (const ev of [...this.items].reverse()) this.prepend(ev);
    this.renderBadge();
  }

  seen() {
    this.unseen = 0;
    this.renderBadge();
  }
}

/** tileOf is the web-mercator tile x/y at zoom z holding lon/lat. */
export function tileOf(lon, lat, z) {
  const n = 2 ** z;
  const r = (Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { x: Math.max(0, Math.min(n - 1, x)), y: Math.max(0, Math.min(n - 1, y)), z };
}
