// The details panel: a grid (its chain, its "2" team, recent cases and QR
// codes) or a case (its history, photos, and the workflow moves the
// signed-in role may make now).
import * as maplibregl from 'maplibre-gl';
import { ApiError, api, currentUser, qs, token } from '../shared/api.js';
import { catName, escapeHTML, fmtTime, t } from '../shared/i18n.js';
import { STATUS_COLORS } from './layers.js';
import { showTab } from './tabs.js';
import { moveForm } from './moves.js';
import { gridAt } from './labels.js';
import { chinaDate, nextDay } from './filters.js';

export class Details {
  constructor(map, cats) {
    this.map = map;
    this.cats = cats;
    this.el = document.getElementById('tab-detail');
    this.current = null; // {kind: 'grid'|'case', id}
  }

  /** click picks what is under the pointer: a case, a cluster, a team, then a grid. */
  click(e) {
    const pad = 4;
    const box = [[e.point.x - pad, e.point.y - pad], [e.point.x + pad, e.point.y + pad]];
    const hit = (layers) => this.map.queryRenderedFeatures(box, { layers: layers.filter((l) => this.map.getLayer(l)) })
      .filter((f) => this.map.getLayoutProperty(f.layer.id, 'visibility') !== 'none');
    const [rep] = hit(['live-points', 'report-points']);
    if (rep) return this.showCase(rep.properties.id);
    const [cl] = hit(['report-clusters']);
    if (cl) return this.map.easeTo({ center: e.lngLat, zoom: Math.min(this.map.getZoom() + 2, 16) });
    const [team] = hit(['teams']);
    if (team) return this.teamPopup(team, e.lngLat);
    const grid = gridAt(this.map, e.lngLat);
    if (grid) return this.showGrid(grid.id);
    return undefined;
  }

  teamPopup(f, at) {
    const p = f.properties;
    new maplibregl.Popup({ closeButton: true })
      .setLngLat(at)
      .setHTML(`<b>${escapeHTML(p.name)}</b><br>${escapeHTML(t('team.' + p.kind))} · ${p.on_duty ? t('team.onDuty') : t('team.offDuty')}`)
      .addTo(this.map);
  }

  render() {
    if (this.current?.kind === 'grid') this.showGrid(this.current.id);
    else if (this.current?.kind === 'case') this.showCase(this.current.id);
  }

  /** showGrid shows grid id; fit moves the map to it (when picked from a chain, not on the map). */
  async showGrid(id, fit = false) {
    this.current = { kind: 'grid', id };
    showTab('detail');
    this.el.innerHTML = `<p class="muted">${t('loading')}</p>`;
    let g;
    try {
      g = await api('/api/v1/grids/' + id);
    } catch (err) {
      this.el.innerHTML = `<p class="error">${escapeHTML(err.message)}</p>`;
      return;
    }
    if (this.current?.id !== id) return;
    this.map.getSource('selected')?.setData(g);
    if (fit) this.map.fitBounds(bboxOf(g.geometry), { padding: 40, maxZoom: 17 });
    const p = g.properties;
    const chain = (p.chain || []).map((c) => `<a href="#" data-grid="${c.id}">${escapeHTML(c.name)}</a>`).join(' › ');
    const team = p.duty_team;
    const members = (team?.members || []).map((m) => `<li>${escapeHTML(t('role.' + m.role))}: ${escapeHTML(m.name)}</li>`).join('');
    let qr = '';
    if (p.level === 'compound') {
      qr = `<div class="qr"><img src="/api/v1/grids/${id}/qr.svg" alt="QR" width="120" height="120">
        <p><a href="/r/${encodeURIComponent(p.code)}" target="_blank">${t('grid.reportPage')}</a> ·
        <a href="/api/v1/grids/${id}/qr.png?size=1024" download>${t('grid.qrPNG')}</a></p></div>`;
    } else if (p.level === 'community') {
      qr = `<p><a href="/api/v1/grids/${id}/qr-sheet" target="_blank">${t('grid.qrSheet')}</a></p>`;
    }
    this.el.innerHTML = `
      <article class="grid-detail" data-grid-id="${id}">
        <p class="chain">${chain}</p>
        <h2>${escapeHTML(p.name)} <small>${escapeHTML(t('level.' + p.level))} · ${escapeHTML(p.code)}</small></h2>
        <p class="muted">${t('grid.area', { km2: (p.area_m2 / 1e6).toFixed(2) })}</p>
        <h3>${t('grid.dutyTeam')}</h3>
        ${team ? `<p>${escapeHTML(team.name)}</p><ul class="members">${members}</ul>` : `<p class="muted">${t('grid.noTeam')}</p>`}
        ${qr}
        <h3>${t('grid.recent')}</h3>
        <div class="recent"></div>
      </article>`;
    for (const a of this.el.querySelectorAll('[data-grid]')) {
      a.addEventListener('click', (e) => { e.preventDefault(); this.showGrid(Number(a.dataset.grid), true); });
    }
    this.recentCases(id, this.el.querySelector('.recent'));
  }

  async recentCases(id, el) {
    if (!currentUser()) {
      el.innerHTML = `<p class="muted">${t('auth.needed')}</p>`;
      return;
    }
    const f = window.grid110?.filter || {};
    // The filter's window: its dates, else the last f.days days (China time).
    const from = f.from || chinaDate(1 - (f.days || 30));
    try {
      const page = await api('/api/v1/reports' + qs({ grid: id, limit: 10, category: f.category, status: f.status, from,
        to: f.to ? nextDay(f.to) : undefined }));
      if (!page.items.length) {
        el.innerHTML = `<p class="muted">${t('grid.noCases')}</p>`;
        return;
      }
      el.innerHTML = `<ol class="cases">${page.items.map((r) => this.caseRow(r)).join('')}</ol>`;
      for (const b of el.querySelectorAll('[data-case]')) b.addEventListener('click', () => this.showCase(Number(b.dataset.case)));
    } catch (err) {
      el.innerHTML = `<p class="error">${escapeHTML(err.message)}</p>`;
    }
  }

  /** eventData says what a move set: the team and department, a new due time, a rating. */
  eventData(e, r) {
    const d = e.data || {};
    const out = [];
    if (d.team_id) out.push(d.team_id === r.team?.id ? r.team.name : `#${d.team_id}`);
    if (d.department) out.push(t('dept.' + d.department));
    if (d.due_at) out.push(`${t('case.due')} ${fmtTime(d.due_at)}`);
    if (typeof d.satisfied === 'boolean') out.push(t(d.satisfied ? 't.satisfied' : 't.unsatisfied'));
    return out.length ? `<span class="data">${escapeHTML(out.join(' · '))}</span>` : '';
  }

  async loadAttachments() {
    for (const u of this.blobs || []) URL.revokeObjectURL(u);
    this.blobs = [];
    const urls = new Map();
    for (const el of this.el.querySelectorAll('[data-attachment]')) {
      const src = el.dataset.attachment;
      try {
        if (!urls.has(src)) {
          const resp = await fetch(src, { headers: { Authorization: 'Bearer ' + token() } });
          if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
          urls.set(src, URL.createObjectURL(await resp.blob()));
          this.blobs.push(urls.get(src));
        }
        if (el.tagName === 'A') el.href = urls.get(src);
        else el.src = urls.get(src);
      } catch (err) {
        console.warn('attachment', src, err);
      }
    }
  }

  caseRow(r) {
    return `<li><button type="button" class="linklike" data-case="${r.id}">
      <i class="sw dot" style="background:${STATUS_COLORS[r.status]}"></i>
      ${escapeHTML(catName(this.cats[r.category]) || r.category)} · ${escapeHTML(t('status.' + r.status))}
      <span class="muted">${escapeHTML(fmtTime(r.created_at))}</span></button></li>`;
  }

  async showCase(id) {
    this.current = { kind: 'case', id };
    this.map.getSource('selected')?.setData({ type: 'FeatureCollection', features: [] });
    showTab('detail');
    if (!currentUser()) {
      this.el.innerHTML = `<p class="muted">${t('auth.needed')}</p><p><a href="/login">${t('auth.signIn')}</a></p>`;
      return;
    }
    this.el.innerHTML = `<p class="muted">${t('loading')}</p>`;
    let r;
    try {
      r = await api('/api/v1/reports/' + id);
    } catch (err) {
      this.el.innerHTML = `<p class="error">${escapeHTML(err.message)}</p>`;
      return;
    }
    if (this.current?.id !== id) return;
    this.renderCase(r);
  }

  renderCase(r) {
    const cat = this.cats[r.category];
    const chain = (r.chain || []).slice(1).map((c) => escapeHTML(c.name)).join(' › ');
    // Attachments need the session: fetched with it, shown from blob URLs
    // (a token in an <img src> would end up in logs and browser history).
    const photos = (r.attachments || []).filter((a) => a.kind === 'photo')
      .map((a) => `<a target="_blank" data-attachment="${a.url}"><img alt="" data-attachment="${a.url}"></a>`).join('');
    const voices = (r.attachments || []).filter((a) => a.kind === 'voice')
      .map((a) => `<audio controls data-attachment="${a.url}"></audio>`).join('');
    const events = (r.events || []).map((e) => `<li>
        <span class="when">${escapeHTML(fmtTime(e.at))}</span>
        <b>${escapeHTML(t('event.' + e.kind))}</b>
        ${e.from && e.to ? `<span class="muted">${escapeHTML(t('status.' + e.from))} → ${escapeHTML(t('status.' + e.to))}</span>` : ''}
        ${this.eventData(e, r)}
        ${e.note ? `<q>${escapeHTML(e.note)}</q>` : ''}
        <span class="muted actor">${escapeHTML(e.actor || '')}</span></li>`).join('');
    const team = r.team ? `${escapeHTML(r.team.name)}${r.team.distance_m ? ` · ${Math.round(r.team.distance_m)} m` : ''}` : '—';
    const dups = (r.likely_duplicates || []).map((d) => `<button type="button" class="linklike" data-case="${d.id}">#${d.id}</button>`).join(' ');
    this.el.innerHTML = `
      <article class="case-detail" data-case-id="${r.id}">
        <h2><i class="sw dot" style="background:${STATUS_COLORS[r.status]}"></i>
          ${escapeHTML(catName(cat) || r.category)} <small>#${r.id} · ${escapeHTML(r.tracking_code)}</small></h2>
        <p class="status-line"><b class="status" data-status="${r.status}">${escapeHTML(t('status.' + r.status))}</b>
          · ${t('case.priority', { p: r.priority })}
          ${r.due_at ? ` · ${t('case.due')} ${escapeHTML(fmtTime(r.due_at))}` : ''}
          ${r.stage_due_at ? ` · ${t('case.stageDue')} ${escapeHTML(fmtTime(r.stage_due_at))}` : ''}
          ${r.overdue ? ` <b class="overdue">${t('case.overdue')}</b>` : ''}
          ${r.escalations ? ` <b class="overdue">${escapeHTML(t('case.escalated', { n: r.escalations, grid: r.supervising_grid?.name || '' }))}</b>` : ''}</p>
        <p class="desc">${escapeHTML(r.description)}</p>
        ${r.resolution_note ? `<p class="result"><b>${t('case.result')}</b> ${escapeHTML(r.resolution_note)}</p>` : ''}
        ${photos ? `<div class="photos">${photos}</div>` : ''}${voices}
        <dl>
          <dt>${t('case.grid')}</dt><dd>${chain}</dd>
          <dt>${t('case.dutyTeam')}</dt><dd>${escapeHTML(r.duty_team?.name || '—')}</dd>
          <dt>${t('case.team')}</dt><dd>${team}</dd>
          <dt>${t('case.department')}</dt><dd>${escapeHTML(r.department ? t('dept.' + r.department) : '—')}</dd>
          <dt>${t('case.created')}</dt><dd>${escapeHTML(fmtTime(r.created_at))} · ${escapeHTML(t('channel.' + r.channel))}</dd>
          ${r.reporter ? `<dt>${t('case.reporter')}</dt><dd>${escapeHTML(r.reporter.name || '')} ${escapeHTML(r.reporter.phone || '')}</dd>` : ''}
          ${dups ? `<dt>${t('case.duplicates')}</dt><dd>${dups}</dd>` : ''}
        </dl>
        <div class="moves"></div>
        <h3>${t('case.history')}</h3>
        <ol class="history">${events}</ol>
      </article>`;
    for (const b of this.el.querySelectorAll('[data-case]')) b.addEventListener('click', () => this.showCase(Number(b.dataset.case)));
    this.loadAttachments();
    const moves = this.el.querySelector('.moves');
    const allowed = r.allowed_moves || [];
    if (!allowed.length) {
      moves.innerHTML = `<p class="muted">${t('case.noMoves')}</p>`;
      return;
    }
    moves.innerHTML = `<h3>${t('case.moves')}</h3><p class="move-buttons">${allowed
      .map((m) => `<button type="button" data-move="${m}">${escapeHTML(t('move.' + m))}</button>`).join(' ')}</p><div class="move-form"></div>`;
    for (const b of moves.querySelectorAll('[data-move]')) {
      b.addEventListener('click', () => moveForm(moves.querySelector('.move-form'), r, b.dataset.move, this.cats, async (body) => {
        try {
          const out = await api(`/api/v1/reports/${r.id}/moves`, { method: 'POST', body });
          this.renderCase(out.report);
          return null;
        } catch (err) {
          if (err instanceof ApiError && err.status === 409 && err.body.current_status) {
            return t('move.conflict', { status: t('status.' + err.body.current_status) });
          }
          return err.message;
        }
      }));
    }
  }
}

/** bboxOf is the [west, south, east, north] of a GeoJSON (Multi)Polygon. */
function bboxOf(geom) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  for (const poly of polys) {
    for (const [x, y] of poly[0]) {
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    }
  }
  return b;
}
