// logs.js: the event and command journals with filters and live updates
// (the app's event stream), and the other logs with follow.
import * as api from './api.js';
import { h, clear, label } from './dom.js';
import * as f from './format.js';
import { state } from './state.js';

const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice',
  'info', 'debug'];
const MAX_ROWS = 1000;

function head(title, lead) {
  return h('header.page-head', h('div', h('p.crumb', 'Logs'), h('h1', title),
    lead ? h('p.lead', lead) : null));
}

function select(id, labelText, options, onchange) {
  const s = h('select', { id, onchange }, options.map(([v, t]) =>
    h('option', { value: v }, t)));
  return [h('label', { for: id }, labelText), s];
}

export async function logsIndexView(_params, main) {
  main.append(head('Logs', 'What happened, and who did what.'));
  const cards = [
    ['#/logs/events', 'Events', 'Warnings and notices of the daemon and plugins, live.'],
    ['#/logs/commands', 'Commands', 'Every change and action, by whom, through which interface.'],
  ];
  const r = await api.get('logs').catch(() => null);
  for (const l of (r && (r.items || r.logs)) || [])
    cards.push([`#/logs/file/${encodeURIComponent(l.name)}`, l.name,
      `${l.description || l.path || ''} · ${f.size(l.size)}`]);
  main.append(h('div.cards', cards.map(([href, t, d]) =>
    h('a.card.link-card', { href }, h('h2', t), h('p.muted', d)))));
  return null;
}

export async function eventsView(_params, main) {
  const plugins = (state.schema ? state.schema.plugins : []).map((p) => p.name);
  let sev = '';
  let plugin = '';
  let text = '';
  let rows = [];
  let paused = false;
  const body = h('tbody');
  const live = h('span.live', { 'aria-live': 'polite' }, 'Live');
  const filterIn = h('input#ev-text', { type: 'search', placeholder: 'Text…',
    oninput: () => { text = filterIn.value.toLowerCase(); draw(); } });
  const pause = h('button', { type: 'button', 'aria-pressed': 'false',
    onclick: () => {
      paused = !paused;
      pause.setAttribute('aria-pressed', String(paused));
      pause.textContent = paused ? 'Resume' : 'Pause';
      live.textContent = paused ? 'Paused' : 'Live';
      if (!paused) draw();
    } }, 'Pause');
  const matches = (e) => (!sev || SEVERITIES.indexOf(e.severity) <=
    SEVERITIES.indexOf(sev)) && (!plugin || e.plugin === plugin) &&
    (!text || `${e.plugin} ${e.object} ${e.message}`.toLowerCase()
      .includes(text));
  function draw() {
    const list = rows.filter(matches);
    clear(body, list.length ? list.slice(-MAX_ROWS).reverse().map((e) =>
      h('tr.sev-' + e.severity, h('td.nowrap', f.time(e.time)),
        h('td', h('span.sev', e.severity)), h('td', e.plugin),
        h('td', e.object), h('td.msg', e.message)))
      : h('tr', h('td.empty', { colspan: 5 }, 'No events match.')));
  }
  async function load() {
    const r = await api.get('events', { severity: sev, plugin, limit: 500 });
    // The journal answers newest first; rows are kept oldest first.
    rows = (r.items || []).slice().reverse();
    draw();
  }
  main.append(head('Events', 'Live: new events appear at the top.'),
    h('section.card', h('div.filters',
      select('ev-sev', 'Severity at least', [['', 'Any'],
        ...SEVERITIES.map((s) => [s, s])], (ev) => { sev = ev.target.value; load(); }),
      select('ev-plugin', 'Plugin', [['', 'Any'], ['mgmtd', 'mgmtd'],
        ...plugins.map((p) => [p, p])], (ev) => { plugin = ev.target.value; load(); }),
      h('label', { for: 'ev-text' }, 'Text'), filterIn, pause, live),
    h('div.table-scroll', h('table.data.log#events',
      h('thead', h('tr', ['Time', 'Severity', 'Plugin', 'Object', 'Message']
        .map((t) => h('th', { scope: 'col' }, t)))), body))));
  await load();
  const onEvent = (ev) => {
    rows.push(ev.detail);
    if (rows.length > 5 * MAX_ROWS) rows = rows.slice(-MAX_ROWS);
    if (!paused) draw();
  };
  document.addEventListener('mgmtd:event', onEvent);
  return () => document.removeEventListener('mgmtd:event', onEvent);
}

export async function commandsView(_params, main) {
  let user = '';
  const body = h('tbody');
  const userIn = h('input#cmd-user', { type: 'search', placeholder: 'User',
    onchange: () => { user = userIn.value.trim(); load(); } });
  async function load() {
    const r = await api.get('commands', { user, limit: 500 });
    const items = r.items || []; // newest first
    clear(body, items.length ? items.map((c) => h('tr',
      h('td.nowrap', f.time(c.time)), h('td', c.user),
      h('td', c.interface || c.source), h('td.msg', c.change),
      h('td', h('span.tag' + (/^ok/.test(c.result) ? '.good' : '.bad'),
        c.result)), h('td', c.version ? `v${c.version}` : '')))
      : h('tr', h('td.empty', { colspan: 6 }, 'No commands match.')));
  }
  main.append(head('Commands', 'Changes and actions, newest first; ' +
    'updated on every commit.'),
  h('section.card', h('div.filters', h('label', { for: 'cmd-user' }, 'User'),
    userIn), h('div.table-scroll', h('table.data.log#commands',
    h('thead', h('tr', ['Time', 'User', 'Interface', 'Command', 'Result',
      'Version'].map((t) => h('th', { scope: 'col' }, t)))), body))));
  await load();
  const onCommit = () => load().catch(() => {});
  document.addEventListener('mgmtd:commit', onCommit);
  document.addEventListener('mgmtd:event', onCommit);
  return () => {
    document.removeEventListener('mgmtd:commit', onCommit);
    document.removeEventListener('mgmtd:event', onCommit);
  };
}

export async function fileLogView({ name }, main) {
  let grep = '';
  let close = null;
  const pre = h('pre.logtext#logtext', { tabindex: 0 });
  const grepIn = h('input#log-grep', { type: 'search', placeholder: 'grep',
    onchange: () => { grep = grepIn.value; load(); } });
  const follow = h('input#log-follow', { type: 'checkbox', checked: true,
    onchange: () => setFollow(follow.checked) });
  const add = (lines) => {
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    for (const l of lines) {
      if (grep && !l.text.includes(grep)) continue;
      pre.append(h('span.line', l.time ? h('span.muted', f.time(l.time) + ' ')
        : null, l.text), '\n');
    }
    while (pre.childNodes.length > 4 * MAX_ROWS) pre.firstChild.remove();
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  };
  function setFollow(on) {
    if (close) { close(); close = null; }
    if (on)
      close = api.stream(`${api.API}/logs/${encodeURIComponent(name)}/follow`, {
        message: (d) => add(Array.isArray(d.lines) ? d.lines : [d]),
        line: (d) => add([d]) });
  }
  async function load() {
    clear(pre);
    try {
      const r = await api.get(`logs/${encodeURIComponent(name)}`,
        { grep, lines: 500 });
      add(r.lines || []);
    } catch (e) { pre.textContent = e.message; }
  }
  main.append(head(label(name)), h('section.card', h('div.filters',
    h('label', { for: 'log-grep' }, 'Lines containing'), grepIn,
    h('label.check', follow, ' Follow')), pre));
  await load();
  setFollow(true);
  return () => { if (close) close(); };
}
