// Staff sign-in: POST /api/v1/auth/login, keep the session, go back to the
// page that sent us here (?next=, same site only) or the map.
import '../shared/base.css';
import '../shared/public.css';
import { ApiError, api, keepSession } from '../shared/api.js';
import { applyI18n, t, wireLangButton } from '../shared/i18n.js';

applyI18n();
wireLangButton(document.getElementById('lang'));
const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.hidden = true;
  const fd = new FormData(form);
  const btn = form.querySelector('[type=submit]');
  btn.disabled = true;
  try {
    const out = await api('/api/v1/auth/login', { method: 'POST', body: { username: fd.get('username').trim(), password: fd.get('password') } });
    keepSession(out);
    const next = new URLSearchParams(location.search).get('next') || '/';
    location.assign(next.startsWith('/') && !next.startsWith('//') ? next : '/');
  } catch (err) {
    error.textContent = err instanceof ApiError && err.status === 401 ? t('auth.wrong') : err.message;
    error.hidden = false;
    btn.disabled = false;
  }
});
document.getElementById('username').focus();
