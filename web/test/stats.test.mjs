// The statistics panel: its reading of GET /api/v1/stats (a unit test on a
// reply shaped like internal/server's statsResponse), and the panel in the
// browser once the endpoint is served.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalise } from '../src/map/stats.js';
import { barChart, lineChart, ringChart } from '../src/shared/charts.js';
import { BASE, launch, signIn, waitUsable, withSession } from './helpers.mjs';

const metrics = (reports, closed, onTime) => ({ reports, open: reports - closed, closed, rejected: 0, overdue: 0,
  closed_on_time: onTime, closure_rate: closed / reports, on_time_rate: closed ? onTime / closed : null, median_hours: {} });

describe('statistics', () => {
  test('reads the answers by category and by day', () => {
    const byCat = { by: 'category', filter: {}, rows: [
      { key: 'tip', name: '线索举报', ...metrics(3, 1, 1) }, { key: 'dispute', name: '矛盾纠纷', ...metrics(5, 4, 3) },
    ], totals: metrics(8, 5, 4) };
    const byDay = { by: 'day', filter: {}, rows: [
      { key: '2026-11-26', name: '2026-11-26', ...metrics(2, 1, 1) }, { key: '2026-11-28', name: '2026-11-28', ...metrics(6, 4, 3) },
    ], totals: metrics(8, 5, 4) };
    const d = normalise(byCat, byDay, '2026-11-25', '2026-11-28');
    assert.equal(d.total, 8);
    assert.deepEqual(d.byCategory, [{ code: 'dispute', count: 5 }, { code: 'tip', count: 3 }]);
    assert.deepEqual(d.byDay.map((x) => x.value), [0, 2, 0, 6], 'days without reports are zeros');
    assert.equal(d.onTimeRate, 0.8);
    assert.equal(d.onTime, 4);
    assert.equal(d.closed, 5);
  });

  test('draws the charts as SVG', () => {
    const bars = barChart([{ label: '<b>', value: 10 }, { label: 'b', value: 5 }]);
    assert.equal((bars.match(/<rect /g) || []).length, 2);
    assert.ok(bars.includes('&lt;b&gt;'), 'labels are escaped');
    assert.match(lineChart([{ day: '2026-11-27', value: 1 }, { day: '2026-11-28', value: 3 }]), /<path class="stroke" d="M[\d.]+ [\d.]+L/);
    assert.match(ringChart(0.875, 'on time'), />87\.5%</);
    assert.match(ringChart(null, ''), />—</);
  });
});

describe('statistics panel', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('shows reports by category, by day and the on-time rate', async (t) => {
    const probe = await fetch(BASE + '/api/v1/stats?by=category', { headers: { Authorization: 'Bearer ' + await signIn() } });
    if (probe.status === 404) {
      t.skip('waiting for GET /api/v1/stats (the statistics endpoint) on this server');
      return;
    }
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await withSession(context);
    const page = await context.newPage();
    await page.goto(BASE + '/');
    await waitUsable(page);
    await page.click('[data-tab="stats"]');
    const panel = page.locator('.stats[data-total]');
    await panel.waitFor({ timeout: 10000 });
    const total = Number(await panel.getAttribute('data-total'));
    assert.ok(total > 0, 'the demo city has reports in the last 30 days');
    const cats = await (await fetch(BASE + '/api/v1/categories')).json();
    assert.equal(await page.locator('.stats svg.bars rect').count(), cats.length, 'one bar per category');
    assert.ok(await page.locator('.stats svg.line path.stroke').count() === 1);
    assert.match(await page.locator('.stats svg.ring').textContent(), /%|—/);
    // A filter narrows the statistics too.
    await page.selectOption('#f-category', 'public_order');
    await page.waitForFunction((n) => Number(document.querySelector('.stats[data-total]')?.dataset.total) < n, total);
    await context.close();
  });
});
