// dom.js: building elements without a framework, and toasts.

// h('button.primary', {onclick}, 'Save'): tag with optional .classes and
// #id, attributes (on* become listeners, booleans toggle), then children
// (strings become text nodes; null and false are skipped).
export function h(spec, attrs, ...children) {
  const m = /^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement((m && m[1]) || 'div');
  for (const part of ((m && m[2]) || '').match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node ||
                Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function')
      el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className += ' ' + v;
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A short message in the corner; errors stay until dismissed.
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const t = h('div.toast.' + kind, { role: kind === 'error' ? 'alert' : null },
    h('span', message),
    h('button.icon', { 'aria-label': 'Dismiss', onclick: () => t.remove() },
      '×'));
  box.append(t);
  if (kind !== 'error') setTimeout(() => t.remove(), 5000);
}

const FOCUSABLE = 'a[href], button, input, select, textarea, ' +
  '[tabindex]:not([tabindex="-1"])';

// What Tab can reach in el, in order: enabled and laid out.
function focusables(el) {
  return [...el.querySelectorAll(FOCUSABLE)].filter((e) => !e.disabled &&
    e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden');
}

// Tab and Shift+Tab wrap around inside the dialog: a native modal dialog
// makes the page inert but lets focus leave for the browser's own UI.
function trapFocus(dlg, ev) {
  if (ev.key !== 'Tab') return;
  const list = focusables(dlg);
  if (!list.length) return;
  const first = list[0], last = list[list.length - 1];
  const at = document.activeElement;
  if (ev.shiftKey ? at === first || !dlg.contains(at) : at === last) {
    ev.preventDefault();
    (ev.shiftKey ? last : first).focus();
  }
}

// A modal dialog; resolves with what the dialog's close gives back.  body
// receives the dialog so it can close it.  Escape cancels (native).  Focus
// stays inside while it is open and goes back to what opened it (or to
// the main region, when a refresh replaced that) once it is closed.
export function modal(title, build, { wide = false } = {}) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const dlg = h('dialog.modal' + (wide ? '.wide' : ''),
      { 'aria-labelledby': 'modal-title',
        onkeydown: (ev) => trapFocus(dlg, ev) });
    const done = (v) => { dlg.close(); resolve(v); };
    dlg.append(h('header.modal-head', h('h2#modal-title', title),
      h('button.icon', { type: 'button', 'aria-label': 'Close',
        onclick: () => done(undefined) }, '×')));
    dlg.append(build(done));
    dlg.addEventListener('cancel', () => resolve(undefined));
    dlg.addEventListener('close', () => {
      dlg.remove();
      const back = opener && opener !== document.body && opener.isConnected
        ? opener : document.getElementById('main');
      if (back) back.focus({ preventScroll: opener === back });
    });
    document.body.append(dlg);
    dlg.showModal();
    const first = dlg.querySelector(
      'input:not([type=hidden]):not([disabled]), select, textarea, ' +
      '.modal-body button');
    if (first) first.focus();
  });
}

export function confirmDialog(title, text, okLabel = 'Delete',
                              danger = true) {
  return modal(title, (done) => h('div.modal-body',
    h('p', text),
    h('div.actions',
      h('button', { type: 'button', onclick: () => done(false) }, 'Cancel'),
      h('button' + (danger ? '.danger' : '.primary'),
        { type: 'button', onclick: () => done(true) }, okLabel))))
    .then((v) => v === true);
}

// "Shares" -> "Share", for "New share" (class names are plural).
export function singular(name) {
  const s = label(name);
  if (/ies$/.test(s)) return s.slice(0, -3) + 'y';
  if (/(ss|us)$/.test(s)) return s;
  if (/(ses|xes)$/.test(s)) return s.slice(0, -2);
  return s.replace(/s$/, '');
}

// Humanise snake_case for labels: "valid_users" -> "Valid users".
export function label(name) {
  const s = String(name).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
