// bench/ui_first_page.mjs (run by bench/ui_bench.sh): milliseconds from
// navigation to "usable" (the page's first interactive element shown) for
// the UI's pages, each beside a static page of the same byte size.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(new URL('../tests/ui/', import.meta.url));
const { chromium } = require('playwright-core');
const URL0 = process.env.MGMTD_URL;
const LOADS = Number(process.env.BENCH_LOADS || 15);
const DOCROOT = process.env.UI_DOCROOT;
const auth = 'Basic ' + Buffer.from(
  `${process.env.MGMTD_USER}:${process.env.MGMTD_PASSWORD}`).toString('base64');

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'] });

// One cold load: a new context, optionally logged in; returns ms to ready
// and the bytes the page fetched.
async function load(url, ready, loggedIn) {
  const ctx = await browser.newContext();
  if (loggedIn) {
    const r = await ctx.request.post(`${URL0}/api/v1/session`,
      { data: { user: process.env.MGMTD_USER,
        password: process.env.MGMTD_PASSWORD } });
    const { csrf_token: csrf } = await r.json();
    await ctx.addInitScript((t) => localStorage.setItem('mgmtd.csrf', t), csrf);
  }
  const page = await ctx.newPage();
  let bytes = 0;
  page.on('response', async (resp) => {
    const u = resp.url();
    if (!u.includes('/api/') && resp.status() === 200)
      bytes += Number(resp.headers()['content-length'] || 0);
  });
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator(ready).first().waitFor({ timeout: 30000 });
  const ms = Date.now() - t0;
  await ctx.close();
  return { ms, bytes };
}

function stats(list) {
  const s = [...list].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `p50 ${String(q(0.5)).padStart(4)} ms  p90 ${String(q(0.9)).padStart(4)} ms`;
}

async function measure(name, url, ready, loggedIn) {
  const runs = [];
  let bytes = 0;
  await load(url, ready, loggedIn); // warm the daemon, not the browser
  for (let i = 0; i < LOADS; i++) {
    const r = await load(url, ready, loggedIn);
    runs.push(r.ms);
    bytes = Math.max(bytes, r.bytes);
  }
  // The reference: one static HTML file of the same size, same server.
  const ref = path.join(DOCROOT, `ref-${name}.html`);
  fs.writeFileSync(ref, '<!doctype html><title>ref</title><p id="ready">' +
    'ready</p><!--' + 'x'.repeat(Math.max(0, bytes - 80)) + '-->');
  const refRuns = [];
  for (let i = 0; i < LOADS; i++)
    refRuns.push((await load(`${URL0}/ref-${name}.html`, '#ready', false)).ms);
  console.log(`${name.padEnd(22)} ${stats(runs)}   (${bytes} bytes of ` +
    `static files)   reference static page: ${stats(refRuns)}`);
}

await measure('login page', `${URL0}/`, '#login-user', false);
await measure('dashboard', `${URL0}/#/`, '#dash-tiles .tile', true);
await measure('5,000 DNS hosts table', `${URL0}/#/c/dns/hosts`,
  'tr[data-key="host0"]', true);
await browser.close();
