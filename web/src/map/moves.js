// The form of one workflow move (POST /api/v1/reports/{id}/moves): only the
// fields the move takes, with the note required where the workflow asks
// why or what was done.
import { api, qs } from '../shared/api.js';
import { escapeHTML, t } from '../shared/i18n.js';

const NOTE_REQUIRED = new Set(['resolve', 'return', 'reject', 'reopen', 'request_extension']);
export const DEPARTMENTS = ['public_security', 'judicial', 'urban_mgmt', 'market', 'civil_affairs', 'emergency_mgmt'];

/** toChinaISO turns a datetime-local value (China time) into RFC 3339. */
export function toChinaISO(local) {
  return local ? `${local}:00+08:00` : '';
}

/**
 * moveForm fills el with the form of move for case r. submit(body) sends
 * it and resolves to null on success or an error message to show.
 */
export function moveForm(el, r, move, cats, submit) {
  const cat = cats[r.category];
  const fields = [];
  if (move === 'dispatch') {
    fields.push(`<label>${t('move.team')} <select name="team_id"><option value="">—</option></select></label>`);
    fields.push(`<label>${t('move.department')} <select name="department"><option value="">—</option>${DEPARTMENTS
      .map((d) => `<option value="${d}" ${d === (r.department || cat?.department) ? 'selected' : ''}>${escapeHTML(t('dept.' + d))}</option>`)
      .join('')}</select></label>`);
  }
  if (move === 'request_extension' || move === 'grant_extension') {
    fields.push(`<label>${t('move.dueAt')} <input type="datetime-local" name="due_at" ${move === 'request_extension' ? 'required' : ''}></label>`);
  }
  if (move === 'reject') {
    fields.push(`<label>${t('move.duplicateOf')} <input type="number" name="duplicate_of" min="1" step="1"
      value="${r.likely_duplicates?.[0]?.id || ''}"></label>`);
  }
  const need = NOTE_REQUIRED.has(move);
  fields.push(`<label>${t(need ? 'move.noteRequired' : 'move.note')}
    <textarea name="note" rows="2" maxlength="4000" ${need ? 'required' : ''}></textarea></label>`);
  el.innerHTML = `<form class="move" data-move="${move}"><h4>${escapeHTML(t('move.' + move))}</h4>${fields.join('')}
    <p><button type="submit" class="primary">${t('move.submit')}</button>
    <button type="button" class="linklike cancel">${t('cancel')}</button></p><p class="error" hidden></p></form>`;
  const form = el.querySelector('form');
  form.querySelector('.cancel').addEventListener('click', () => { el.replaceChildren(); });
  if (move === 'dispatch') fillTeams(form.querySelector('[name=team_id]'), r, cat);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    const body = { move, note: (fd.get('note') || '').trim() };
    if (fd.get('team_id')) body.team_id = Number(fd.get('team_id'));
    if (fd.get('department')) body.department = fd.get('department');
    if (fd.get('due_at')) body.due_at = toChinaISO(fd.get('due_at'));
    if (fd.get('duplicate_of')) body.duplicate_of = Number(fd.get('duplicate_of'));
    const btn = form.querySelector('[type=submit]');
    btn.disabled = true;
    const msg = await submit(body);
    btn.disabled = false;
    if (msg) {
      const p = form.querySelector('.error');
      p.textContent = msg;
      p.hidden = false;
    }
  });
}

// fillTeams offers the nearest teams of the kind the category needs.
async function fillTeams(select, r, cat) {
  try {
    const teams = await api('/api/v1/teams' + qs({ kind: cat?.team_kind, near: `${r.location.lon},${r.location.lat}`, limit: 8 }));
    for (const tm of teams.items || teams) {
      const d = tm.distance_m != null ? ` · ${(tm.distance_m / 1000).toFixed(1)} km` : '';
      const o = new Option(`${tm.name}${d}${tm.on_duty ? '' : ' · ' + t('team.offDuty')}`, tm.id);
      if (r.team?.id === tm.id) o.selected = true;
      select.add(o);
    }
  } catch (err) {
    console.warn('teams', err);
  }
}
