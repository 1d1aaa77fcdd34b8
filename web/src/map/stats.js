// The statistics panel: reports by category and by day and the on-time
// closure rate for the filter, from GET /api/v1/stats.
import { ApiError, api, currentUser, qs } from '../shared/api.js';
import { catName, escapeHTML, t } from '../shared/i18n.js';
import { barChart, lineChart, ringChart } from '../shared/charts.js';
import { chinaDate } from './filters.js';

const CAT_COLORS = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b7791f', '#c53030', '#319795', '#d53f8c', '#718096', '#38a169'];

export class Stats {
  constructor(el, cats) {
    this.el = el;
    this.cats = cats;
    this.data = null;
    this.error = null;
  }

  async load(f) {
    if (!f) return;
    this.filter = f;
    if (!currentUser()) {
      this.data = null;
      this.error = t('auth.needed');
      this.render();
      return;
    }
    const from = f.from || chinaDate(1 - (f.days || 30));
    const to = f.to || chinaDate(0);
    const seq = (this.seq = (this.seq || 0) + 1);
    try {
      const raw = await api('/api/v1/stats' + qs({ category: f.category, status: f.status, from, to }));
      if (seq !== this.seq) return;
      this.data = normalise(raw, from, to);
      this.error = null;
    } catch (err) {
      if (seq !== this.seq) return;
      this.data = null;
      this.error = err instanceof ApiError && err.status === 404 ? t('stats.unavailable') : err.message;
    }
    this.render();
  }

  render() {
    if (this.error || !this.data) {
      this.el.innerHTML = `<p class="muted">${escapeHTML(this.error || t('loading'))}</p>`;
      return;
    }
    const d = this.data;
    const cats = d.byCategory.map((c, i) => ({ label: catName(this.cats[c.code]) || c.code, value: c.count, color: CAT_COLORS[i % CAT_COLORS.length] }));
    this.el.innerHTML = `
      <section class="stats" data-total="${d.total}">
        <p class="total"><b>${d.total.toLocaleString()}</b> ${t('stats.reports')}
          <span class="muted">${escapeHTML(d.from)} – ${escapeHTML(d.to)}</span></p>
        <h3>${t('stats.byCategory')}</h3>${barChart(cats)}
        <h3>${t('stats.byDay')}</h3>${lineChart(d.byDay)}
        <h3>${t('stats.onTime')}</h3>
        <div class="ring-row">${ringChart(d.onTimeRate, t('stats.onTimeShort'))}
          <p class="muted">${t('stats.onTimeDetail', { onTime: d.onTime ?? '—', closed: d.closed ?? '—' })}</p></div>
        <p><a href="/api/v1/stats${qs({ ...this.query(), format: 'csv' })}" class="csv">${t('stats.csv')}</a></p>
      </section>`;
    // The CSV link needs the session too; fetch it with the header.
    this.el.querySelector('.csv')?.addEventListener('click', (e) => this.downloadCSV(e));
  }

  query() {
    const f = this.filter || {};
    return { category: f.category, status: f.status, from: this.data?.from, to: this.data?.to };
  }

  async downloadCSV(e) {
    e.preventDefault();
    const resp = await fetch(e.currentTarget.href, { headers: { Authorization: 'Bearer ' + localStorage.getItem('grid110.token') } });
    const blob = await resp.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `grid110-stats-${this.data.from}-${this.data.to}.csv`;
    a.click();
    URL.revokeObjectURL(a.href);
  }
}

/**
 * normalise reads the statistics answer into {total, byCategory:[{code,
 * count}], byDay:[{day, value}], onTimeRate, onTime, closed, from, to},
 * filling the days without reports with zeros.
 */
export function normalise(raw, from, to) {
  const arr = (v) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.entries(v).map(([k, n]) => ({ key: k, count: n })) : []);
  const num = (o, ...keys) => { for (const k of keys) if (o && typeof o[k] === 'number') return o[k]; return undefined; };
  const byCategory = arr(raw.by_category ?? raw.categories)
    .map((c) => ({ code: c.category ?? c.code ?? c.key, count: num(c, 'count', 'reports', 'total') ?? 0 }))
    .sort((a, b) => b.count - a.count);
  const counts = new Map(arr(raw.by_day ?? raw.days).map((d) => [String(d.day ?? d.date ?? d.key).slice(0, 10), num(d, 'count', 'reports', 'total') ?? 0]));
  const byDay = [];
  for (let d = new Date(from + 'T00:00:00Z'); d <= new Date(to + 'T00:00:00Z'); d = new Date(d.getTime() + 86400e3)) {
    const day = d.toISOString().slice(0, 10);
    byDay.push({ day, value: counts.get(day) || 0 });
  }
  const ot = raw.on_time ?? raw.closure ?? raw;
  const closed = num(ot, 'closed', 'closed_total');
  const onTime = num(ot, 'on_time', 'closed_on_time');
  let rate = num(ot, 'rate', 'on_time_rate');
  if (rate == null && closed) rate = onTime / closed;
  const total = num(raw, 'total', 'reports') ?? byCategory.reduce((s, c) => s + c.count, 0);
  return { total, byCategory, byDay, onTimeRate: rate ?? null, onTime, closed, from, to };
}
