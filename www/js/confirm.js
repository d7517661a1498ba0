// confirm.js: the banner of a commit-confirmed change: a countdown and a
// Confirm button; when the time runs out the change rolls back and the
// banner says so.
import * as api from './api.js';
import { h, clear, toast } from './dom.js';
import { can } from './state.js';

const POLL_MS = 5000;
let pending = null;   // GET /config/confirm, with the local deadline
let tick = null;
let poll = null;

function slot() { return document.getElementById('banner'); }

function draw() {
  const el = slot();
  if (!pending) return;
  const left = Math.max(0, Math.round((pending.until - Date.now()) / 1000));
  const mm = Math.floor(left / 60), ss = String(left % 60).padStart(2, '0');
  const text = el.querySelector('.countdown');
  if (text) { text.textContent = `${mm}:${ss}`; return; }
  clear(el, h('div.banner.warn#confirm-banner', { role: 'region',
    'aria-label': 'Change waiting for confirmation' },
  h('span.banner-icon', { 'aria-hidden': 'true' }, '⏱'),
  h('span', `Version ${pending.version} rolls back to version `,
    `${pending.version_before} unless confirmed in `,
    h('strong.countdown', { 'aria-live': 'off' }, `${mm}:${ss}`), '.'),
  can('operator') ? h('button.primary#confirm-btn', { type: 'button',
    onclick: confirmNow }, 'Confirm change') : null));
}

async function confirmNow() {
  try {
    await api.post('config/confirm', {});
    toast(`Version ${pending.version} confirmed.`, 'ok');
    pending = null;
    clear(slot());
    clearInterval(tick);
  } catch (e) {
    toast(e.message, 'error');
  }
  refresh();
}

function rolledBack(p) {
  clearInterval(tick);
  clear(slot(), h('div.banner.error#rollback-banner', { role: 'alert' },
    h('span.banner-icon', { 'aria-hidden': 'true' }, '↺'),
    h('span', `Version ${p.version} was not confirmed in time: the `,
      `configuration rolled back to version ${p.version_before}.`),
    h('button', { type: 'button', onclick: () => clear(slot()) },
      'Dismiss')));
  document.dispatchEvent(new CustomEvent('mgmtd:commit'));
}

export async function refresh() {
  let p;
  try { p = await api.get('config/confirm'); } catch { return; }
  if (p.pending) {
    const was = pending;
    pending = { ...p, until: Date.now() + p.remaining * 1000 };
    if (!was || was.version !== p.version) clear(slot());
    draw();
    clearInterval(tick);
    tick = setInterval(draw, 1000);
  } else if (pending) {
    const p0 = pending;
    pending = null;
    // Gone without our Confirm: confirmed elsewhere, or rolled back.
    const v = await api.get('config/versions').catch(() => null);
    const cur = v && v.current;
    if (cur !== undefined && cur !== p0.version) rolledBack(p0);
    else { clear(slot()); clearInterval(tick); }
  }
}

export function startConfirmWatch() {
  refresh();
  poll = setInterval(refresh, POLL_MS);
  document.addEventListener('mgmtd:commit', refresh);
}

export function stopConfirmWatch() {
  clearInterval(poll);
  clearInterval(tick);
  pending = null;
  document.removeEventListener('mgmtd:commit', refresh);
}
