// The statistics panel: reports by category and by day and the on-time
// closure rate for the filter, from GET /api/v1/stats.
import { ApiError, api, currentUser, qs } from '../shared/api.js';
import { catName, escapeHTML, t } from '../shared/i18n.js';
import { barChart, lineChart, ringChart } from '../shared/charts.js';
import { chinaDate, nextDay } from './filters.js';

const CAT_COLORS = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b7791f', '#c53030', '#319795', '#d53f8c', '#718096', '#38a169'];

export class Stats {
  constructor(el, cats) {
    this.el = el;
    this.cats = cats;
    this.data = null;
    this.error = null;
  }

  /**
   * load fetches the statistics for filter f, now if the panel is shown,
   * else when it is (show): a wall display need not query them on every
   * filter change.
   */
  async load(f) {
    if (!f) return;
    this.filter = f;
    this.stale = true;
    if (this.el.hidden) return;
    this.stale = false;
    if (!currentUser()) {
      this.data = null;
      this.error = t('auth.needed');
      this.render();
      return;
    }
    // The statistics take [from, to) in China time: to is the day after the last.
    const from = f.from || chinaDate(1 - (f.days || 30));
    const to = f.to || chinaDate(0);
    const q = { category: f.category, status: f.status, from, to: nextDay(to) };
    this.query = q;
    const seq = (this.seq = (this.seq || 0) + 1);
    try {
      const [byCat, byDay] = await Promise.all([
        api('/api/v1/stats' + qs({ ...q, by: 'category' })),
        api('/api/v1/stats' + qs({ ...q, by: 'day' })),
      ]);
      if (seq !== this.seq) return;
      this.data = normalise(byCat, byDay, from, to);
      this.error = null;
    } catch (err) {
      if (seq !== this.seq) return;
      this.data = null;
      this.error = err instanceof ApiError && err.status === 404 ? t('stats.unavailable') : err.message;
    }
    this.render();
  }

  /** show is called when the panel comes to the front. */
  show() {
    if (this.stale) this.load(this.filter);
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
        <p><a href="/api/v1/stats${qs({ ...this.query, by: 'category', format: 'csv' })}" class="csv">${t('stats.csv')}</a></p>
      </section>`;
    // The CSV link needs the session too; fetch it with the header.
    this.el.querySelector('.csv')?.addEventListener('click', (e) => this.downloadCSV(e));
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
 * normalise reads GET /api/v1/stats by category and by day into
 * {total, byCategory: [{code, count}], byDay: [{day, value}], onTimeRate,
 * onTime, closed, from, to}, the days without reports as zeros.
 */
export function normalise(byCat, byDay, from, to) {
  const byCategory = byCat.rows.map((r) => ({ code: r.key, count: r.reports })).sort((a, b) => b.count - a.count);
  const counts = new Map(byDay.rows.map((r) => [r.key.slice(0, 10), r.reports]));
  const days = [];
  for (let d = from; d <= to; d = nextDay(d)) days.push({ day: d, value: counts.get(d) || 0 });
  const tot = byCat.totals;
  return { total: tot.reports, byCategory, byDay: days, onTimeRate: tot.on_time_rate, onTime: tot.closed_on_time,
    closed: tot.closed, from, to };
}
