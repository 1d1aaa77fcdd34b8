// Category icons, drawn here so that nothing is fetched from elsewhere. The
// names are the `icon` field of GET /api/v1/categories.
const paths = {
  warning: '<path d="M12 3 2 21h20L12 3z"/><path d="M12 10v5M12 18v.5"/>',
  shield: '<path d="M12 3 4 6v6c0 5 3.5 8 8 9 4.5-1 8-4 8-9V6l-8-3z"/>',
  handshake: '<path d="M3 12l4-4 4 2 3-2 4 1 3 3"/><path d="M7 13l3 3 2-1 2 2 2-1 2 1 2-3"/>',
  message: '<path d="M4 5h16v11H9l-5 4V5z"/><path d="M8 9h8M8 12h5"/>',
  eye: '<path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>',
  tag: '<path d="M3 12V4h8l10 10-8 8L3 12z"/><circle cx="7.5" cy="8" r="1.5"/>',
  scale: '<path d="M12 3v18M6 21h12M4 7h16"/><path d="M6 7l-3 7h6L6 7zM18 7l-3 7h6l-3-7z"/>',
  siren: '<path d="M6 18v-6a6 6 0 0 1 12 0v6"/><path d="M4 18h16v3H4zM12 2v2M4.5 5l1.5 1.5M19.5 5 18 6.5"/>',
  leaf: '<path d="M5 19c0-9 6-14 15-14 0 9-5 15-14 15"/><path d="M5 19 14 10"/>',
  heart: '<path d="M12 20s-8-5-8-11a4.5 4.5 0 0 1 8-2.5A4.5 4.5 0 0 1 20 9c0 6-8 11-8 11z"/>',
  dot: '<circle cx="12" cy="12" r="5"/>',
};

/** iconSVG returns an inline SVG for icon name (a dot for unknown names). */
export function iconSVG(name, size = 28) {
  const p = paths[name] || paths.dot;
  return `<svg class="icon" viewBox="0 0 24 24" width="${size}" height="${size}" fill="none" stroke="currentColor" ` +
    `stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${p}</svg>`;
}
