// dashboard.js: health at a glance: services, recent warnings, graphs from
// the metrics API, the configuration's version and last change.
import * as api from './api.js';
import { h, clear } from './dom.js';
import * as f from './format.js';
import { lineChart } from './chart.js';
import { findClass } from './state.js';

const REFRESH_MS = 10000;
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#db2777'];

// A graph: metric series ids (plugin/class/key/attr) and how to read them.
function graphs(state) {
  const out = [];
  if (findClass('status', 'cpus'))
    out.push({ title: 'CPU busy', unit: (v) => `${(v / 100).toFixed(0)} %`,
      series: [['status/cpus/total/busy', 'busy']] });
  if (findClass('status', 'memory'))
    out.push({ title: 'Memory used', unit: f.size,
      series: [['status/memory/_/used', 'used']] });
  const vol = state.volume;
  if (vol)
    out.push({ title: `Space used on ${vol}`, unit: f.size,
      series: [[`status/volumes/${encodeURIComponent(vol)}/used`, 'used']] });
  const nic = state.nic;
  if (nic)
    out.push({ title: `Network ${nic}`, unit: (v) => f.size(v) + '/s',
      series: [[`status/interfaces/${encodeURIComponent(nic)}/rx_rate`, 'in'],
        [`status/interfaces/${encodeURIComponent(nic)}/tx_rate`, 'out']] });
  return out;
}

// Samples taken in the browser while the metrics API has none yet.
const live = new Map();
function sample(id, v) {
  if (v === undefined || v === null) return;
  const list = live.get(id) || [];
  list.push([Date.now() / 1000, v]);
  if (list.length > 360) list.shift();
  live.set(id, list);
}

async function points(id) {
  try {
    const r = await api.get(`metrics/${id}`, { start: '-1h' });
    const pts = (r.points || []);
    if (pts.some((p) => p[1] !== null)) return { pts, src: 'metrics' };
  } catch { /* not there (yet): the browser's own samples */ }
  return { pts: live.get(id) || [], src: 'live' };
}

async function liveState() {
  const st = {};
  const get = (p) => api.get(p).catch(() => null);
  const [cpus, mem, vols, nics] = await Promise.all([
    findClass('status', 'cpus') ? get('status/cpus') : null,
    findClass('status', 'memory') ? get('status/memory') : null,
    findClass('status', 'volumes') ? get('status/volumes') : null,
    findClass('status', 'interfaces') ? get('status/interfaces') : null]);
  const total = cpus && (cpus.items || []).find((c) => c.name === 'total');
  if (total) sample('status/cpus/total/busy', total.busy);
  if (mem) { sample('status/memory/_/used', mem.used); st.memory = mem; }
  const vl = (vols && vols.items) || [];
  const v = vl.find((x) => x.mount_point === '/') || vl[0];
  if (v) {
    st.volume = v.mount_point;
    sample(`status/volumes/${encodeURIComponent(v.mount_point)}/used`, v.used);
  }
  const nl = (nics && nics.items) || [];
  // The busiest interface that is up, else any but loopback.
  const up = nl.filter((x) => x.name !== 'lo' && x.oper_state === 'up')
    .sort((a, b) => (b.rx_bytes || 0) - (a.rx_bytes || 0));
  const n = up[0] || nl.find((x) => x.name !== 'lo') || nl[0];
  if (n) {
    st.nic = n.name;
    const k = encodeURIComponent(n.name);
    sample(`status/interfaces/${k}/rx_rate`, n.rx_rate);
    sample(`status/interfaces/${k}/tx_rate`, n.tx_rate);
  }
  return st;
}

// An alert's value in the watched attribute's units ("status.host" and
// "load_1" -> hundredths -> "3.51").
function alertValue(al, v) {
  const m = /^([\w-]+)\.([\w-]+)/.exec(al.object || '');
  const c = m && findClass(m[1], m[2]);
  const a = c && c.attributes.find((x) => x.name === al.attribute);
  if (!a) return String(v);
  const s = f.scaled(v, a.units);
  return a.metric === 'counter' ? `${s}/s` : s;
}

const SEV_RANK = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice',
  'info'];

function alertsCard(alerts) {
  const list = alerts.slice().sort((a, b) =>
    SEV_RANK.indexOf(a.severity) - SEV_RANK.indexOf(b.severity) ||
    b.since - a.since);
  return h('section.card.alerts-card', { 'aria-labelledby': 'alerts-title' },
    h('h2#alerts-title', 'Alerts firing'),
    list.length ? h('ul.event-list.alert-list#alerts', list.map((al) =>
      h('li.sev-' + (al.severity === 'error' ? 'err' : al.severity),
        { 'data-alert': al.id, 'data-rule': al.rule },
        h('span.sev', al.severity),
        h('span.msg', h('strong', al.rule), ' ',
          h('span.muted', al.object),
          al.clearing ? h('span.tag.good', 'clearing') : null,
          h('div.alert-what', `${al.attribute} `,
            h('b', alertValue(al, al.value)),
            ` · threshold ${alertValue(al, al.threshold)}`)),
        h('span.when', { title: f.time(al.since) }, f.ago(al.since)))))
      : h('p.muted#alerts-none', 'No threshold is crossed.'),
    h('a.more', { href: '#/c/alerts/thresholds' }, 'Threshold rules →'));
}

function tile(title, big, small, kind = '') {
  return h('div.tile' + (kind ? '.' + kind : ''),
    h('div.tile-title', title), h('div.tile-big', big),
    h('div.tile-small', small));
}

async function drawTiles(el) {
  const get = (p, q) => api.get(p, q).catch(() => null);
  const hasAlerts = !!findClass('alerts', 'active');
  const [svc, warn, ver, host, act] = await Promise.all([
    findClass('system', 'services') ? get('system/services') : null,
    get('events', { severity: 'warning', limit: 50 }),
    get('config/versions'),
    findClass('status', 'host') ? get('status/host') : null,
    hasAlerts ? get('alerts/active', { limit: 1000 }) : null]);
  const alerts = (act && act.items) || [];
  const serious = alerts.filter((a) => SEV_RANK.indexOf(a.severity) <= 3);
  const services = (svc && svc.items) || [];
  const down = services.filter((s) => s.state !== 'running');
  const warnings = (warn && warn.items) || []; // newest first
  const versions = (ver && ver.items) || [];
  // Newest first; the current version is not the newest after a rollback.
  const last = versions.find((v) => ver && v.version === ver.current) ||
    versions[0] || null;
  clear(el,
    h('div.tiles',
      tile('Services', services.length ? `${services.length - down.length}/` +
        `${services.length} up` : '–', down.length
        ? `Down: ${down.map((s) => s.name).join(', ')}` : 'All running',
      down.length ? 'bad' : 'good'),
      tile('Warnings', String(warnings.length), warnings.length
        ? `Latest ${f.ago(warnings[0].time)}` : 'None recorded',
      warnings.length ? 'warn' : 'good'),
      tile('Configuration', ver ? `v${ver.current}` : '–', last
        ? `Changed ${f.ago(last.time)} by ${last.user || '?'}` : 'No changes'),
      hasAlerts ? tile('Alerts', String(alerts.length), alerts.length
        ? `${alerts.length === 1 ? 'Threshold' : 'Thresholds'} crossed now`
        : 'No threshold crossed', serious.length ? 'bad'
        : alerts.length ? 'warn' : 'good') : null,
      host ? tile('Uptime', f.duration(host.uptime),
        `Load ${(host.load_1 / 100).toFixed(2)} · ${host.cpu_count} CPUs`)
        : null),
    h('div.dash-cols',
      hasAlerts ? alertsCard(alerts) : null,
      h('section.card', { 'aria-labelledby': 'svc-title' },
        h('h2#svc-title', 'Services'),
        services.length ? h('ul.status-list#services', services.map((s) =>
          h('li', h('span.dot.' + (s.state === 'running' ? 'good' : 'bad'),
            { 'aria-hidden': 'true' }),
          h('span.name', s.name),
          h('span.state', s.state),
          h('span.muted', s.uptime ? f.duration(s.uptime) : ''))))
          : h('p.muted', 'No services.'),
        h('a.more', { href: '#/c/system/services' }, 'Manage services →')),
      h('section.card', { 'aria-labelledby': 'warn-title' },
        h('h2#warn-title', 'Recent warnings'),
        warnings.length ? h('ul.event-list#warnings', warnings.slice(0, 6)
          .map((e) => h('li.sev-' + e.severity,
            h('span.when', f.ago(e.time)),
            h('span.sev', e.severity),
            h('span.msg', `${e.plugin ? e.plugin + ': ' : ''}${e.message}`))))
          : h('p.muted', 'Nothing to worry about.'),
        h('a.more', { href: '#/logs/events' }, 'All events →'))));
}

async function drawGraphs(el, st) {
  const list = graphs(st);
  if (!list.length) {
    clear(el);
    return;
  }
  const cards = await Promise.all(list.map(async (g) => {
    const data = await Promise.all(g.series.map(([id]) => points(id)));
    const src = data.some((d) => d.src === 'metrics') ? 'last hour'
      : 'live, since this page opened';
    const last = data[0].pts.filter((p) => p[1] !== null).pop();
    return h('section.card.graph', { 'data-graph': g.title },
      h('div.graph-head', h('h2', g.title),
        h('span.graph-now', last ? g.unit(last[1]) : '')),
      lineChart(g.series.map(([, name], i) => ({ name, points: data[i].pts,
        color: COLORS[i] })), { fmt: g.unit, label: `${g.title}, ${src}` }),
      h('div.graph-foot', g.series.length > 1 ? g.series.map(([, n], i) =>
        h('span.legend', h('span.swatch', { style: { background: COLORS[i] } }),
          n)) : null, h('span.muted', src),
      h('a.more', { href: '#/metrics?' + new URLSearchParams({
        s: g.series.map(([id]) => id).join(','), r: '1d' }),
      'aria-label': `${g.title}: more`, title: 'Longer ranges, other ' +
        'series' }, 'More →')));
  }));
  clear(el, h('div.graphs', cards));
}

export async function dashboardView(_params, main) {
  const tiles = h('div#dash-tiles');
  const graphsEl = h('div#dash-graphs');
  main.append(h('header.page-head', h('div', h('h1', 'Dashboard'),
    h('p.lead', 'Health at a glance'))), tiles, graphsEl);
  let stopped = false;
  const refresh = async () => {
    const live = liveState().catch(() => ({}));
    await drawTiles(tiles);
    const st = await live;
    if (!stopped) await drawGraphs(graphsEl, st);
  };
  await refresh();
  const t = setInterval(refresh, REFRESH_MS);
  const onChange = () => drawTiles(tiles);
  document.addEventListener('mgmtd:commit', onChange);
  document.addEventListener('mgmtd:event', onChange);
  return () => {
    stopped = true;
    clearInterval(t);
    document.removeEventListener('mgmtd:commit', onChange);
    document.removeEventListener('mgmtd:event', onChange);
  };
}
