// Small charts drawn as plain SVG: bars by category, a line by day and a
// ring for a rate. No chart library: the pages stay light on a phone.
import { escapeHTML } from './i18n.js';

const W = 320;

/** barChart draws horizontal bars: items [{label, value, color}]. */
export function barChart(items, { unit = '' } = {}) {
  const max = Math.max(1, ...items.map((i) => i.value));
  const row = 20;
  // Room for the longest label: about 12 px a Chinese character, 6.5 px a Latin one.
  const width = (t) => [...t].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 12 : 6.5), 0);
  const labelW = Math.min(150, Math.max(60, ...items.map((i) => width(String(i.label)) + 10)));
  const h = items.length * row + 4;
  const bars = items.map((it, i) => {
    const w = Math.max(1, ((W - labelW - 48) * it.value) / max);
    const y = i * row + 2;
    return `<g class="bar"><text x="${labelW - 6}" y="${y + 14}" text-anchor="end">${escapeHTML(it.label)}</text>
      <rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 6}" rx="2" fill="${it.color || '#2b6cb0'}"></rect>
      <text x="${(labelW + w + 4).toFixed(1)}" y="${y + 14}" class="num">${it.value.toLocaleString()}${unit}</text></g>`;
  });
  return `<svg class="chart bars" viewBox="0 0 ${W} ${h}" width="100%" role="img">${bars.join('')}</svg>`;
}

/** lineChart draws counts by day: points [{day: 'YYYY-MM-DD', value}]. */
export function lineChart(points) {
  const h = 140;
  const pad = { l: 36, r: 18, t: 8, b: 22 };
  const max = Math.max(1, ...points.map((p) => p.value));
  const n = Math.max(1, points.length - 1);
  const x = (i) => pad.l + ((W - pad.l - pad.r) * i) / n;
  const y = (v) => pad.t + (h - pad.t - pad.b) * (1 - v / max);
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)} ${y(p.value).toFixed(1)}`).join('');
  const area = points.length ? `${line}L${x(points.length - 1).toFixed(1)} ${y(0)}L${x(0)} ${y(0)}Z` : '';
  const ticks = [0, Math.round(max / 2), max].map((v) =>
    `<text x="${pad.l - 4}" y="${y(v) + 4}" text-anchor="end">${v}</text><line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v)}" y2="${y(v)}"></line>`);
  const step = Math.max(1, Math.ceil(points.length / 6));
  const days = points.map((p, i) => (i % step === 0 || i === points.length - 1
    ? `<text x="${x(i).toFixed(1)}" y="${h - 6}" text-anchor="middle">${p.day.slice(5)}</text>` : '')).join('');
  return `<svg class="chart line" viewBox="0 0 ${W} ${h}" width="100%" role="img">
    <g class="grid">${ticks.join('')}</g><path class="area" d="${area}"></path><path class="stroke" d="${line}"></path>${days}</svg>`;
}

/** ringChart draws a rate from 0 to 1 as a ring with the percentage. */
export function ringChart(rate, label) {
  const r = 42;
  const c = 2 * Math.PI * r;
  const v = Math.max(0, Math.min(1, rate ?? 0));
  const color = v >= 0.9 ? '#238b45' : v >= 0.7 ? '#f4a300' : '#d7301f';
  return `<svg class="chart ring" viewBox="0 0 120 120" width="120" height="120" role="img">
    <circle cx="60" cy="60" r="${r}" fill="none" stroke="#e5e8ec" stroke-width="12"></circle>
    <circle cx="60" cy="60" r="${r}" fill="none" stroke="${color}" stroke-width="12" stroke-linecap="round"
      stroke-dasharray="${(c * v).toFixed(1)} ${c.toFixed(1)}" transform="rotate(-90 60 60)"></circle>
    <text x="60" y="64" text-anchor="middle" class="big">${rate == null ? '—' : Math.round(v * 1000) / 10 + '%'}</text>
    <text x="60" y="82" text-anchor="middle" class="small">${escapeHTML(label || '')}</text></svg>`;
}
