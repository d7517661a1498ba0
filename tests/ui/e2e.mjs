// End-to-end tests of the browser UI: playwright-core drives Debian's
// chromium against a sandboxed mgmtd (tests/integration/ui_e2e.sh sets the
// environment).  Every change made through the forms is checked through
// REST and in the files the plugins write.  No sleeps: every step waits
// for a condition.  Prints TAP-like lines; exits 1 on the first failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { axeCheck } from './a11y.mjs';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const URL0 = env('MGMTD_URL');
const ADMIN = [env('MGMTD_USER'), env('MGMTD_PASSWORD')];
const MONITOR = [env('UI_MONITOR_USER'), env('UI_MONITOR_PASSWORD')];
const OPERATOR = [env('UI_OPERATOR_USER'), env('UI_OPERATOR_PASSWORD')];
const SYSLOG = env('MGMTD_SYSLOG');
const SMB_CONF = env('SMB_CONF');
const HOSTS = path.join(env('MGMTD_ETC_UPPER'), 'hosts');
const SHARE_DIR = env('UI_SHARE_DIR');
const ART = env('UI_ARTIFACTS');
const BROWSER = process.env.UI_CHROMIUM || '/usr/bin/chromium';
const WAIT = 30000;

fs.mkdirSync(ART, { recursive: true });

// REST as admin (HTTP Basic), for checks outside the browser.
async function rest(method, p, body) {
  const r = await fetch(`${URL0}/api/v1/${p}`, {
    method,
    headers: { Authorization: 'Basic ' +
      Buffer.from(ADMIN.join(':')).toString('base64'),
    'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}
const read = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');

// Poll fn until it returns a truthy value (files change after the commit
// returns only for services that reload; most are synchronous).
async function until(what, fn, ms = WAIT) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let n = 0;
async function step(name, fn) {
  n++;
  try {
    await fn();
    console.log(`ok ${n} - ${name}`);
  } catch (e) {
    console.log(`not ok ${n} - ${name}`);
    console.log(`# ${String(e && e.stack || e).split('\n').join('\n# ')}`);
    await shot('failure').catch(() => {});
    await browser.close().catch(() => {});
    process.exit(1);
  }
}

const browser = await chromium.launch({
  executablePath: BROWSER,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
// Every page keeps to the Content-Security-Policy mgmtd sends (no inline
// script or style): Chromium reports each refusal on the console, and the
// last step fails on any.
// Playwright's waitForFunction polls by evaluating a string in the page,
// which that policy refuses (no 'unsafe-eval'): pages poll with evaluate
// (the DevTools protocol, not subject to it) instead.
const cspRefused = [];
const newContext = browser.newContext.bind(browser);
browser.newContext = async (opts) => {
  const c = await newContext(opts);
  c.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspRefused.push(m.text());
  });
  const newPage = c.newPage.bind(c);
  c.newPage = async () => {
    const p = await newPage();
    p.waitForFunction = (fn, arg) =>
      until(`${fn}`, () => p.evaluate(fn, arg), WAIT);
    return p;
  };
  return c;
};
const ctx = await browser.newContext({ viewport: { width: 1366, height: 860 } });
ctx.setDefaultTimeout(WAIT);
let page = await ctx.newPage();
page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
const shot = (name, p = page) =>
  p.screenshot({ path: path.join(ART, `${name}.png`), fullPage: true });

async function login(p, [user, pw]) {
  await p.locator('#login-user').fill(user);
  await p.locator('#login-password').fill(pw);
  await p.locator('form.login-card button[type=submit]').click();
  await p.locator('#user-role').waitFor();
}

// Fill a field of the open form and save it.
async function saveForm(p, fields, { confirm } = {}) {
  const dlg = p.locator('dialog[open]');
  for (const [name, value] of Object.entries(fields)) {
    const f = dlg.locator(`#f-${name}`);
    const tag = await f.evaluate((el) => el.tagName);
    if (tag === 'SELECT') await f.selectOption(value);
    else await f.fill(value);
  }
  if (confirm) {
    await dlg.locator('#f-confirm').check();
    await dlg.locator('#f-confirm-secs').fill(String(confirm));
  }
  await dlg.locator('button[type=submit]').click();
}

// Keyboard only: press Tab (Shift+Tab when back) until the focus is on
// what sel matches, and check that the focus shows there.
async function tabTo(p, sel, { back = false, max = 120 } = {}) {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await p.evaluate((s) => !!document.activeElement &&
        document.activeElement.matches(s), sel)) {
      await focusShows(p);
      return;
    }
  }
  throw new Error(`${max} presses of ${back ? 'Shift+' : ''}Tab never ` +
    `reached ${sel}`);
}

// The focused element has a visible ring: an outline or a box shadow.
async function focusShows(p) {
  const [what, ring] = await p.evaluate(() => {
    const e = document.activeElement;
    const cs = getComputedStyle(e);
    return [e.outerHTML.slice(0, 80), (cs.outlineStyle !== 'none' &&
      parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none'];
  });
  assert.ok(ring, `no focus ring on ${what}`);
}

const focused = (p, sel) => p.evaluate((s) => !!document.activeElement &&
  document.activeElement.matches(s), sel);

async function configVersion() {
  return (await rest('GET', 'config/versions')).body.current;
}

await step('the login page opens at / and logs in as admin', async () => {
  await page.goto(`${URL0}/`);
  await page.locator('#login-user').waitFor();
  await shot('login');
  await axeCheck(page, 'the login page');
  await page.locator('#login-user').fill(ADMIN[0]);
  await page.locator('#login-password').fill('wrong-password');
  await page.locator('form.login-card button[type=submit]').click();
  await page.locator('#login-error:not([hidden])').waitFor();
  await login(page, ADMIN);
  assert.equal(await page.locator('#user-role').textContent(), 'admin');
});

await step('the dashboard shows services, the version and graphs', async () => {
  await page.locator('#services li').first().waitFor();
  // A graph with data: an SVG chart whose points are drawn.
  await page.waitForFunction(() => [...document.querySelectorAll(
    'svg.chart')].some((s) => Number(s.dataset.points) > 0 &&
      s.querySelector('path.line[d^="M"], circle')), null, { timeout: WAIT });
  const titles = await page.locator('[data-graph]').evaluateAll(
    (l) => l.map((e) => e.dataset.graph));
  assert.ok(titles.includes('Memory used'), `graphs: ${titles}`);
  assert.ok(titles.some((t) => t.startsWith('CPU')), `graphs: ${titles}`);
  const v = await configVersion();
  await page.locator('.tile', { hasText: `v${v}` }).waitFor();
  await shot('dashboard');
  await axeCheck(page, 'the dashboard');
});

let versionWithHost = 0;

await step('a DNS host entry is created through the form', async () => {
  await page.locator('nav a[data-class="dns/hosts"]').click();
  await page.locator('#add').click();
  await shot('form-dns-host');
  await saveForm(page, { name: 'web1', addresses: '192.0.2.10' });
  await page.locator('tr[data-key="web1"]').waitFor();
  const r = await rest('GET', 'dns/hosts/web1');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.addresses, ['192.0.2.10']);
  await until('web1 in /etc/hosts', () => /192\.0\.2\.10\s.*web1/.test(read(HOSTS)));
  versionWithHost = await configVersion();
});

await step('a client-side check refuses a bad address before sending', async () => {
  const before = await configVersion();
  await page.locator('[data-edit="web1"]').click();
  await saveForm(page, { addresses: '999.1.2.3' });
  const err = page.locator('dialog[open] #f-addresses-err');
  await until('the field error', async () => (await err.textContent()).length > 0);
  await page.locator('dialog[open] button', { hasText: 'Cancel' }).click();
  assert.equal(await configVersion(), before);
});

await step('the DNS host entry is edited through the form', async () => {
  await page.locator('[data-edit="web1"]').click();
  await saveForm(page, { addresses: '192.0.2.11\n2001:db8::11' });
  await page.locator('tr[data-key="web1"]', { hasText: '192.0.2.11' }).waitFor();
  const r = await rest('GET', 'dns/hosts/web1');
  assert.deepEqual(r.body.addresses, ['192.0.2.11', '2001:db8::11']);
  await until('the new address in /etc/hosts', () =>
    /192\.0\.2\.11\s.*web1/.test(read(HOSTS)) && !read(HOSTS).includes('192.0.2.10'));
  await shot('dns-hosts');
  await axeCheck(page, 'the DNS hosts table');
});

await step('a CIFS share is created through the form', async () => {
  await page.locator('nav a[data-class="cifs/shares"]').click();
  await page.locator('#add').click();
  await page.locator('dialog[open] #f-name').waitFor();
  await axeCheck(page, 'the new share form');
  await saveForm(page, { name: 'media', path: SHARE_DIR, comment: 'Films',
    read_only: 'false' });
  await page.locator('tr[data-key="media"]').waitFor();
  const r = await rest('GET', 'cifs/shares/media');
  assert.equal(r.status, 200);
  assert.equal(r.body.path, SHARE_DIR);
  await until('[media] in smb.conf', () => /\[media\][^[]*comment = Films/.test(read(SMB_CONF)));
});

await step("a bad value shows the server's message beside the field and changes nothing", async () => {
  const before = await configVersion();
  const conf = read(SMB_CONF);
  await page.locator('#add').click();
  await saveForm(page, { name: 'ghost', path: `${SHARE_DIR}/does-not-exist` });
  const err = page.locator('dialog[open] #f-path-err');
  await until('the server error beside path', async () =>
    (await err.textContent()).length > 0);
  const msg = await err.textContent();
  const r = await rest('POST', 'cifs/shares', { name: 'ghost2',
    path: `${SHARE_DIR}/does-not-exist` });
  assert.equal(r.status, 400);
  assert.ok(r.body.errors.some((e) => e.message === msg),
    `UI shows "${msg}", the server says ${JSON.stringify(r.body.errors)}`);
  await shot('form-server-error');
  await axeCheck(page, "a form with a server error");
  await page.locator('dialog[open] button', { hasText: 'Cancel' }).click();
  assert.equal((await rest('GET', 'cifs/shares/ghost')).status, 404);
  assert.equal(await configVersion(), before);
  assert.equal(read(SMB_CONF), conf);
});

await step('the CIFS share is edited through the form', async () => {
  await page.locator('[data-edit="media"]').click();
  await saveForm(page, { comment: 'Films and series' });
  await page.locator('tr[data-key="media"]', { hasText: 'Films and series' }).waitFor();
  assert.equal((await rest('GET', 'cifs/shares/media')).body.comment,
    'Films and series');
  await until('the comment in smb.conf', () =>
    read(SMB_CONF).includes('comment = Films and series'));
  await shot('cifs-shares');
});

await step('the CIFS share is deleted after a confirmation', async () => {
  await page.locator('[data-delete="media"]').click();
  await page.locator('dialog[open] button.danger').click();
  // The toast says the DELETE answered (a row can vanish for a moment
  // while the live refresh redraws the table, so that proves nothing).
  await page.locator('.toast', { hasText: 'Deleted media.' }).waitFor();
  assert.equal((await rest('GET', 'cifs/shares/media')).status, 404);
  await page.locator('tr[data-key="media"]').waitFor({ state: 'detached' });
  await until('[media] gone from smb.conf', () => !read(SMB_CONF).includes('[media]'));
});

await step('the DNS host entry is deleted after a confirmation', async () => {
  await page.locator('nav a[data-class="dns/hosts"]').click();
  await page.locator('[data-delete="web1"]').click();
  await page.locator('dialog[open] button', { hasText: 'Cancel' }).click();
  assert.equal((await rest('GET', 'dns/hosts/web1')).status, 200);
  await page.locator('[data-delete="web1"]').click();
  await page.locator('dialog[open] button.danger').click();
  await page.locator('.toast', { hasText: 'Deleted web1.' }).waitFor();
  assert.equal((await rest('GET', 'dns/hosts/web1')).status, 404);
  await page.locator('tr[data-key="web1"]').waitFor({ state: 'detached' });
  await until('web1 gone from /etc/hosts', () => !/\sweb1(\s|$)/m.test(read(HOSTS)));
});

await step('a commit-confirmed change is confirmed from the banner', async () => {
  await page.locator('#add').click();
  await saveForm(page, { name: 'keep1', addresses: '192.0.2.21' }, { confirm: 120 });
  await page.locator('#confirm-banner').waitFor();
  assert.equal((await rest('GET', 'config/confirm')).body.pending, true);
  await shot('confirm-banner');
  await axeCheck(page, "the commit-confirmed banner");
  await page.locator('#confirm-btn').click();
  await page.locator('#confirm-banner').waitFor({ state: 'detached' });
  assert.equal((await rest('GET', 'config/confirm')).body.pending, false);
  assert.equal((await rest('GET', 'dns/hosts/keep1')).status, 200);
});

await step('a commit-confirmed change left unconfirmed reverts and the UI says so', async () => {
  await page.locator('#add').click();
  await saveForm(page, { name: 'temp1', addresses: '192.0.2.22' }, { confirm: 10 });
  await page.locator('#confirm-banner').waitFor();
  assert.equal((await rest('GET', 'dns/hosts/temp1')).status, 200);
  await page.locator('#rollback-banner').waitFor({ timeout: 60000 });
  assert.equal((await rest('GET', 'dns/hosts/temp1')).status, 404);
  await page.locator('tr[data-key="temp1"]').waitFor({ state: 'detached' });
  await shot('confirm-rolled-back');
  await axeCheck(page, "the rolled-back banner");
  await page.locator('#rollback-banner button').click();
});

await step('rollback from the history page', async () => {
  await page.locator('nav a[href="#/history"]').click();
  await page.locator(`li[data-version="${versionWithHost}"] button`).click();
  await page.locator('#version-detail', { hasText: `Version ${versionWithHost}` }).waitFor();
  await page.locator('#version-detail .diff').waitFor();
  await shot('history');
  await axeCheck(page, 'the history page');
  const before = await configVersion();
  await page.locator('#rollback').click();
  await page.locator('dialog[open] button.primary').click();
  await until('a new version', async () => (await configVersion()) > before);
  const r = await rest('GET', 'dns/hosts/web1');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.addresses, ['192.0.2.10']);
  await until('web1 back in /etc/hosts', () => /192\.0\.2\.10\s.*web1/.test(read(HOSTS)));
  await page.locator(`li[data-version="${before + 1}"]`).waitFor();
  // Newest first, the current version marked.
  const first = page.locator('#versions li').first();
  assert.equal(await first.getAttribute('data-version'), String(before + 1));
  await first.locator('.tag', { hasText: 'current' }).waitFor();
});

await step('the event and command logs show and update live', async () => {
  await page.locator('nav a[href="#/logs/commands"]').click();
  await page.locator('#commands tbody tr', { hasText: 'rollback' }).first().waitFor();
  // A change made elsewhere appears without a reload, at the top.
  assert.equal((await rest('POST', 'dns/hosts', { name: 'live1',
    addresses: ['192.0.2.31'] })).status, 201);
  await page.locator('#commands tbody tr:first-child', { hasText: 'live1' }).waitFor();
  assert.ok([200, 204].includes((await rest('DELETE', 'dns/hosts/live1')).status));
  await shot('commands');
  await axeCheck(page, "the commands log");
  await page.locator('nav a[href="#/logs/events"]').click();
  await page.locator('#events tbody tr').first().waitFor();
  // An event raised now (a failed login is a warning) arrives through the
  // event stream, at the top, and the severity filter keeps it.
  const who = `nobody${Date.now()}`;
  await page.locator('#ev-sev').selectOption('warning');
  await page.locator('#events tbody tr', { hasText: 'failed login' }).first().waitFor();
  const r = await fetch(`${URL0}/api/v1/session`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: who, password: 'x' }) });
  assert.equal(r.status, 401);
  await page.locator('#events tbody tr:first-child', { hasText: who }).waitFor();
  assert.equal(await page.locator('#events tbody tr', { hasText: 'hosts file' }).count(), 0);
  await page.locator('#ev-sev').selectOption('');
  await page.locator('#events tbody tr', { hasText: 'hosts file' }).first().waitFor();
  await shot('events');
  await axeCheck(page, 'the events log');
});

await step("the daemon's own log shows and follows", async () => {
  await page.locator('nav a[href="#/logs"]').click();
  await page.locator('a.link-card[href="#/logs/file/mgmtd"]').click();
  await page.locator('#logtext', { hasText: 'started' }).waitFor();
  assert.ok((await rest('POST', 'dns/hosts', { name: 'follow1',
    addresses: ['192.0.2.41'] })).status === 201);
  await page.locator('#logtext', { hasText: 'dns.hosts[follow1] added' }).waitFor();
  assert.ok([200, 204].includes((await rest('DELETE', 'dns/hosts/follow1')).status));
  await shot('log-mgmtd');
  await axeCheck(page, "the daemon's log");
});

await step('an expired session returns to login, then to the same page', async () => {
  await page.locator('nav a[data-class="cifs/server"]').click();
  await page.locator('#edit').waitFor();
  await page.locator('dd[data-attr="service_state"]').waitFor();
  await shot('cifs-server');
  await axeCheck(page, "the CIFS server settings");
  // End the session behind the UI's back: its next request gets a 401.
  await page.evaluate(() => fetch('/api/v1/session', { method: 'DELETE',
    headers: { 'X-CSRF-Token': localStorage.getItem('mgmtd.csrf') } }));
  // The UI may notice first (its own polling) or on this page's request.
  await page.evaluate(() => { location.hash = '#/history'; });
  await page.locator('#login-user').waitFor();
  await page.locator('.notice', { hasText: 'expired' }).waitFor();
  await login(page, ADMIN);
  await page.waitForFunction(() => location.hash === '#/history');
  await page.locator('#versions li').first().waitFor();
});

await step('tablet layout: the navigation folds into a menu', async () => {
  const tab = await ctx.newPage();
  await tab.setViewportSize({ width: 768, height: 1024 });
  await tab.goto(`${URL0}/#/`);
  await tab.locator('#services li').first().waitFor();
  assert.equal(await tab.locator('#nav').isVisible(), false);
  await axeCheck(tab, 'the dashboard at 768x1024');
  await tab.locator('button.menu').click();
  await tab.locator('#nav.open a[data-class="dns/hosts"]').waitFor();
  await axeCheck(tab, 'the open menu at 768x1024');
  // Escape folds it again, the focus back on its button.
  await tab.locator('#nav.open a[data-class="dns/hosts"]').focus();
  await tab.keyboard.press('Escape');
  await tab.locator('#nav').waitFor({ state: 'hidden' });
  assert.equal(await tab.locator('button.menu').getAttribute('aria-expanded'), 'false');
  assert.ok(await focused(tab, 'button.menu'));
  await tab.keyboard.press('Enter');
  await tab.locator('#nav.open a[data-class="dns/hosts"]').waitFor();
  await tab.locator('#nav.open a[data-class="dns/hosts"]').click();
  await tab.locator('tr[data-key="web1"]').waitFor();
  await tab.locator('#nav').waitFor({ state: 'hidden' });
  await shot('tablet-dns-hosts', tab);
  await axeCheck(tab, 'the DNS hosts table at 768x1024');
  await tab.close();
});

await step('keyboard only: log in, navigate, a form that holds the focus, a delete confirmation', async () => {
  const kctx = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  kctx.setDefaultTimeout(WAIT);
  const k = await kctx.newPage();
  await k.goto(`${URL0}/`);
  await k.locator('#login-user').waitFor();
  assert.ok(await focused(k, '#login-user'), 'the user name field has the focus');
  await k.keyboard.type(ADMIN[0]);
  await k.keyboard.press('Tab');
  assert.ok(await focused(k, '#login-password'));
  await k.keyboard.type(ADMIN[1]);
  await k.keyboard.press('Enter');
  await k.locator('#user-role').waitFor();
  await k.locator('#services li').first().waitFor();
  // The page's content comes next, not the rest of the menu; back
  // (Shift+Tab) into the menu to a class.
  await k.waitForFunction(() => document.activeElement.id === 'main');
  await tabTo(k, 'nav a[data-class="dns/hosts"]', { back: true });
  await k.keyboard.press('Enter');
  await k.locator('tr[data-key="web1"]').waitFor();
  await k.waitForFunction(() => document.activeElement.id === 'main');
  // The create form: focus goes in, Tab and Shift+Tab stay in, Escape
  // closes it and gives the focus back to the button.
  await tabTo(k, '#add');
  await k.keyboard.press('Enter');
  await k.locator('dialog[open]').waitFor();
  assert.ok(await focused(k, 'dialog[open] #f-name'), 'focus on the first field');
  const stops = await k.locator('dialog[open]').evaluate((d) =>
    d.querySelectorAll('button, input, select, textarea').length);
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < stops + 3; i++) {
      await k.keyboard.press(key);
      assert.ok(await focused(k, 'dialog[open] *'),
        `focus left the dialog after ${i + 1} × ${key}`);
      await focusShows(k);
    }
  }
  await k.keyboard.press('Escape');
  await k.locator('dialog').waitFor({ state: 'detached' });
  assert.ok(await focused(k, '#add'), 'focus back on the button that opened the form');
  // A delete confirmation: reached, Escape cancels, then confirmed.
  assert.equal((await rest('POST', 'dns/hosts', { name: 'kbd1',
    addresses: ['192.0.2.51'] })).status, 201);
  await k.locator('tr[data-key="kbd1"]').waitFor();
  await tabTo(k, '[data-delete="kbd1"]');
  await k.keyboard.press('Enter');
  await k.locator('dialog[open]').waitFor();
  assert.ok(await focused(k, 'dialog[open] button:not(.danger):not(.icon)'),
    'focus on Cancel, the safe choice');
  await axeCheck(k, 'the delete confirmation');
  await k.keyboard.press('Escape');
  await k.locator('dialog').waitFor({ state: 'detached' });
  assert.ok(await focused(k, '[data-delete="kbd1"]'), 'focus back on Delete');
  assert.equal((await rest('GET', 'dns/hosts/kbd1')).status, 200);
  await k.keyboard.press('Enter');
  await k.locator('dialog[open]').waitFor();
  await tabTo(k, 'dialog[open] button.danger', { max: 5 });
  await k.keyboard.press('Enter');
  await k.locator('tr[data-key="kbd1"]').waitFor({ state: 'detached' });
  assert.equal((await rest('GET', 'dns/hosts/kbd1')).status, 404);
  // The skip link is first, shows when focused and moves to the content
  // without leaving the page.
  await tabTo(k, 'a.skip', { back: true });
  assert.ok((await k.locator('a.skip').boundingBox()).width > 20);
  await k.keyboard.press('Enter');
  await k.waitForFunction(() => document.activeElement.id === 'main');
  assert.equal(await k.evaluate(() => location.hash), '#/c/dns/hosts');
  await kctx.close();
});

await step('a monitor sees no edit buttons and a direct write is refused', async () => {
  const mctx = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  mctx.setDefaultTimeout(WAIT);
  const m = await mctx.newPage();
  await m.goto(`${URL0}/`);
  await login(m, MONITOR);
  assert.equal(await m.locator('#user-role').textContent(), 'monitor');
  await m.locator('nav a[data-class="dns/hosts"]').click();
  await m.locator('tr[data-key="web1"]').waitFor();
  await axeCheck(m, "the monitor's DNS hosts table");
  assert.equal(await m.locator('#add').count(), 0);
  assert.equal(await m.locator('[data-edit], [data-delete]').count(), 0);
  await m.locator('nav a[data-class="cifs/server"]').click();
  await m.locator('dl.kv').first().waitFor();
  assert.equal(await m.locator('#edit, [data-action]').count(), 0);
  await m.locator('nav a[href="#/history"]').click();
  await m.locator('#versions li').first().waitFor();
  assert.equal(await m.locator('#rollback').count(), 0);
  await shot('monitor-history', m);
  await axeCheck(m, "the monitor's history page");
  const status = await m.evaluate(async () => (await fetch(
    '/api/v1/dns/hosts', { method: 'POST', headers: {
      'Content-Type': 'application/json',
      'X-CSRF-Token': localStorage.getItem('mgmtd.csrf') },
    body: JSON.stringify({ name: 'sneaky', addresses: ['192.0.2.99'] }) })).status);
  assert.equal(status, 403);
  assert.equal((await rest('GET', 'dns/hosts/sneaky')).status, 404);
  await mctx.close();
});

await step("the dashboard's graphs come from the metrics API", async () => {
  // The sandbox collects every 2 s: by now the RRD archives hold points.
  // The dashboard draws once per visit, so visit until it says so.
  await until('a graph of the last hour', async () => {
    await page.goto(`${URL0}/#/`);
    await page.locator('[data-graph]').first().waitFor();
    const feet = await page.locator('.graph .graph-foot .muted')
      .allTextContents();
    if (feet.includes('last hour')) return true;
    await new Promise((r) => setTimeout(r, 2000));
    return false;
  }, 90000);
  // The last change was the rollback made from the history page.
  await page.locator('.tile', { hasText: 'by admin' }).waitFor();
  await shot('dashboard-metrics');
});

// A page's fetch with its own session cookie: [status, content type, first
// bytes in hex].
const fetchIn = (p, url) => p.evaluate(async (u) => {
  const r = await fetch(u);
  const b = new Uint8Array(await r.arrayBuffer());
  return [r.status, r.headers.get('Content-Type'),
    [...b.slice(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join('')];
}, url);

await step('the metrics page draws a chosen series and links its graph.png', async () => {
  const id = 'status/memory/_/used';
  await until('points of memory used', async () => ((await rest('GET',
    `metrics/${id}?start=-1h`)).body.points || []).some((p) => p[1] !== null));
  await page.locator('nav a[href="#/metrics"]').click();
  await page.locator('#series-list li').first().waitFor();
  // Narrow the list down to the series, then choose it.
  await page.locator('#m-plugin').selectOption('status');
  await page.locator('#m-class').selectOption('memory');
  await page.locator('#m-text').fill('used');
  assert.equal(await page.locator('#series-list li[data-series^="status/cpus"]').count(), 0);
  await page.locator(`#series-list li[data-series="${id}"] input`).check();
  await page.locator(`svg.chart path.line[data-series="${id}"][d^="M"]`).waitFor();
  await page.locator(`#m-legend li[data-series="${id}"] .m-now`, { hasText: 'B' }).waitFor();
  // Another range: the chart and the PNG link follow it.
  await page.locator('#m-range button[data-range="1d"]').click();
  await page.waitForFunction(() => {
    const u = new URL(document.querySelector('#m-png').href);
    return u.searchParams.get('end') - u.searchParams.get('start') === 86400;
  });
  const href = await page.locator('#m-png').getAttribute('href');
  const u = new URL(href, URL0);
  assert.ok(u.searchParams.getAll('series').includes(id), href);
  const [status, type, magic] = await fetchIn(page, href);
  assert.equal(status, 200);
  assert.equal(type, 'image/png');
  assert.equal(magic, '89504e47');
  await page.locator('#m-range button[data-range="1h"]').click();
  await page.locator(`svg.chart path.line[data-series="${id}"][d^="M"]`).waitFor();
  // The choice is in the address: a reload draws the same.
  assert.ok((await page.evaluate(() => location.hash)).includes('s='));
  await shot('metrics');
  await axeCheck(page, 'the metrics page');
});

await step("a threshold rule made through the form fires in the dashboard's alerts card; deleting it clears it", async () => {
  await page.locator('nav a[data-class="alerts/thresholds"]').click();
  await page.locator('#add').click();
  const dlg = page.locator('dialog[open]');
  // No enum in the schema: the choices come from the schema's gauges.
  assert.ok(await dlg.locator('#f-plugin-list option[value="status"]').count() > 0);
  await dlg.locator('#f-plugin').fill('status');
  await dlg.locator('#f-class').fill('host');
  await dlg.locator('#f-class').dispatchEvent('change');
  await dlg.locator('#f-attribute-list option[value="load_1"]').waitFor({ state: 'attached' });
  assert.equal(await dlg.locator('#f-attribute-list option[value="cpu_count"]').count(), 0);
  await shot('form-threshold');
  await axeCheck(page, "the threshold form with suggestions");
  await saveForm(page, { name: 'busy1', attribute: 'load_1', operator: 'gt',
    value: '0', description: 'any load at all' });
  await page.locator('tr[data-key="busy1"]').waitFor();
  const r = await rest('GET', 'alerts/thresholds/busy1');
  assert.equal(r.status, 200);
  assert.equal(r.body.plugin, 'status');
  assert.equal(r.body.attribute, 'load_1');
  await page.locator('nav a[href="#/"]').click();
  await page.locator('#alerts li[data-rule="busy1"]').waitFor();
  assert.ok(((await rest('GET', 'alerts/active')).body.items || [])
    .some((a) => a.rule === 'busy1'));
  await shot('dashboard-alerts');
  await page.locator('.alerts-card a.more').click();
  await page.locator('[data-delete="busy1"]').click();
  await page.locator('dialog[open] button.danger').click();
  await page.locator('tr[data-key="busy1"]').waitFor({ state: 'detached' });
  await until('busy1 gone from alerts/active', async () =>
    !((await rest('GET', 'alerts/active')).body.items || [])
      .some((a) => a.rule === 'busy1'));
  await page.locator('nav a[href="#/"]').click();
  await page.locator('#alerts-title').waitFor();
  await page.locator('#alerts li[data-rule="busy1"]').waitFor({ state: 'detached' });
});

await step('the system log filters with grep, pages back with "load older" and follows', async () => {
  // 1,200 entries (three with a needle), newer than anything there.
  const stamp = Date.now();
  const at = (i) => new Date(stamp + i).toISOString();
  let text = '';
  for (let i = 0; i < 1200; i++)
    text += `${at(i)} nas1 e2e[7]: filler ${i}` +
      (i % 400 === 0 ? ` needle-${stamp}` : '') + '\n';
  fs.appendFileSync(SYSLOG, text);
  await page.locator('nav a[href="#/logs"]').click();
  await page.locator('#logs-export').waitFor();
  await page.locator('a.link-card[href="#/logs/file/system"]').click();
  const lines = page.locator('#logtext .line');
  await page.locator('#logtext .line', { hasText: 'filler 1199' }).waitFor();
  assert.equal(await lines.count(), 500);
  assert.equal(await page.locator('#logtext .line', { hasText: 'filler 699' }).count(), 0);
  await page.locator('#log-older').click();
  await page.locator('#logtext .line', { hasText: 'filler 699' }).waitFor();
  assert.equal(await lines.count(), 1000);
  // Older first: the page came in above.
  assert.match(await lines.first().textContent(), /filler 200$/);
  await page.locator('#log-older').click();
  await page.locator('#logtext .line', { hasText: /filler 0 needle/ }).waitFor();
  await page.locator('#log-older').waitFor({ state: 'hidden' });
  // grep: only the needles, marked.
  await page.locator('#log-grep').fill(`needle-${stamp}`);
  await page.locator('#log-grep').press('Enter');
  await until('three needles', async () => (await lines.count()) === 3);
  assert.equal(await page.locator('#logtext mark').count(), 3);
  // Follow, with the filter: a matching line appears, the other not.
  await page.locator('#log-status', { hasText: 'following' }).waitFor();
  fs.appendFileSync(SYSLOG, `${new Date().toISOString()} nas1 e2e[7]: ` +
    `quiet ${stamp}\n${new Date().toISOString()} nas1 e2e[7]: live ` +
    `needle-${stamp}\n`);
  await page.locator('#logtext .line', { hasText: `live needle-${stamp}` }).waitFor();
  assert.equal(await page.locator('#logtext .line', { hasText: `quiet ${stamp}` }).count(), 0);
  await shot('log-system');
  await axeCheck(page, "the system log, filtered");
  // A time range that ends before all of it: nothing, and no follow.
  const local = (t) => new Date(t - new Date(t).getTimezoneOffset() * 60000)
    .toISOString().slice(0, 16);
  await page.locator('#log-grep').fill('');
  await page.locator('#log-until').fill(local(stamp - 120000));
  await page.locator('#log-until').dispatchEvent('change');
  await page.locator('#log-status', { hasText: 'No lines match' }).waitFor();
  assert.equal(await page.locator('#log-follow').isDisabled(), true);
  await page.locator('#log-clear').click();
  await page.locator('#logtext .line', { hasText: `live needle-${stamp}` }).waitFor();
  await page.locator('#log-status', { hasText: 'following' }).waitFor();
  const href = await page.locator('#logs-export').getAttribute('href');
  const [status, type, magic] = await fetchIn(page, href);
  assert.equal(status, 200);
  assert.match(type, /gzip/);
  assert.equal(magic.slice(0, 4), '1f8b');
});

await step('an admin schedules a reboot with a delay, sees it pending and cancels it', async () => {
  await page.locator('nav a[data-class="system/power"]').click();
  await page.locator('#power-none').waitFor();
  const host = (await rest('GET', 'dns/settings')).body.current_hostname;
  await page.locator('#power-reboot').click();
  const dlg = page.locator('dialog[open]');
  await dlg.locator('#pw-delay').selectOption('5m');
  assert.equal(await dlg.locator('#pw-go').isDisabled(), true);
  if (host) {
    await dlg.locator('#pw-confirm').fill(`${host}-not`);
    assert.equal(await dlg.locator('#pw-go').isDisabled(), true);
    await dlg.locator('#pw-confirm').fill(host);
  } else {
    await dlg.locator('#pw-confirm').check();
  }
  await shot('power-dialog');
  await axeCheck(page, 'the reboot dialog');
  await dlg.locator('#pw-go').click();
  await page.locator('[data-pending="reboot"]').waitFor();
  assert.match(await page.locator('#power-countdown').textContent(), /^\d:\d\d$/);
  const r = (await rest('GET', 'system/power')).body;
  assert.equal(r.pending, 'reboot');
  assert.equal(r.requested_by, ADMIN[0]);
  await shot('power-pending');
  await axeCheck(page, 'the power page, a reboot pending');
  await page.locator('#power-cancel').click();
  await page.locator('#power-none').waitFor();
  assert.equal((await rest('GET', 'system/power')).body.pending, 'none');
  const ev = (await rest('GET', 'events?plugin=system&limit=20')).body.items || [];
  assert.ok(ev.some((e) => /reboot .* cancelled by admin/.test(e.message)),
    JSON.stringify(ev.map((e) => e.message)));
});

await step('an operator sees no reboot button and a direct request is refused', async () => {
  const octx = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  octx.setDefaultTimeout(WAIT);
  const o = await octx.newPage();
  await o.goto(`${URL0}/`);
  await login(o, OPERATOR);
  assert.equal(await o.locator('#user-role').textContent(), 'operator');
  await o.locator('nav a[data-class="system/power"]').click();
  await o.locator('#power-not-admin').waitFor();
  await o.locator('#power-none').waitFor();
  assert.equal(await o.locator('#power-reboot, #power-shutdown, #power-cancel').count(), 0);
  const status = await o.evaluate(async () => (await fetch(
    '/api/v1/system/power/reboot', { method: 'POST', headers: {
      'Content-Type': 'application/json',
      'X-CSRF-Token': localStorage.getItem('mgmtd.csrf') },
    body: JSON.stringify({ confirm: true, delay: '5m' }) })).status);
  assert.equal(status, 403);
  assert.equal((await rest('GET', 'system/power')).body.pending, 'none');
  // Operators read logs, but the export (every log) is for admins.
  await o.locator('nav a[href="#/logs"]').click();
  await o.locator('a.link-card[href="#/logs/file/system"]').waitFor();
  assert.equal(await o.locator('#logs-export').count(), 0);
  await shot('operator-power', o);
  await axeCheck(o, "the operator's logs page");
  await octx.close();
});

await step('the dark colour scheme passes the same checks', async () => {
  const dctx = await browser.newContext({ viewport: { width: 1366, height: 860 },
    colorScheme: 'dark' });
  dctx.setDefaultTimeout(WAIT);
  const d = await dctx.newPage();
  await d.goto(`${URL0}/`);
  await d.locator('#login-user').waitFor();
  await axeCheck(d, 'the login page, dark');
  await login(d, ADMIN);
  await d.locator('#services li').first().waitFor();
  await d.locator('svg.chart').first().waitFor();
  await shot('dark-dashboard', d);
  await axeCheck(d, 'the dashboard, dark');
  await d.locator('nav a[data-class="dns/hosts"]').click();
  await d.locator('tr[data-key="web1"]').waitFor();
  await axeCheck(d, 'the DNS hosts table, dark');
  await d.locator('#add').click();
  await d.locator('dialog[open] #f-name').waitFor();
  await axeCheck(d, 'the new host form, dark');
  await d.keyboard.press('Escape');
  await d.locator('[data-delete="web1"]').click();
  await d.locator('dialog[open] button.danger').waitFor();
  await axeCheck(d, 'the delete confirmation, dark');
  await d.keyboard.press('Escape');
  await d.locator('nav a[href="#/history"]').click();
  await d.locator('#version-detail .diff').waitFor();
  await axeCheck(d, 'the history page, dark');
  await d.locator('nav a[href="#/logs/events"]').click();
  await d.locator('#events tbody tr').first().waitFor();
  await axeCheck(d, 'the events log, dark');
  await d.locator('nav a[href="#/logs/commands"]').click();
  await d.locator('#commands tbody tr').first().waitFor();
  await axeCheck(d, 'the commands log, dark');
  await d.locator('nav a[href="#/metrics"]').click();
  await d.locator('svg.chart path.line').first().waitFor();
  await shot('dark-metrics', d);
  await axeCheck(d, 'the metrics page, dark');
  await d.locator('nav a[data-class="system/power"]').click();
  await d.locator('#power-none').waitFor();
  await axeCheck(d, 'the power page, dark');
  await dctx.close();
});

await step('no Content-Security-Policy refusal on any page', async () => {
  const r = await fetch(`${URL0}/`);
  assert.match(r.headers.get('content-security-policy') || '',
    /script-src 'self'/);
  assert.deepEqual(cspRefused, []);
});

await step('logout ends the session', async () => {
  await page.locator('#logout').click();
  await page.locator('#login-user').waitFor();
  const s = await page.evaluate(async () => (await fetch('/api/v1/session', { headers: { 'X-Requested-With': 't' } })).status);
  assert.equal(s, 401);
});

await browser.close();
console.log(`1..${n}`);
