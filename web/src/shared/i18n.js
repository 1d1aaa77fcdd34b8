// Every string the pages show comes from one table per language: zh.js
// (the default) and en.js. Elements name their string with data-i18n
// (text), data-i18n-placeholder, data-i18n-title or data-i18n-aria.
import zh from './zh.js';
import en from './en.js';

const tables = { zh, en };
const KEY = 'grid110.lang';
let lang = pick();
const listeners = [];

function pick() {
  if (typeof location === 'undefined') return 'zh'; // unit tests in Node
  const q = new URLSearchParams(location.search).get('lang');
  if (q === 'en' || q === 'zh') return q;
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch { /* private mode */ }
  return 'zh';
}

export function currentLang() {
  return lang;
}

/** t returns the string for key with {name} placeholders filled from vars. */
export function t(key, vars) {
  let s = tables[lang][key] ?? tables.zh[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/** applyI18n fills the marked elements under root with the current language. */
export function applyI18n(root = document) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
}

/** setLang switches the language, remembers it and tells the listeners. */
export function setLang(l) {
  if (!tables[l] || l === lang) return;
  lang = l;
  try {
    localStorage.setItem(KEY, l);
  } catch { /* private mode */ }
  applyI18n();
  for (const f of listeners) f(l);
}

export function onLangChange(f) {
  listeners.push(f);
}

/** wireLangButton makes button switch between the two languages. */
export function wireLangButton(button) {
  const label = () => { button.textContent = lang === 'zh' ? 'EN' : '中文'; };
  label();
  button.addEventListener('click', () => {
    setLang(lang === 'zh' ? 'en' : 'zh');
    label();
  });
}

/** catName is a category's name in the current language. */
export function catName(cat) {
  if (!cat) return '';
  return lang === 'en' ? cat.name_en || cat.name_zh : cat.name_zh || cat.name_en;
}

/** fmtTime shows an RFC 3339 time in China time, in the page's language. */
export function fmtTime(iso, withDate = true) {
  if (!iso) return '';
  const d = new Date(iso);
  const opts = { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false };
  if (withDate) Object.assign(opts, { month: '2-digit', day: '2-digit' });
  return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', opts);
}

/** escapeHTML makes text safe to put into innerHTML. */
export function escapeHTML(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
