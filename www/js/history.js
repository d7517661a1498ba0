// history.js: the configuration's versions, the diff of each against the
// one before, and rollback in one click (with a confirmation).
import * as api from './api.js';
import { h, clear, toast, confirmDialog } from './dom.js';
import * as f from './format.js';
import { can } from './state.js';

function show(v) {
  if (v === undefined) return '';
  return typeof v === 'object' && v !== null
    ? JSON.stringify(v).replace(/,"/g, ', "').replace(/":/g, '": ')
    : String(v);
}

function diffView(d) {
  const changes = d.changes || [];
  if (!changes.length) return h('p.muted', 'No change to the configuration.');
  return h('ul.diff', changes.map((c) => h('li.diff-' + c.op,
    h('span.diff-op', { 'aria-label': c.op },
      c.op === 'add' ? '+' : c.op === 'remove' ? '−' : '~'),
    h('code.diff-path', c.path),
    c.op === 'change' ? [h('del', show(c.old)), h('span.arrow', ' → '),
      h('ins', show(c.new))]
      : c.op === 'add' ? h('ins', show(c.new)) : h('del', show(c.old)))));
}

export async function historyView(_params, main) {
  const list = h('ol.versions#versions', { reversed: true });
  const detail = h('section.card.version-detail#version-detail',
    { 'aria-live': 'polite' }, h('p.muted', 'Select a version.'));
  main.append(h('header.page-head', h('div', h('p.crumb', 'System'),
    h('h1', 'Configuration history'),
    h('p.lead', 'Every change is a version. Roll back to any of them: ' +
      'the rollback is itself a new version.'))),
  h('div.history', h('section.card.version-list', list), detail));
  let current = 0;
  let selected = null;

  async function select(v) {
    selected = v.version;
    for (const li of list.children)
      li.classList.toggle('selected', li.dataset.version === String(v.version));
    clear(detail, h('p.muted', 'Loading…'));
    const d = await api.get('config/diff', { from: v.version - 1,
      to: v.version }).catch((e) => ({ error: e.message }));
    clear(detail,
      h('div.detail-head', h('div', h('h2', `Version ${v.version}`),
        h('p.muted', `${f.time(v.time)} · ${v.user || '?'} via ` +
          `${v.interface || v.source || '?'}`),
        v.summary ? h('p', v.summary) : null),
      can('operator') && v.version !== current ? h('button.primary',
        { type: 'button', id: 'rollback', onclick: () => rollback(v) },
        `Roll back to v${v.version}`) : v.version === current
        ? h('span.tag.good', 'current') : null),
      h('h3', `Changes from v${v.version - 1}`),
      d.error ? h('p.form-error', d.error) : diffView(d));
  }

  async function rollback(v) {
    if (!await confirmDialog(`Roll back to version ${v.version}?`,
      `The configuration becomes what it was in version ${v.version}, as a ` +
      `new version after ${current}.`, 'Roll back', false)) return;
    try {
      const r = await api.post('config/rollback', { version: v.version });
      toast(`Rolled back: now version ${r.version}.`, 'ok');
      await load();
    } catch (e) { toast(e.message, 'error'); }
  }

  async function load() {
    const r = await api.get('config/versions');
    current = r.current;
    const items = r.items || []; // newest first, as the API lists them
    clear(list, items.map((v) => h('li', { 'data-version': v.version },
      h('button.version', { type: 'button', onclick: () => select(v) },
        h('span.v', `v${v.version}`),
        v.version === current ? h('span.tag.good', 'current') : null,
        h('span.summary', v.summary || '(no summary)'),
        h('span.muted', `${f.ago(v.time)} · ${v.user || '?'}`)))));
    const pick = items.find((v) => v.version === selected) || items[0];
    if (pick) await select(pick);
  }
  await load();
  const onCommit = () => load();
  document.addEventListener('mgmtd:commit', onCommit);
  return () => document.removeEventListener('mgmtd:commit', onCommit);
}
