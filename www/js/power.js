// power.js: reboot and shutdown (the system plugin's power singleton):
// admin-only buttons that ask for the host name (or a tick) and an
// optional delay, the pending request with its countdown, and Cancel.
import * as api from './api.js';
import { h, clear, modal, toast } from './dom.js';
import * as f from './format.js';
import { can, findClass } from './state.js';

const REFRESH_MS = 5000;
const DELAYS = [['0', 'Now'], ['1m', 'In 1 minute'], ['5m', 'In 5 minutes'],
  ['15m', 'In 15 minutes'], ['1h', 'In 1 hour'], ['custom', 'Other delay…']];
const DURATION = /^(\d+[smhdw]?)+$/i;

const WHAT = {
  reboot: { title: 'Reboot', verb: 'restart', button: 'Reboot…' },
  shutdown: { title: 'Shut down', verb: 'power off', button: 'Shut down…' },
};

async function hostName() {
  if (!findClass('dns', 'settings')) return '';
  const s = await api.get('dns/settings').catch(() => null);
  return (s && (s.current_hostname || s.hostname)) || '';
}

// The dialog: resolves true once the request was accepted.
function ask(what, host, dryRun) {
  const w = WHAT[what];
  return modal(`${w.title} ${host || 'the appliance'}?`, (done) => {
    const delaySel = h('select#pw-delay', DELAYS.map(([v, t]) =>
      h('option', { value: v }, t)));
    const delayIn = h('input#pw-delay-custom', { type: 'text',
      placeholder: '90, 10m, 2h', hidden: true, spellcheck: false,
      'aria-label': 'Delay' });
    const confirmIn = host ? h('input#pw-confirm', { type: 'text',
      autocomplete: 'off', spellcheck: false,
      'aria-describedby': 'pw-confirm-help' })
      : h('input#pw-confirm', { type: 'checkbox' });
    const err = h('div.form-error#pw-error', { role: 'alert', hidden: true });
    const go = h('button.danger#pw-go', { type: 'submit', disabled: true },
      w.title);
    const ok = () => (host ? confirmIn.value.trim() === host
      : confirmIn.checked);
    const refresh = () => { go.disabled = !ok(); };
    delaySel.addEventListener('change', () => {
      delayIn.hidden = delaySel.value !== 'custom';
      if (!delayIn.hidden) delayIn.focus();
    });
    confirmIn.addEventListener('input', refresh);
    confirmIn.addEventListener('change', refresh);
    const form = h('form', { novalidate: true }, h('p',
      `This will ${w.verb} the appliance: every share, export and ` +
      'session goes away until it is back.'),
    dryRun ? h('p.notice', 'Sandbox: the request only raises an event ' +
      '(power_dry_run).') : null,
    h('div.field', h('label', { for: 'pw-delay' }, 'When'),
      h('div.inline', delaySel, delayIn),
      h('div.help', 'A delayed request can be cancelled until it runs.')),
    host ? h('div.field', h('label', { for: 'pw-confirm' },
      'Type the host name, ', h('code', host), ', to confirm'), confirmIn,
    h('div.help#pw-confirm-help', 'So that the right machine goes down.'))
      : h('div.field', h('label.check', { for: 'pw-confirm' }, confirmIn,
        ` Yes, ${w.verb} the appliance`)),
    err, h('div.actions', h('button', { type: 'button',
      onclick: () => done(false) }, 'Cancel'), go));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!ok()) return;
      const delay = delaySel.value === 'custom' ? delayIn.value.trim()
        : delaySel.value;
      if (!DURATION.test(delay)) {
        err.textContent = 'A delay: 90 (seconds), 10m, 2h.';
        err.hidden = false;
        delayIn.setAttribute('aria-invalid', '');
        return;
      }
      go.disabled = true;
      try {
        await api.post(`system/power/${what}`, { confirm: true,
          delay: delay === '0' ? undefined : delay });
        done(true);
      } catch (e) {
        err.textContent = e.status === 403 ? 'Only an admin may do that.'
          : e.message;
        err.hidden = false;
        go.disabled = false;
      }
    });
    return h('div.modal-body', form);
  }).then((v) => v === true);
}

// The IEC power symbol (system fonts may lack U+23FB).
function powerIcon() {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'power-icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', 'M12 3v9M6.3 6.3a8 8 0 1 0 11.4 0');
  svg.append(path);
  return svg;
}

function countdown(at) {
  const s = Math.max(0, Math.round(Date.parse(at) / 1000 - Date.now() / 1000));
  const hh = Math.floor(s / 3600), mm = Math.floor(s / 60) % 60;
  const two = (n) => String(n).padStart(2, '0');
  return hh ? `${hh}:${two(mm)}:${two(s % 60)}` : `${mm}:${two(s % 60)}`;
}

export async function powerView(_params, main) {
  const admin = can('admin');
  const c = findClass('system', 'power');
  let st = {};
  let host = '';
  let tick = null;
  const pendingEl = h('div#power-pending');
  const load = async () => {
    st = await api.get('system/power') || {};
    draw();
  };
  const reload = () => load().catch((e) => toast(e.message, 'error'));
  const request = async (what) => {
    if (await ask(what, host, st.dry_run)) {
      toast(`${WHAT[what].title} requested.`, 'ok');
      reload();
    }
  };
  const cancel = async () => {
    try {
      await api.post('system/power/cancel', {});
      toast(`The pending ${st.pending} was cancelled.`, 'ok');
    } catch (e) { toast(e.message, 'error'); }
    reload();
  };
  function draw() {
    clearInterval(tick);
    tick = null;
    const p = st.pending && st.pending !== 'none' ? st.pending : null;
    // One request at a time: the server refuses a second.
    for (const b of main.querySelectorAll('.power-actions button')) {
      b.disabled = !!p;
      b.title = p ? `Cancel the pending ${p} first` : '';
    }
    if (!p) {
      clear(pendingEl, h('section.card.power-idle', h('h2', 'Scheduled'),
        h('p.muted#power-none', 'No reboot or shutdown is pending.')));
      return;
    }
    const left = h('span.countdown#power-countdown', countdown(st.scheduled_at));
    tick = setInterval(() => { left.textContent = countdown(st.scheduled_at); },
      1000);
    clear(pendingEl, h('section.card.power-pending', { 'data-pending': p },
      h('div.power-row', powerIcon(),
        h('div.power-text',
          h('h2', `${WHAT[p] ? WHAT[p].title : p} in `, left),
          h('p.muted', `At ${f.time(Date.parse(st.scheduled_at) / 1000)}, ` +
            `requested by ${st.requested_by || '?'} at ` +
            `${f.time(Date.parse(st.requested_at) / 1000)}.`)),
        admin ? h('button.primary#power-cancel', { type: 'button',
          onclick: cancel }, 'Cancel it') : null)));
  }
  const buttons = admin ? h('div.power-actions',
    h('button.danger-ghost#power-reboot', { type: 'button',
      onclick: () => request('reboot') }, WHAT.reboot.button),
    h('button.danger#power-shutdown', { type: 'button',
      onclick: () => request('shutdown') }, WHAT.shutdown.button))
    : h('p.muted#power-not-admin', 'Only administrators can reboot or ' +
      'shut down the appliance.');
  main.append(h('header.page-head', h('div', h('p.crumb', 'System'),
    h('h1', 'Power'), h('p.lead', (c && c.description) ||
      'Reboot and shutdown'))),
  pendingEl,
  h('section.card', h('h2', 'Reboot or shut down'),
    h('p.muted', 'Admins only. You will be asked to confirm, and can ' +
      'delay the request so that users can be warned.'), buttons));
  [host] = await Promise.all([hostName(), load()]);
  const timer = setInterval(() => {
    if (!document.querySelector('dialog[open]')) reload();
  }, REFRESH_MS);
  const onEvent = (ev) => {
    if ((ev.detail && String(ev.detail.object || '')).startsWith('system.power'))
      reload();
  };
  document.addEventListener('mgmtd:event', onEvent);
  return () => {
    clearInterval(timer);
    clearInterval(tick);
    document.removeEventListener('mgmtd:event', onEvent);
  };
}
