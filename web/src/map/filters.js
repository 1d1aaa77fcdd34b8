// The filter bar: category, status and time window. Windows are whole days
// in China time, as the tiles count them.
import { catName, t } from '../shared/i18n.js';
import { STATUSES } from './layers.js';

/** chinaDate is the calendar date (YYYY-MM-DD) in China time, days from today. */
export function chinaDate(days = 0) {
  return new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

/** nextDay is the date after day (YYYY-MM-DD). */
export function nextDay(day) {
  return new Date(Date.parse(day + 'T00:00:00Z') + 86400e3).toISOString().slice(0, 10);
}

export function initFilterForm(cats) {
  const cat = document.getElementById('f-category');
  for (const c of cats) cat.add(new Option(catName(c), c.code));
  const st = document.getElementById('f-status');
  for (const s of STATUSES) st.add(new Option(t('status.' + s), s));
  const win = document.getElementById('f-window');
  const custom = document.getElementById('f-custom');
  document.getElementById('f-from').value = chinaDate(-29);
  document.getElementById('f-to').value = chinaDate(0);
  win.addEventListener('change', () => { custom.hidden = win.value !== 'custom'; });
  relabel(cats);
}

/** relabel renames the options after a change of language. */
export function relabel(cats) {
  const cat = document.getElementById('f-category');
  for (const o of cat.options) if (o.value) o.text = catName(cats.find((c) => c.code === o.value));
  const st = document.getElementById('f-status');
  for (const o of st.options) if (o.value) o.text = t('status.' + o.value);
}

/**
 * filterFromForm reads the filter bar: {category, status, from, to, days}.
 * The default 30 days sends no dates, so the server's window (which moves
 * with the day) applies. null while a custom window is incomplete.
 */
export function filterFromForm() {
  const f = { category: document.getElementById('f-category').value, status: document.getElementById('f-status').value };
  const w = document.getElementById('f-window').value;
  if (w === 'custom') {
    f.from = document.getElementById('f-from').value;
    f.to = document.getElementById('f-to').value;
    if (!f.from || !f.to || f.to < f.from) return null;
    f.days = Math.round((Date.parse(f.to) - Date.parse(f.from)) / 86400e3) + 1;
  } else if (w !== '30') {
    f.from = chinaDate(1 - Number(w));
    f.to = chinaDate(0);
    f.days = Number(w);
  } else {
    f.days = 30;
  }
  return f;
}
