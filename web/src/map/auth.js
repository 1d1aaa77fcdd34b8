// The header's sign-in state. Signing out ends the session on the server
// too (POST /api/v1/auth/logout).
import { api, currentUser, signOutLocally } from '../shared/api.js';
import { escapeHTML, t, onLangChange } from '../shared/i18n.js';

/** wireAuth shows who is signed in and calls changed() now and after sign-out. */
export function wireAuth(changed) {
  const user = document.getElementById('user');
  const signin = document.getElementById('signin');
  const signout = document.getElementById('signout');
  const render = () => {
    const u = currentUser();
    signin.hidden = !!u;
    signout.hidden = !u;
    user.innerHTML = u ? `${escapeHTML(u.display_name || u.username)} <small>${escapeHTML(t('staffRole.' + u.role))}${
      u.grid ? ' · ' + escapeHTML(u.grid.name) : ''}</small>` : '';
  };
  // Back to the same view after signing in.
  signin.addEventListener('click', () => {
    signin.href = '/login?next=' + encodeURIComponent(location.pathname + location.search + location.hash);
  });
  signout.addEventListener('click', async () => {
    try {
      await api('/api/v1/auth/logout', { method: 'POST' });
    } catch { /* the session may be gone already */ }
    signOutLocally();
    render();
    changed();
  });
  onLangChange(render);
  render();
  // A session kept in the browser may have ended on the server: ask once
  // (api() forgets it on 401) before connecting the live panel with it.
  const check = currentUser() ? api('/api/v1/auth/me').then((me) => {
    if (currentUser()) localStorage.setItem('grid110.user', JSON.stringify(me));
  }, () => {}) : Promise.resolve();
  check.then(() => {
    render();
    changed();
  });
}
