// Case tracking, /track/{code}: where the case is, its history as the
// reporter may see it, and the reporter's rating once it is resolved.
import '../shared/base.css';
import '../shared/public.css';
import { ApiError, api } from '../shared/api.js';
import { applyI18n, catName, escapeHTML, fmtTime, onLangChange, t, wireLangButton } from '../shared/i18n.js';

const $ = (id) => document.getElementById(id);
let cats = {};
let tracked = null;

async function boot() {
  applyI18n();
  wireLangButton($('lang'));
  onLangChange(render);
  cats = Object.fromEntries((await api('/api/v1/categories')).map((c) => [c.code, c]));
  const code = decodeURIComponent(location.pathname.replace(/^\/track\/?/, '').split('/')[0] || '');
  $('code').value = code;
  $('lookup').addEventListener('submit', (e) => {
    e.preventDefault();
    const c = $('code').value.trim().toUpperCase();
    if (!c) return;
    history.replaceState(null, '', '/track/' + encodeURIComponent(c));
    load(c);
  });
  if (code) await load(code);
  document.body.dataset.ready = 'true';
}

async function load(code) {
  $('track-error').hidden = true;
  try {
    tracked = await api('/api/v1/track/' + encodeURIComponent(code));
  } catch (err) {
    tracked = null;
    $('track-error').textContent = err instanceof ApiError && err.status === 404 ? t('t.notFound') : err.message;
    $('track-error').hidden = false;
  }
  render();
}

function render() {
  const r = tracked;
  if (!r) {
    $('result').replaceChildren();
    return;
  }
  const steps = [...r.history].reverse().map((s) => `<li><span class="when">${escapeHTML(fmtTime(s.at))}</span>
    <b>${escapeHTML(t('event.' + s.kind))}</b>${s.note ? ` — ${escapeHTML(s.note)}` : ''}</li>`).join('');
  let rating = '';
  if (r.rating) {
    rating = `<p>${t('t.rated', { v: r.rating.satisfied ? t('t.satisfied') : t('t.unsatisfied') })}</p>`;
  } else if (r.can_rate) {
    rating = `<form id="rate"><p><b>${t('t.rate')}</b></p>
      <label class="block"><span>${t('t.comment')}</span><textarea name="comment" rows="2" maxlength="2000"></textarea></label>
      <p class="rate"><button type="submit" class="primary" value="yes">${t('t.satisfied')}</button>
      <button type="submit" value="no">${t('t.unsatisfied')}</button></p></form>`;
  }
  $('result').innerHTML = `
    <section class="card" data-status="${escapeHTML(r.status)}">
      <dl>
        <dt>${t('t.code')}</dt><dd><b>${escapeHTML(r.tracking_code)}</b></dd>
        <dt>${t('filter.category')}</dt><dd>${escapeHTML(catName(cats[r.category]) || r.category)}</dd>
        <dt>${t('t.status')}</dt><dd><b class="status">${escapeHTML(t('status.' + r.status))}</b></dd>
        <dt>${t('t.grid')}</dt><dd>${escapeHTML(r.grid?.name || '')}</dd>
        <dt>${t('t.created')}</dt><dd>${escapeHTML(fmtTime(r.created_at))}</dd>
      </dl>
    </section>
    <section class="card"><h3>${t('t.history')}</h3><ol class="steps">${steps}</ol></section>
    ${rating ? `<section class="card">${rating}</section>` : ''}`;
  $('rate')?.addEventListener('submit', async (e) => {
    e.preventDefault();
    const satisfied = e.submitter?.value === 'yes';
    try {
      tracked = await api(`/api/v1/track/${encodeURIComponent(r.tracking_code)}/rating`, {
        method: 'POST', body: { satisfied, comment: new FormData(e.target).get('comment') || '' },
      });
      render();
    } catch (err) {
      $('track-error').textContent = err.message;
      $('track-error').hidden = false;
    }
  });
}

boot().catch((err) => {
  $('track-error').textContent = t('error.load') + ' ' + err.message;
  $('track-error').hidden = false;
});
