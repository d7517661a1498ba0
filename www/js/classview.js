// classview.js: one class of the schema: a table (collections) or a
// settings card (singletons), create/edit forms, delete with
// confirmation, actions as buttons, state refreshed live.
import * as api from './api.js';
import { h, clear, label, singular, toast, confirmDialog } from './dom.js';
import { value as fmt } from './format.js';
import { createTable } from './table.js';
import { openForm } from './form.js';
import { suggestFor } from './suggest.js';
import { findClass, can } from './state.js';

const REFRESH_MS = 5000;
const MAX_CONFIG_COLS = 6;
const MAX_STATE_COLS = 4;

function writeQuery(confirm) {
  return confirm ? { confirm_timeout: confirm } : undefined;
}

function refused(e) {
  toast(e.status === 403 ? 'Your role may not do that.' : e.message, 'error');
}

// Buttons for the class's actions on one object (key) or the singleton.
function actionButtons(c, key, reload) {
  return (c.actions || []).filter((act) => can(act.role)).map((act) =>
    h('button.small', { type: 'button', title: act.description,
      'data-action': act.name, onclick: () => runAction(c, act, key, reload) },
    label(act.name)));
}

async function runAction(c, act, key, reload) {
  const path = (key === undefined ? api.classPath(c.plugin, c.name)
    : api.classPath(c.plugin, c.name, key)) + '/' + act.name;
  const run = async (body) => {
    const r = await api.post(path, body);
    toast(`${label(act.name)}: ${r && r.result ? r.result : 'done'}`, 'ok');
    reload();
  };
  if (act.params && act.params.length) {
    await openForm({ title: `${label(act.name)}${key ? ' ' + key : ''}`,
      attrs: act.params, isNew: true, plugin: c.plugin, cls: c.name,
      submitLabel: label(act.name), allowConfirm: false,
      submit: (body) => run(body) });
    return;
  }
  try { await run({}); } catch (e) { refused(e); }
}

function columnsOf(c) {
  const cfg = c.attributes.filter((a) => a.access === 'config' && !a.key &&
    a.type !== 'secret' && !a.advanced).slice(0, MAX_CONFIG_COLS);
  const st = c.attributes.filter((a) => a.access === 'state' && !a.key)
    .slice(0, MAX_STATE_COLS);
  const key = c.attributes.find((a) => a.key);
  return [key, ...cfg, ...st].filter(Boolean).map((a) => ({
    name: a.name, label: label(a.name), attr: a, state: a.access === 'state',
  }));
}

function header(c, extra) {
  return h('header.page-head',
    h('div', h('p.crumb', label(c.plugin)), h('h1', label(c.name)),
      c.description ? h('p.lead', c.description) : null),
    h('div.head-actions', extra));
}

async function collectionView(c, main) {
  const writable = c.writable && can('operator');
  const key = c.key;
  let table;
  const load = async () => {
    const r = await api.get(api.classPath(c.plugin, c.name),
      { limit: 1000000 });
    table.setRows(r.items || []);
  };
  const reload = () => load().catch(refused);
  const suggest = suggestFor(c);
  const edit = (row) => openForm({ title: `Edit ${row[key]}`, suggest,
    attrs: c.attributes, object: row, isNew: false, plugin: c.plugin,
    cls: c.name, submit: (body, confirm) => api.patch(
      api.classPath(c.plugin, c.name, row[key]), body, writeQuery(confirm)),
  }).then((ok) => { if (ok) { toast(`Saved ${row[key]}.`, 'ok'); reload(); } });
  const remove = async (row) => {
    if (!await confirmDialog(`Delete ${row[key]}?`,
      `${label(c.name)} “${row[key]}” will be removed. This is a new ` +
      'configuration version; it can be rolled back from the history.'))
      return;
    try {
      await api.del(api.classPath(c.plugin, c.name, row[key]));
      toast(`Deleted ${row[key]}.`, 'ok');
      reload();
    } catch (e) { refused(e); }
  };
  table = createTable({ columns: columnsOf(c), key, caption: label(c.name),
    empty: writable ? 'Nothing here yet: add the first one.' : 'Nothing here.',
    actions: (row) => [
      writable ? h('button.small', { type: 'button', 'data-edit': row[key],
        'aria-label': `Edit ${row[key]}`, onclick: () => edit(row) }, 'Edit')
        : null,
      ...actionButtons(c, row[key], reload),
      writable ? h('button.small.danger-ghost', { type: 'button',
        'data-delete': row[key], 'aria-label': `Delete ${row[key]}`,
        onclick: () => remove(row) }, 'Delete') : null,
    ] });
  const add = writable ? h('button.primary', { type: 'button', id: 'add',
    onclick: () => openForm({ title: `New ${singular(c.name).toLowerCase()}`,
      attrs: c.attributes, isNew: true, plugin: c.plugin, cls: c.name,
      suggest,
      submit: (body, confirm) => api.post(api.classPath(c.plugin, c.name),
        body, writeQuery(confirm)),
    }).then((ok) => { if (ok) { toast('Created.', 'ok'); reload(); } }) },
  `+ Add ${singular(c.name).toLowerCase()}`) : null;
  main.append(header(c, add), h('section.card', table.el));
  await load();
  return reload;
}

async function singletonView(c, main) {
  const writable = c.writable && can('operator');
  let obj = {};
  const body = h('div.kv-wrap');
  const draw = () => {
    const groups = [['Settings', c.attributes.filter((a) =>
      a.access === 'config' && a.type !== 'secret')],
    ['Live state', c.attributes.filter((a) => a.access === 'state')]];
    clear(body, groups.filter(([, l]) => l.length).map(([t, list]) =>
      h('section.card', h('h2', t), h('dl.kv', list.map((a) => [
        h('dt', { title: a.description }, label(a.name),
          a.advanced ? h('span.tag', 'advanced') : null),
        h('dd', { 'data-attr': a.name, class: a.access === 'state'
          ? 'state-col' : null, 'data-v': typeof obj[a.name] === 'string'
          ? obj[a.name] : null }, fmt(obj[a.name], a) ||
          h('span.muted', a.default ? `default: ${a.default}` : 'not set')),
      ])))));
  };
  const load = async () => {
    obj = await api.get(api.classPath(c.plugin, c.name)) || {};
    draw();
  };
  const reload = () => load().catch(refused);
  const editBtn = writable ? h('button.primary', { type: 'button', id: 'edit',
    onclick: () => openForm({ title: `Edit ${label(c.name)}`,
      attrs: c.attributes, object: obj, isNew: false, plugin: c.plugin,
      cls: c.name, submit: (b, confirm) => api.patch(
        api.classPath(c.plugin, c.name), b, writeQuery(confirm)),
    }).then((ok) => { if (ok) { toast('Saved.', 'ok'); reload(); } }) },
  'Edit settings') : null;
  main.append(header(c, [...actionButtons(c, undefined, reload), editBtn]),
    body);
  await load();
  return reload;
}

export async function classView({ plugin, cls }, main) {
  const c = findClass(plugin, cls);
  if (!c) {
    main.append(h('h1', 'Not found'),
      h('p', `No class ${plugin}/${cls} in this appliance's schema.`));
    return null;
  }
  const reload = await (c.kind === 'collection' ? collectionView(c, main)
    : singletonView(c, main));
  const hasState = c.attributes.some((a) => a.access === 'state');
  const timer = hasState ? setInterval(() => {
    if (!document.querySelector('dialog[open]')) reload();
  }, REFRESH_MS) : null;
  const onCommit = () => reload();
  document.addEventListener('mgmtd:commit', onCommit);
  return () => {
    clearInterval(timer);
    document.removeEventListener('mgmtd:commit', onCommit);
  };
}
