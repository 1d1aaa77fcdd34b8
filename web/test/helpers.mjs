// Shared set-up of the browser tests: Debian's chromium driven by
// playwright-core (no downloaded browser), the server that
// scripts/browser-test.sh started, and small fixtures made here.
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const BASE = process.env.GRID110_URL || 'http://127.0.0.1:8080';
export const USER = process.env.GRID110_TEST_USER || 'webtest';
export const PASSWORD = process.env.GRID110_TEST_PASSWORD || 'webtest-password-1';
export const DOCS = process.env.GRID110_DOCS || '';
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';

/** launch starts headless chromium with the flags this machine needs, and extra ones. */
export function launch(extra = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extra],
  });
}

/** api calls the server from the test itself. */
export async function api(path, { method = 'GET', body, token, headers = {} } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = 'Bearer ' + token;
  if (body) h['Content-Type'] = 'application/json';
  const resp = await fetch(BASE + path, { method, headers: h, body: body ? JSON.stringify(body) : undefined });
  const text = await resp.text();
  if (!resp.ok) throw new Error(`${method} ${path}: ${resp.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

let session;
/** signIn returns a session token of the test account. */
export async function signIn() {
  session ??= await api('/api/v1/auth/login', { method: 'POST', body: { username: USER, password: PASSWORD } });
  return session.token;
}

/** withSession signs in and puts the session into localStorage before any page script runs. */
export async function withSession(context) {
  const login = await api('/api/v1/auth/login', { method: 'POST', body: { username: USER, password: PASSWORD } });
  await context.addInitScript((l) => {
    localStorage.setItem('grid110.token', l.token);
    localStorage.setItem('grid110.token.expires', l.expires_at);
    localStorage.setItem('grid110.user', JSON.stringify(l.user));
  }, login);
  return login.token;
}

/** watchRequests records every request a page makes. */
export function watchRequests(page) {
  const log = [];
  page.on('request', (r) => log.push({ url: r.url(), method: r.method() }));
  page.on('response', (r) => {
    const e = log.findLast((x) => x.url === r.url());
    if (e) e.status = r.status();
  });
  return log;
}

/** waitUsable waits until the command-centre map reports itself usable. */
export async function waitUsable(page, timeout = 20000) {
  await page.waitForFunction(() => window.grid110?.usableMs != null, null, { timeout, polling: 50 });
  return page.evaluate(() => window.grid110.usableMs);
}

/** waitIdle waits for the map's next 'idle' (all tiles loaded and drawn). */
export function waitIdle(page, timeout = 20000) {
  return page.evaluate((ms) => new Promise((resolve, reject) => {
    const map = window.grid110.map;
    const timer = setTimeout(() => reject(new Error('map never became idle')), ms);
    const done = () => { clearTimeout(timer); resolve(); };
    // A map that is already at rest and has nothing to load gets no new
    // 'idle' unless it renders again.
    map.once('idle', done);
    map.triggerRepaint();
  }), timeout);
}

/** rendered counts the features drawn on screen per layer id, by distinct key. */
export function rendered(page, layers, key = 'id') {
  return page.evaluate(({ layers, key }) => {
    const map = window.grid110.map;
    const out = {};
    for (const id of layers) {
      const seen = new Set();
      for (const f of map.queryRenderedFeatures({ layers: [id] })) seen.add(f.properties[key] ?? f.properties.cell ?? JSON.stringify(f.geometry.coordinates).slice(0, 60));
      out[id] = seen.size;
    }
    return out;
  }, { layers, key });
}

/** sumCounts adds up the count property of the features drawn in layer, once per grid. */
export function sumCounts(page, layer) {
  return page.evaluate((layer) => {
    const seen = new Map();
    for (const f of window.grid110.map.queryRenderedFeatures({ layers: [layer] })) seen.set(f.properties.id ?? f.properties.cell, f.properties.count || 0);
    return [...seen.values()].reduce((a, b) => a + b, 0);
  }, layer);
}

/** median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** compoundAt returns the compound grid under lon/lat (WGS-84). */
export async function compoundAt(lon, lat) {
  const located = await api(`/api/v1/locate?lon=${lon}&lat=${lat}`);
  const g = located.grid;
  if (g.level !== 'compound') throw new Error(`no compound at ${lon},${lat}: ${JSON.stringify(g)}`);
  const c = await api('/api/v1/compounds/' + encodeURIComponent(g.code));
  return c;
}

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** makePNG draws a w×h RGB test picture (stripes and a gradient) as PNG bytes. */
export function makePNG(w, h) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    raw[row] = 0; // no filter
    for (let x = 0; x < w; x++) {
      const i = row + 1 + x * 3;
      const stripe = ((x >> 6) + (y >> 6)) & 1;
      raw[i] = stripe ? 200 : (x * 255) / w;
      raw[i + 1] = (y * 255) / h;
      raw[i + 2] = stripe ? 60 : 180;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** jpegSize reads the width and height from a JPEG's SOF marker. */
export function jpegSize(buf) {
  let i = 2;
  while (i < buf.length) {
    if (buf[i] !== 0xff) throw new Error('not a JPEG marker at ' + i);
    const m = buf[i + 1];
    const len = buf.readUInt16BE(i + 2);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    }
    i += 2 + len;
  }
  throw new Error('no SOF marker');
}
