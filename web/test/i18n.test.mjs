// Every string the pages show is in both tables (zh.js and en.js): the keys
// the sources name literally, the keys built from the server's codes, and
// the placeholders each string takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import zh from '../src/shared/zh.js';
import en from '../src/shared/en.js';
import { STATUSES, TEAM_COLORS } from '../src/map/layers.js';
import { DEPARTMENTS } from '../src/map/moves.js';

const root = new URL('..', import.meta.url).pathname;

function files(dir, ext) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith(ext))
    .map((d) => join(d.parentPath ?? d.path, d.name));
}

test('both tables have the same keys and placeholders', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  const vars = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
  for (const k of Object.keys(zh)) assert.equal(vars(en[k]), vars(zh[k]), `placeholders of ${k}`);
});

test('every key the sources name is in the tables', () => {
  const used = new Set();
  for (const f of files(join(root, 'src'), '.js')) {
    // t('a.b') names a key; t('a.' + code) a family, checked below.
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([\w.-]+)'\s*[,)]/g)) used.add(m[1]);
  }
  for (const f of ['index.html', 'resident.html', 'track.html', 'login.html']) {
    for (const m of readFileSync(join(root, f), 'utf8').matchAll(/data-i18n(?:-\w+)?="([\w.-]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size > 100, `found only ${used.size} keys; is the pattern still right?`);
  // Keys built from codes the server sends.
  for (const s of STATUSES) used.add('status.' + s);
  for (const k of Object.keys(TEAM_COLORS)) used.add('team.' + k);
  for (const d of DEPARTMENTS) used.add('dept.' + d);
  const moves = ['file', 'dispatch', 'start', 'resolve', 'verify', 'close', 'return', 'request_extension', 'grant_extension', 'reject', 'reopen'];
  for (const m of moves) used.add('move.' + m);
  const events = ['submitted', 'filed', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed', 'returned', 'rejected',
    'reopened', 'extension_requested', 'extension_granted', 'supervised', 'rated'];
  for (const e of events) used.add('event.' + e);
  for (const l of ['city', 'district', 'township', 'community', 'compound']) used.add('level.' + l);
  for (const b of [3, 2, 1, -1, -2, -3]) used.add('legend.bin' + b);
  const families = {
    r: ['badType', 'tooBig', 'tooMany', 'unreadable'], // resident/main.js file errors
    live: ['signin', 'connecting', 'open', 'reconnecting', 'closed', 'off'],
    layer: ['choropleth', 'heatmap', 'hotspots', 'grids', 'reports', 'teams'],
    legend: ['choropleth', 'heatmap', 'hotspots', 'grids', 'reports', 'teams'],
    staffRole: ['grid_worker', 'police', 'team_member', 'command_township', 'command_district', 'command_city', 'department', 'admin', 'api_client'],
    role: ['grid_worker', 'police_officer', 'auxiliary_police', 'volunteer', 'lawyer', 'mediator', 'inspector', 'medic', 'rescuer', 'leader', 'member'],
    channel: ['qr', 'miniapp', 'api', 'open311', 'terminal', 'phone', 'web'],
  };
  for (const [f, ks] of Object.entries(families)) for (const k of ks) used.add(`${f}.${k}`);
  const missing = [...used].filter((k) => !(k in zh) || !(k in en)).sort();
  assert.deepEqual(missing, []);
});
