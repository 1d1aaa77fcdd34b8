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
  changed();
}
