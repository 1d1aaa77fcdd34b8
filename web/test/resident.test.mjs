// The resident's report page against a real server: rejected files are
// explained, a report with a photo (resized in the browser) reaches the
// command-centre map over SSE within 2 s, a submission whose answer is lost
// is retried without a duplicate, and the tracking page follows the case.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  BASE, DOCS, SCREENSHOTS, api, compoundAt, jpegSize, launch, makePNG, signIn, waitIdle, waitUsable, withSession,
} from './helpers.mjs';

// A compound downtown, found through the API: the test assumes no fixed code.
const SPOT = { lon: 117.655, lat: 24.513 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' };

let browser;
let compound;
before(async () => {
  browser = await launch();
  compound = await compoundAt(SPOT.lon, SPOT.lat);
});
after(async () => { await browser?.close(); });

/** fillReport opens the page of the compound and fills in a report. */
async function fillReport(page, text, category = 'public_order') {
  await page.goto(`${BASE}/r/${encodeURIComponent(compound.code)}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator(`.cat:has(input[value="${category}"])`).click();
  await page.fill('#description', text);
}

describe('resident report page', () => {
  test('shows the compound and explains rejected files', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await fillReport(page, 'test');
    assert.equal(await page.locator('#compound-name').textContent(), compound.name);
    assert.match(await page.locator('#compound-chain').textContent(), /芗城区/);
    await page.setInputFiles('#photo-input', [
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
      { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('\xff\xd8 not really a jpeg') },
      { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(41 << 20) },
    ]);
    const errors = page.locator('#file-errors li');
    await errors.nth(2).waitFor();
    const kinds = await errors.evaluateAll((els) => els.map((e) => e.dataset.kind + ': ' + e.textContent));
    assert.match(kinds[0], /^badType: .*notes\.txt.*JPEG、PNG、WebP/);
    assert.match(kinds[1], /^unreadable: .*broken\.jpg/);
    assert.match(kinds[2], /^tooBig: .*huge\.png.*41\.0 MB/);
    assert.equal(await page.locator('#thumbs img').count(), 0, 'no rejected file is attached');
    // A seventh photo is refused with a reason too.
    const png = makePNG(64, 48);
    await page.setInputFiles('#photo-input', Array.from({ length: 7 }, (_, i) => ({ name: `p${i}.png`, mimeType: 'image/png', buffer: png })));
    await page.locator('#file-errors li[data-kind="tooMany"]').waitFor();
    assert.equal(await page.locator('#thumbs img').count(), 6);
    await context.close();
  });

  test('a report with a photo appears on the command-centre map over SSE within 2 s', async () => {
    // The duty officer signs in through the page and watches the compound.
    const officer = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const map = await officer.newPage();
    await map.goto(BASE + '/login');
    await map.fill('#username', process.env.GRID110_TEST_USER || 'webtest');
    await map.fill('#password', process.env.GRID110_TEST_PASSWORD || 'webtest-password-1');
    await Promise.all([map.waitForURL((u) => u.pathname === '/'), map.click('#login-form [type=submit]')]);
    await waitUsable(map);
    await map.locator('#live-status[data-state="open"]').waitFor({ timeout: 10000 });
    await map.evaluate((p) => window.grid110.map.jumpTo({ center: [p.lon, p.lat], zoom: 15 }), compound.point);
    await waitIdle(map);

    // A resident at the gate, sharing the phone's location.
    const resident = await browser.newContext({ ...PHONE, permissions: ['geolocation'],
      geolocation: { longitude: compound.point.lon, latitude: compound.point.lat, accuracy: 12 } });
    const page = await resident.newPage();
    const text = '北门路灯坏了三天，晚上很黑，老人出入不安全。';
    await fillReport(page, text);
    await page.check('#share-loc');
    await page.locator('#loc-state', { hasText: '12' }).waitFor();
    await page.setInputFiles('#photo-input', { name: 'gate.png', mimeType: 'image/png', buffer: makePNG(2400, 1800) });
    await page.locator('#thumbs img').waitFor();
    if (SCREENSHOTS && DOCS) await page.screenshot({ path: join(DOCS, 'resident.png'), fullPage: true });

    const posted = page.waitForResponse((r) => r.url() === BASE + '/api/v1/reports' && r.request().method() === 'POST');
    await page.click('#submit');
    const resp = await posted;
    const t0 = Date.now();
    assert.equal(resp.status(), 201);
    const report = await resp.json();
    // On the map: in the live layer, drawn where the case is.
    await map.waitForFunction((id) => window.grid110.map.queryRenderedFeatures({ layers: ['live-points'] })
      .some((f) => f.properties.id === id), report.id, { polling: 25, timeout: 5000 });
    const ms = Date.now() - t0;
    console.log(`report ${report.id} drawn on the command-centre map ${ms} ms after the server accepted it`);
    assert.ok(ms < 2000, `the report took ${ms} ms to appear on the map, want under 2000`);
    const ev = await map.evaluate((id) => window.grid110.events.find((e) => e.id === id), report.id);
    assert.equal(ev.op, 'created');
    assert.equal(ev.category, 'public_order');
    assert.ok(await map.locator(`#live-list [data-report="${report.id}"]`).count() === 1, 'listed in the live panel');
    // Shortly after, the report tiles are fetched again and hold it too.
    await map.waitForFunction((id) => window.grid110.map.queryRenderedFeatures({ layers: ['report-points'] })
      .some((f) => f.properties.id === id), report.id, { polling: 100, timeout: 8000 });

    // The resident sees the tracking code and a link to follow the case.
    await page.locator('#done').waitFor();
    assert.equal(await page.locator('#tracking-code').textContent(), report.tracking_code);
    assert.equal(await page.locator('#track-link').getAttribute('href'), '/track/' + report.tracking_code);

    // The photo went up resized (at most 1600 px, JPEG), and the report sits at the GPS fix.
    const token = await signIn();
    const full = await api('/api/v1/reports/' + report.id, { token });
    assert.equal(full.description, text);
    assert.equal(full.channel, 'qr');
    assert.equal(full.grid.id, compound.id);
    assert.equal(full.input?.crs, 'wgs84');
    const photos = full.attachments.filter((a) => a.kind === 'photo');
    assert.equal(photos.length, 1);
    assert.equal(photos[0].content_type, 'image/jpeg');
    const bytes = Buffer.from(await (await fetch(BASE + photos[0].url, { headers: { Authorization: 'Bearer ' + token } })).arrayBuffer());
    const size = jpegSize(bytes);
    assert.deepEqual(size, { width: 1600, height: 1200 }, 'resized from 2400×1800 in the browser');

    // The duty officer opens the case from the live panel: history and moves.
    await map.click(`#live-list [data-report="${report.id}"]`);
    const detail = map.locator(`.case-detail[data-case-id="${report.id}"]`);
    await detail.waitFor();
    assert.match(await detail.locator('.history').textContent(), /群众上报/);
    const img = detail.locator('.photos img[src^="blob:"]');
    await img.waitFor();
    await map.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    assert.equal(await img.evaluate((el) => el.naturalWidth), 1600, 'the photo is shown, fetched with the session');
    await detail.locator('[data-move="file"]').click();
    await detail.locator('form.move [type=submit]').click();
    await map.locator(`.case-detail[data-case-id="${report.id}"] .status[data-status="filed"]`).waitFor();
    // The move comes back over SSE too.
    await map.waitForFunction((id) => window.grid110.events.some((e) => e.id === id && e.op === 'moved' && e.to === 'filed'), report.id);
    // Dispatch to the nearest patrol team the form offers.
    await detail.locator('[data-move="dispatch"]').click();
    const team = detail.locator('form.move select[name="team_id"]');
    await team.locator('option:nth-child(2)').waitFor({ state: 'attached' });
    await team.selectOption({ index: 1 });
    const teamId = Number(await team.inputValue());
    await detail.locator('form.move [type=submit]').click();
    await map.locator(`.case-detail[data-case-id="${report.id}"] .status[data-status="dispatched"]`).waitFor();
    const dispatched = await api('/api/v1/reports/' + report.id, { token: await signIn() });
    assert.equal(dispatched.team?.id, teamId, 'dispatched to the team chosen in the form');
    assert.equal(dispatched.team?.kind, 'patrol', 'public order goes to a patrol team');
    if (SCREENSHOTS && DOCS) {
      await map.evaluate((p) => window.grid110.map.jumpTo({ center: [p.lon, p.lat], zoom: 12.6 }), compound.point);
      await waitIdle(map);
      await map.screenshot({ path: join(DOCS, 'command-centre.png') });
    }

    // The tracking page follows the case.
    await page.click('#track-link');
    await page.locator('#result .status').waitFor();
    assert.equal(await page.locator('#result .status').textContent(), '已派遣');
    assert.ok(await page.locator('#result .steps li').count() >= 3);
    assert.equal(await page.locator('#rate').count(), 0, 'nothing to rate before the case is resolved');
    // Once the team has resolved it, the resident rates the result there.
    for (const body of [{ move: 'start' }, { move: 'resolve', note: '已更换路灯。' }]) {
      await api(`/api/v1/reports/${report.id}/moves`, { method: 'POST', body, token: await signIn() });
    }
    await page.reload();
    await page.locator('#rate').waitFor();
    await page.fill('#rate textarea', '修得很快，谢谢。');
    await page.click('#rate button[value="yes"]');
    await page.locator('#result', { hasText: '您的评价：满意' }).waitFor();
    await officer.close();
    await resident.close();
  });

  test('a submission whose answer is lost is retried without a duplicate', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const text = `楼道堆放杂物 ${Date.now()}`;
    await fillReport(page, text, 'safety_hazard');
    let first = null;
    let attempts = 0;
    const keys = [];
    await page.route(BASE + '/api/v1/reports', async (route) => {
      attempts++;
      keys.push(route.request().headers()['idempotency-key']);
      if (attempts === 1) {
        // The server takes the report, but the answer never reaches the phone.
        const resp = await route.fetch();
        first = await resp.json();
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });
    await page.click('#submit');
    await page.locator('#done').waitFor({ timeout: 15000 });
    assert.ok(first?.tracking_code, 'the first attempt was stored');
    assert.equal(attempts, 2);
    assert.ok(keys[0] && keys[0] === keys[1], 'both attempts carry the same Idempotency-Key');
    assert.equal(await page.locator('#tracking-code').textContent(), first.tracking_code);
    const token = await signIn();
    const list = await api(`/api/v1/reports?grid=${compound.id}&category=safety_hazard&limit=100`, { token });
    assert.equal(list.items.filter((r) => r.description === text).length, 1, 'exactly one report stored');
    await context.close();
  });

  test('sending the same report again after the retries gave up reuses its key', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.clock.install(); // the minute of retry pauses passes at once
    const text = `单元门禁坏了 ${Date.now()}`;
    await fillReport(page, text, 'complaint');
    let down = true;
    const keys = [];
    await page.route(BASE + '/api/v1/reports', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      if (down) await route.abort('internetdisconnected');
      else await route.continue();
    });
    await page.click('#submit');
    const failed = page.locator('#form-error:not([hidden])');
    for (let i = 0; i < 20 && !(await failed.isVisible()); i++) await page.clock.runFor(10000);
    assert.match(await failed.textContent(), /提交失败/);
    assert.equal(keys.length, 7, 'the first try and six retries');
    down = false;
    await page.click('#submit');
    await page.locator('#done').waitFor();
    assert.equal(new Set(keys).size, 1, 'one key for every attempt of the same report');
    const list = await api(`/api/v1/reports?grid=${compound.id}&category=complaint&limit=100`, { token: await signIn() });
    assert.equal(list.items.filter((r) => r.description === text).length, 1);
    await context.close();
  });

  test('a voice note recorded in the browser goes up with the report', async () => {
    // Chromium's fake microphone (a tone) stands in for a resident's voice.
    const voiceBrowser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    try {
      const context = await voiceBrowser.newContext({ ...PHONE, permissions: ['microphone'] });
      const page = await context.newPage();
      await fillReport(page, '隔壁装修噪音，晚上十一点还在施工。', 'environment');
      await page.click('#rec');
      await page.locator('#rec-state', { hasText: '录音中' }).waitFor();
      await page.waitForTimeout(1600);
      await page.click('#rec');
      await page.locator('#voice-preview').waitFor();
      assert.match(await page.locator('#rec-state').textContent(), /语音 [12] 秒/);
      const posted = page.waitForResponse((r) => r.url() === BASE + '/api/v1/reports' && r.request().method() === 'POST');
      await page.click('#submit');
      const resp = await posted;
      assert.equal(resp.status(), 201, await resp.text());
      const report = await resp.json();
      const voice = report.attachments.filter((a) => a.kind === 'voice');
      assert.equal(voice.length, 1, JSON.stringify(report.attachments));
      assert.match(voice[0].content_type, /^audio\/(webm|ogg)/);
      assert.ok(voice[0].size_bytes > 1000, `a voice note of ${voice[0].size_bytes} bytes`);
      await page.locator('#done').waitFor();
      await context.close();
    } finally {
      await voiceBrowser.close();
    }
  });

  test('an unknown compound code says so', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(BASE + '/r/no-such-compound');
    await page.waitForSelector('body[data-ready="true"]');
    assert.match(await page.locator('#compound-name').textContent(), /找不到/);
    assert.ok(await page.locator('#report-form').isHidden());
    await context.close();
  });

  test('staff sign-in refuses a wrong password', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(BASE + '/login?lang=en');
    // An account of its own: failures count towards the sign-in throttle.
    await page.fill('#username', 'nobody-' + Date.now());
    await page.fill('#password', 'not-the-password');
    await page.click('#login-form [type=submit]');
    await page.locator('#login-error', { hasText: 'Wrong username or password.' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    await context.close();
  });
});
