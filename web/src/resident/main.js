// The resident's report page, /r/{compound code}: the target of the QR code
// at a compound's gate. Mobile first: a category, some text, photos and a
// voice note, optionally the phone's location; then the tracking code.
import '../shared/base.css';
import '../shared/public.css';
import { ApiError, api } from '../shared/api.js';
import { applyI18n, catName, escapeHTML, onLangChange, t, wireLangButton } from '../shared/i18n.js';
import { iconSVG } from '../shared/icons.js';
import { MAX_PHOTOS, MAX_VOICE_BYTES, PhotoError, Recorder, extOf, mb, preparePhoto } from './media.js';
import { newKey, submitReport } from './submit.js';

const code = decodeURIComponent(location.pathname.replace(/^\/r\//, '').split('/')[0] || '');
const $ = (id) => document.getElementById(id);
const state = {
  compound: null, cats: [], category: '', photos: [], voice: null, location: null, fileErrors: [],
  // The Idempotency-Key of the report as last sent, with its fingerprint:
  // sending the same report again (after every retry failed) reuses the key,
  // so it cannot be stored twice; a changed report is a new request.
  sent: null,
};
window.grid110 = { state };

async function boot() {
  applyI18n();
  wireLangButton($('lang'));
  onLangChange(render);
  const [compound, cats] = await Promise.all([
    api('/api/v1/compounds/' + encodeURIComponent(code)).catch((err) => err),
    api('/api/v1/categories'),
  ]);
  state.cats = cats;
  if (compound instanceof Error) {
    state.compound = null;
    state.compoundError = compound instanceof ApiError && compound.status === 404 ? t('r.unknown') : compound.message;
  } else {
    state.compound = compound;
  }
  render();
  wire();
  document.body.dataset.ready = 'true';
}

function render() {
  const c = state.compound;
  $('compound-name').textContent = c ? c.name : state.compoundError || t('r.unknown');
  $('compound-chain').textContent = c ? c.chain.slice(1, -1).map((g) => g.name).join(' › ') : '';
  $('compound-team').textContent = c?.duty_team ? t('r.dutyTeam', { team: c.duty_team.name }) : '';
  $('report-form').hidden = !c || !!state.done;
  document.title = `${t('r.title')} · ${c ? c.name : t('app.name')}`;
  $('cats').innerHTML = state.cats.map((cat) => `
    <label class="cat ${state.category === cat.code ? 'on' : ''}">
      <input type="radio" name="category" value="${escapeHTML(cat.code)}" ${state.category === cat.code ? 'checked' : ''}>
      ${iconSVG(cat.icon)}<span>${escapeHTML(catName(cat))}</span></label>`).join('');
  renderThumbs();
  renderFileErrors();
  renderVoice();
  renderLocation();
}

function renderThumbs() {
  const el = $('thumbs');
  el.replaceChildren();
  state.photos.forEach((p, i) => {
    const fig = document.createElement('figure');
    fig.innerHTML = `<img alt="" src="${p.url}"><button type="button" class="remove" aria-label="${escapeHTML(t('r.remove'))}">×</button>`;
    fig.querySelector('button').addEventListener('click', () => {
      URL.revokeObjectURL(p.url);
      state.photos.splice(i, 1);
      renderThumbs();
    });
    el.append(fig);
  });
  $('photo-input').disabled = state.photos.length >= MAX_PHOTOS;
}

function renderFileErrors() {
  $('file-errors').innerHTML = state.fileErrors.map((e) => `<li class="error" data-kind="${e.kind}">${escapeHTML(t('r.' + e.kind, e))}</li>`).join('');
}

function renderVoice() {
  const v = state.voice;
  $('voice-preview').hidden = !v;
  $('voice-remove').hidden = !v;
  if (state.recording) {
    $('rec').textContent = t('r.stop');
  } else {
    $('rec').textContent = t('r.record');
    $('rec-state').textContent = v ? t('r.voiceReady', { s: v.seconds }) : state.voiceError || '';
  }
}

function renderLocation() {
  const l = state.location;
  $('loc-state').textContent = !$('share-loc').checked ? '' : state.locating ? t('r.locating')
    : l ? t('r.located', { m: Math.round(l.accuracy) }) : t('r.noLocation');
}

function wire() {
  $('cats').addEventListener('change', (e) => {
    state.category = e.target.value;
    for (const l of $('cats').querySelectorAll('.cat')) l.classList.toggle('on', l.querySelector('input').checked);
    // A report is followed up within hours; danger now needs a call.
    $('emergency').hidden = state.category !== 'emergency';
  });
  $('photo-input').addEventListener('change', async (e) => {
    const files = [...e.target.files];
    e.target.value = '';
    state.fileErrors = [];
    for (const f of files) {
      if (state.photos.length >= MAX_PHOTOS) {
        state.fileErrors.push({ kind: 'tooMany', name: f.name });
        continue;
      }
      try {
        const p = await preparePhoto(f);
        p.url = URL.createObjectURL(p.blob);
        state.photos.push(p);
      } catch (err) {
        if (!(err instanceof PhotoError)) throw err;
        state.fileErrors.push({ kind: err.kind, name: f.name, mb: err.mb });
      }
    }
    renderThumbs();
    renderFileErrors();
  });
  $('rec').addEventListener('click', toggleRecording);
  $('voice-remove').addEventListener('click', () => {
    URL.revokeObjectURL(state.voice?.url);
    state.voice = null;
    renderVoice();
  });
  $('share-loc').addEventListener('change', (e) => {
    state.location = null;
    if (e.target.checked) locate();
    renderLocation();
  });
  $('report-form').addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  $('another').addEventListener('click', () => location.reload());
}

async function toggleRecording() {
  if (state.recording) {
    const { blob, seconds } = await state.recorder.stop();
    state.recording = false;
    if (blob.size > MAX_VOICE_BYTES) {
      state.voiceError = t('r.voiceTooBig', { mb: mb(blob.size) });
    } else {
      state.voice = { blob, seconds, url: URL.createObjectURL(blob) };
      $('voice-preview').src = state.voice.url;
    }
    renderVoice();
    return;
  }
  state.voiceError = '';
  state.recorder = new Recorder((s) => { $('rec-state').textContent = t('r.recording', { s }); });
  try {
    await state.recorder.start();
    state.recording = true;
  } catch (err) {
    state.voiceError = t('r.noMic', { why: err.message || err.name });
  }
  renderVoice();
}

function locate() {
  if (!navigator.geolocation) return;
  state.locating = true;
  renderLocation();
  // Browsers report GPS in WGS-84, which is what the report says (crs wgs84).
  navigator.geolocation.getCurrentPosition((pos) => {
    state.locating = false;
    state.location = { lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy };
    renderLocation();
  }, () => {
    state.locating = false;
    state.location = null;
    renderLocation();
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
}

/** reportOf is the report as JSON: the compound, or the GPS fix when asked and shared. */
function reportOf(withLocation) {
  const report = {
    category: state.category, description: $('description').value.trim(), compound_code: code, channel: 'qr',
    reporter_name: $('reporter-name').value.trim(), reporter_phone: $('reporter-phone').value.trim(),
  };
  const l = state.location;
  if (withLocation && l) Object.assign(report, { lon: l.lon, lat: l.lat, crs: 'wgs84', accuracy_m: Math.min(100000, Math.round(l.accuracy)) });
  return report;
}

/** body builds the request: JSON, or multipart when there are files. */
function body(report) {
  if (!state.photos.length && !state.voice) return report;
  const fd = new FormData();
  fd.append('report', new Blob([JSON.stringify(report)], { type: 'application/json' }), 'report.json');
  state.photos.forEach((p, i) => fd.append('photo', p.blob, `photo-${i + 1}.jpg`));
  if (state.voice) fd.append('voice', state.voice.blob, 'voice.' + extOf(state.voice.blob.type));
  return fd;
}

/** fingerprint identifies what a request says: the report and its files (the blobs themselves). */
function fingerprint(report) {
  return JSON.stringify(report) + state.photos.map((p) => `|${p.url}`).join('') + (state.voice ? `|${state.voice.url}` : '');
}

function showError(msg) {
  $('form-error').textContent = msg;
  $('form-error').hidden = !msg;
}

async function send() {
  showError('');
  if (!state.category) return showError(t('r.needCategory'));
  if (!$('description').value.trim()) return showError(t('r.needText'));
  const btn = $('submit');
  btn.disabled = true;
  btn.textContent = t('r.sending');
  const first = reportOf(true);
  const fp = fingerprint(first);
  if (state.sent?.fp !== fp) state.sent = { fp, key: newKey() };
  const onRetry = (n) => { btn.textContent = t('r.retrying', { n }); };
  try {
    let out;
    try {
      out = await submitReport(body(first), state.sent.key, onRetry);
    } catch (err) {
      // A GPS fix outside every grid (a poor fix, or a phone far away):
      // the compound the QR code names is where the report belongs.
      if (!(err instanceof ApiError && err.status === 422 && state.location)) throw err;
      const second = reportOf(false);
      state.sent = { fp: fingerprint(second), key: newKey() };
      out = await submitReport(body(second), state.sent.key, onRetry);
    }
    done(out.report);
  } catch (err) {
    const why = err instanceof ApiError ? err.message : t('error.network');
    showError(t('r.failed', { why }));
    btn.disabled = false;
    btn.textContent = t('r.submit');
  }
}

function done(report) {
  state.sent = null;
  state.done = report;
  window.grid110.report = report;
  $('tracking-code').textContent = report.tracking_code;
  $('track-link').href = '/track/' + encodeURIComponent(report.tracking_code);
  const n = report.likely_duplicates?.length || 0;
  $('dupes').textContent = n ? t('r.dupes', { n }) : '';
  $('dupes').hidden = !n;
  $('report-form').hidden = true;
  $('done').hidden = false;
  $('done').scrollIntoView({ block: 'start' });
}

boot().catch((err) => {
  console.error(err);
  $('compound-name').textContent = t('error.load') + ' ' + err.message;
});
