// logs.js: the event and command journals with filters and live updates
// (the app's event stream), and the other logs with follow.
import * as api from './api.js';
import { h, clear, label, toast } from './dom.js';
import * as f from './format.js';
import { state, can } from './state.js';

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

// A box that may scroll sideways holds no control of its own here: it
// takes the focus itself so that the keyboard can scroll it.
function scrollable(name) {
  return { tabindex: 0, role: 'region', 'aria-label': name };
}

// Every log and the journals as one archive, for a support case (admin).
function exportLink() {
  return h('a.button#logs-export', { href: `${api.API}/logs/export`,
    download: 'mgmtd-logs.tar.gz', title: 'Every log, the event and ' +
    'command journals and a manifest, as one .tar.gz' }, 'Export all logs');
}

export async function logsIndexView(_params, main) {
  main.append(h('header.page-head', h('div', h('p.crumb', 'Logs'),
    h('h1', 'Logs'), h('p.lead', 'What happened, and who did what.')),
  can('admin') ? h('div.head-actions', exportLink()) : null));
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
    h('div.table-scroll', scrollable('Events'), h('table.data.log#events',
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
    userIn), h('div.table-scroll', scrollable('Commands'),
    h('table.data.log#commands',
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

// A line of a log, with what grep matched marked (any case, as the
// server matches).
function logLine(l, grep) {
  const attrs = { title: l.time ? f.time(l.time) : null };
  if (!grep) return h('span.line', attrs, l.text);
  const parts = [];
  const low = l.text.toLowerCase(), g = grep.toLowerCase();
  let at = 0;
  for (let i = low.indexOf(g); i >= 0 && g; i = low.indexOf(g, at)) {
    parts.push(l.text.slice(at, i), h('mark', l.text.slice(i, i + g.length)));
    at = i + g.length;
  }
  parts.push(l.text.slice(at));
  return h('span.line', attrs, parts);
}

const PAGE_LINES = 500;
const epoch = (input) => (input.value ? Math.floor(Date.parse(input.value)
  / 1000) : '');

export async function fileLogView({ name }, main) {
  const path = `logs/${encodeURIComponent(name)}`;
  let close = null;
  let start = 0;   // where the oldest entry shown starts (0: the first)
  let cursor = -1; // where the newest read ended: follow goes on there
  let query = {};
  let seq = 0;
  const pre = h('pre.logtext#logtext', { tabindex: 0,
    'aria-label': `${name} log` });
  const status = h('span.muted#log-status', { 'aria-live': 'polite' });
  const grepIn = h('input#log-grep', { type: 'search',
    placeholder: 'Text, any case', onchange: () => load() });
  const sinceIn = h('input#log-since', { type: 'datetime-local',
    onchange: () => load() });
  const untilIn = h('input#log-until', { type: 'datetime-local',
    onchange: () => load() });
  const follow = h('input#log-follow', { type: 'checkbox', checked: true,
    onchange: () => setFollow() });
  const older = h('button.small#log-older', { type: 'button', hidden: true,
    onclick: () => loadOlder() }, 'Load older');
  const clearBtn = h('button.small#log-clear', { type: 'button',
    onclick: () => {
      grepIn.value = sinceIn.value = untilIn.value = '';
      load();
    } }, 'Clear filters');
  const count = () => pre.querySelectorAll('.line').length;
  const say = () => {
    const n = count();
    status.textContent = (n ? `${n} ${n === 1 ? 'line' : 'lines'}`
      : 'No lines match') +
      (start > 0 ? '; older ones above' : '') +
      (close ? ' · following' : '');
  };
  const lines = (list) => list.flatMap((l) => [logLine(l, query.grep), '\n']);
  const add = (list) => {
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.append(...lines(list));
    // Following for long: the oldest go, and where they began is lost.
    while (pre.childNodes.length > 8 * MAX_ROWS) {
      pre.firstChild.remove();
      start = 0;
    }
    if (atEnd) pre.scrollTop = pre.scrollHeight;
    older.hidden = start <= 0;
    say();
  };
  function setFollow() {
    if (close) { close(); close = null; }
    const live = follow.checked && !query.until && cursor >= 0;
    follow.disabled = !!query.until;
    if (live) {
      const q = new URLSearchParams({ cursor });
      if (query.grep) q.set('grep', query.grep);
      close = api.stream(`${api.API}/${path}/follow?${q}`, {
        line: (d) => add([d]),
        rotated: () => add([{ text: '— the log was rotated —' }]),
        truncated: () => add([{ text: '— the log was truncated —' }]),
      });
    }
    say();
  }
  async function load() {
    const my = ++seq;
    query = { grep: grepIn.value, since: epoch(sinceIn),
      until: epoch(untilIn) };
    try {
      const r = await api.get(path, { ...query, lines: PAGE_LINES });
      if (my !== seq) return;
      clear(pre);
      start = r.start || 0;
      cursor = r.cursor;
      add(r.lines || []);
      pre.scrollTop = pre.scrollHeight;
    } catch (e) {
      if (my !== seq) return;
      clear(pre, e.message);
      cursor = -1;
    }
    setFollow();
  }
  async function loadOlder() {
    const my = seq;
    older.disabled = true;
    try {
      const r = await api.get(path, { ...query, lines: PAGE_LINES,
        before: start });
      if (my !== seq) return;
      const got = r.lines || [];
      const h0 = pre.scrollHeight;
      pre.prepend(...lines(got));
      // Keep what was on screen where it was.
      pre.scrollTop += pre.scrollHeight - h0;
      start = got.length && !r.reset ? r.start : 0;
      older.hidden = start <= 0;
      say();
    } catch (e) { toast(e.message, 'error'); } finally {
      older.disabled = false;
    }
  }
  main.append(head(label(name), 'Newest at the bottom. Filters run on the ' +
    'server; the file is never loaded whole.'),
  h('section.card', h('div.filters',
    h('label', { for: 'log-grep' }, 'Lines containing'), grepIn,
    h('label', { for: 'log-since' }, 'From'), sinceIn,
    h('label', { for: 'log-until' }, 'to'), untilIn, clearBtn,
    h('label.check', follow, ' Follow'), can('admin') ? exportLink() : null),
  h('div.log-tools', older, status), pre));
  await load();
  return () => { if (close) close(); };
}
