// The side panel's tabs: live cases, details, statistics.

export function wireTabs() {
  for (const b of document.querySelectorAll('[data-tab]')) {
    b.addEventListener('click', () => showTab(b.dataset.tab));
  }
}

/** showTab brings the side panel's tab name to the front. */
export function showTab(name) {
  for (const b of document.querySelectorAll('[data-tab]')) b.setAttribute('aria-selected', String(b.dataset.tab === name));
  for (const p of document.querySelectorAll('[data-panel]')) p.hidden = p.dataset.panel !== name;
  document.getElementById('side')?.classList.add('open');
}
