// metrics.js: the metrics page: pick series from /api/v1/metrics (filter
// by plugin, class, key or attribute; series of objects gone are marked
// stale), draw them over a range from the points API, and link the
// server-drawn graph.png of the same series and range.  The choice lives
// in the hash (#/metrics?s=<id>,<id>&r=1d), so it can be linked.
import * as api from './api.js';
import { h, clear, label } from './dom.js';
import * as f from './format.js';
import { lineChart } from './chart.js';

const COLORS = ['#2563eb', '#16a34a', '#d97706', '#db2777', '#7c3aed'];
const MAX_CHOSEN = 5;       // graph.png draws at most 5 series
const MAX_LISTED = 200;     // rows of the picker before "narrow it"
const MAX_POINTS = 720;     // per series drawn
const RANGES = [['1h', '1 h', 3600], ['6h', '6 h', 6 * 3600],
  ['1d', '1 day', 86400], ['1w', '1 week', 7 * 86400],
  ['1mo', '1 month', 30 * 86400], ['custom', 'Custom', 0]];

// A value of a series as people read it (counters are rates per second).
function formatter(s) {
  return (v) => {
    if (s.type === 'counter') {
      if (s.units === 'bytes') return f.size(v) + '/s';
      return `${Number(v.toPrecision(3))}${s.units ? ' ' + s.units : ''}/s`;
    }
    if (!s.units) return Number(v.toPrecision(4)).toLocaleString();
    if (/^(hundredths|bytes|seconds)/.test(s.units)) return f.scaled(v, s.units);
    return `${Number(v.toPrecision(4)).toLocaleString()} ${s.units}`;
  };
}

function seriesName(s) {
  return `${s.class}${s.key ? ' ' + s.key : ''} · ${s.attribute}`;
}

// Average runs of points down to about max (a month at 2 s is too many).
function thin(points, max) {
  if (points.length <= max) return points;
  const k = Math.ceil(points.length / max);
  const out = [];
  for (let i = 0; i < points.length; i += k) {
    const run = points.slice(i, i + k);
    const vals = run.map((p) => p[1]).filter((v) => v !== null);
    out.push([run[run.length - 1][0], vals.length
      ? vals.reduce((a, b) => a + b, 0) / vals.length : null]);
  }
  return out;
}

const toLocalInput = (t) => {
  const d = new Date(t * 1000);
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
};

function hashQuery() {
  const q = location.hash.split('?')[1] || '';
  return new URLSearchParams(q);
}

export async function metricsView(_params, main) {
  const q = hashQuery();
  let all = [];
  let chosen = (q.get('s') || '').split(',').filter(Boolean);
  let rangeKey = RANGES.some(([k]) => k === q.get('r')) ? q.get('r') : '1h';
  let custom = [Number(q.get('from')) || 0, Number(q.get('to')) || 0];
  let seq = 0;

  const plugSel = h('select#m-plugin', { onchange: () => { fillClasses(); drawList(); } });
  const clsSel = h('select#m-class', { onchange: drawList });
  const textIn = h('input#m-text', { type: 'search', placeholder: 'Key or attribute',
    oninput: drawList });
  const staleBox = h('input#m-stale', { type: 'checkbox', onchange: drawList });
  const list = h('ul.series-list#series-list', { 'aria-label': 'Series' });
  const listCount = h('p.muted.series-count', { 'aria-live': 'polite' });
  const rangeBar = h('div.segmented#m-range', { role: 'group',
    'aria-label': 'Time range' });
  const fromIn = h('input#m-from', { type: 'datetime-local',
    'aria-label': 'From' });
  const toIn = h('input#m-to', { type: 'datetime-local', 'aria-label': 'To' });
  const customRow = h('div.custom-range', { hidden: true },
    h('label', { for: 'm-from' }, 'From'), fromIn,
    h('label', { for: 'm-to' }, 'to'), toIn,
    h('button.small#m-apply', { type: 'button', onclick: () => {
      const a = Date.parse(fromIn.value) / 1000;
      const b = Date.parse(toIn.value) / 1000;
      if (!(a < b)) {
        toIn.setAttribute('aria-invalid', '');
        return;
      }
      toIn.removeAttribute('aria-invalid');
      custom = [Math.floor(a), Math.floor(b)];
      update();
    } }, 'Apply'));
  const charts = h('div#m-charts');
  const png = h('a.button#m-png', { download: 'mgmtd-graph.png',
    hidden: true }, 'Download graph (PNG)');
  const legend = h('ul.m-legend#m-legend');

  function range() {
    const now = Math.floor(Date.now() / 1000);
    if (rangeKey === 'custom' && custom[0] < custom[1]) return custom;
    const r = RANGES.find(([k]) => k === rangeKey);
    return [now - (r[2] || 3600), now];
  }

  function fillClasses() {
    const p = plugSel.value;
    const classes = [...new Set(all.filter((s) => !p || s.plugin === p)
      .map((s) => s.class))].sort();
    clear(clsSel, h('option', { value: '' }, 'Any class'),
      classes.map((c) => h('option', { value: c }, label(c))));
  }

  function drawList() {
    const p = plugSel.value, c = clsSel.value;
    const t = textIn.value.trim().toLowerCase();
    const shown = all.filter((s) => (!p || s.plugin === p) &&
      (!c || s.class === c) && (staleBox.checked || !s.stale ||
        chosen.includes(s.id)) &&
      (!t || `${s.key || ''} ${s.attribute} ${s.description || ''}`
        .toLowerCase().includes(t)));
    const full = chosen.length >= MAX_CHOSEN;
    clear(list, shown.slice(0, MAX_LISTED).map((s) => {
      const on = chosen.includes(s.id);
      const id = `ms-${s.id.replace(/[^\w-]/g, '_')}`;
      return h('li' + (s.stale ? '.stale' : ''), { 'data-series': s.id },
        h('input', { type: 'checkbox', id, checked: on,
          disabled: !on && full, onchange: (ev) => {
            chosen = ev.target.checked ? [...chosen, s.id]
              : chosen.filter((x) => x !== s.id);
            drawList();
            update();
          } }),
        h('label', { for: id, title: s.description || '' },
          h('span.s-name', seriesName(s)),
          h('span.s-meta', s.plugin, s.type === 'counter' ? ' · rate' : '',
            s.units ? ` · ${s.units}` : ''),
          s.stale ? h('span.tag.stale-tag', { title: 'The object is gone: ' +
            `last data ${f.time(s.last_update)}` }, 'stale') : null));
    }));
    const more = shown.length - MAX_LISTED;
    listCount.textContent = `${shown.length} series` +
      (more > 0 ? ` (first ${MAX_LISTED} listed: narrow the filter)` : '') +
      (full ? ` · at most ${MAX_CHOSEN} at once` : '');
  }

  function drawRange() {
    clear(rangeBar, RANGES.map(([k, t]) => h('button', { type: 'button',
      'data-range': k, 'aria-pressed': String(k === rangeKey),
      onclick: () => {
        rangeKey = k;
        if (k === 'custom' && !(custom[0] < custom[1])) {
          const [a, b] = range();
          custom = [a, b];
        }
        drawRange();
        update();
      } }, t)));
    customRow.hidden = rangeKey !== 'custom';
    if (rangeKey === 'custom') {
      fromIn.value = toLocalInput(custom[0]);
      toIn.value = toLocalInput(custom[1]);
    }
  }

  function remember() {
    const p = new URLSearchParams();
    if (chosen.length) p.set('s', chosen.join(','));
    p.set('r', rangeKey);
    if (rangeKey === 'custom') {
      p.set('from', custom[0]);
      p.set('to', custom[1]);
    }
    history.replaceState(null, '', `#/metrics?${p}`);
  }

  async function update() {
    remember();
    const my = ++seq;
    const [start, end] = range();
    const sel = chosen.map((id) => all.find((s) => s.id === id) ||
      { id, plugin: id.split('/')[0], class: id.split('/')[1],
        key: id.split('/')[2], attribute: id.split('/')[3] });
    if (!sel.length) {
      png.hidden = true;
      clear(legend);
      clear(charts, h('p.muted.m-empty', 'Choose one or more series on the ' +
        'left to draw them.'));
      return;
    }
    const resolution = Math.floor((end - start) / MAX_POINTS);
    const data = await Promise.all(sel.map((s) =>
      api.get(`metrics/${s.id}`, { start, end,
        resolution: resolution > 0 ? resolution : undefined })
        .then((r) => ({ pts: thin(r.points || [], MAX_POINTS), step: r.step }))
        .catch((e) => ({ pts: [], error: e.message }))));
    if (my !== seq) return;
    const gp = new URLSearchParams();
    for (const s of sel) gp.append('series', s.id);
    gp.set('start', start);
    gp.set('end', end);
    gp.set('width', 1000);
    gp.set('height', 320);
    png.href = `${api.API}/metrics/graph.png?${gp}`;
    png.hidden = false;
    // One chart per unit: values of different kinds share no axis.
    const groups = new Map();
    sel.forEach((s, i) => {
      const k = `${s.type || ''}|${s.units || ''}`;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(i);
    });
    clear(legend, sel.map((s, i) => {
      const last = data[i].pts.filter((p) => p[1] !== null).pop();
      return h('li', { 'data-series': s.id },
        h('span.swatch', { style: { background: COLORS[i] } }),
        h('span.s-name', seriesName(s)),
        s.stale ? h('span.tag.stale-tag', 'stale') : null,
        h('span.m-now', data[i].error ? data[i].error
          : last ? formatter(s)(last[1]) : 'no data'),
        h('button.icon.small', { type: 'button', 'aria-label':
          `Remove ${seriesName(s)}`, onclick: () => {
          chosen = chosen.filter((x) => x !== s.id);
          drawList();
          update();
        } }, '×'));
    }));
    clear(charts, [...groups.values()].map((idx) => {
      const s0 = sel[idx[0]];
      return h('figure.m-chart', { 'data-units': s0.units || '' },
        groups.size > 1 ? h('div.m-chart-title', idx.map((i) =>
          seriesName(sel[i])).join(', ')) : null,
        lineChart(idx.map((i) => ({ id: sel[i].id, name: seriesName(sel[i]),
          points: data[i].pts, color: COLORS[i] })), { width: 900,
          height: 300, timeAxis: true, range: [start, end],
          fmt: formatter(s0), label: `${idx.map((i) => seriesName(sel[i]))
            .join(', ')} from ${f.time(start)} to ${f.time(end)}` }),
        // Units the axis labels do not already say.
        s0.units && !/^(hundredths|bytes|seconds)/.test(s0.units)
          ? h('figcaption.muted', label(s0.units) +
            (s0.type === 'counter' ? ' per second' : '')) : null);
    }));
  }

  main.append(h('header.page-head',
    h('div', h('p.crumb', 'System'), h('h1', 'Metrics'),
      h('p.lead', 'Every gauge and counter of the live state, kept in ' +
        'round-robin archives: a day at full resolution, a month of ' +
        '5-minute averages, a year of hours.'))),
  h('div.metrics',
    h('section.card.m-picker', { 'aria-labelledby': 'm-pick-title' },
      h('h2#m-pick-title', 'Series'),
      h('div.m-filters',
        h('label', { for: 'm-plugin' }, 'Plugin'), plugSel,
        h('label', { for: 'm-class' }, 'Class'), clsSel,
        h('label', { for: 'm-text' }, 'Search'), textIn,
        h('label.check', staleBox, ' Show stale series')),
      listCount, list),
    h('section.card.m-graph', { 'aria-labelledby': 'm-graph-title' },
      h('div.m-graph-head', h('h2#m-graph-title', 'Graph'), rangeBar),
      customRow, legend, charts,
      h('div.graph-foot', png))));
  const r = await api.get('metrics');
  all = (r.series || []).slice().sort((a, b) =>
    a.id.localeCompare(b.id, undefined, { numeric: true }));
  const plugins = [...new Set(all.map((s) => s.plugin))].sort();
  clear(plugSel, h('option', { value: '' }, 'Any plugin'),
    plugins.map((p) => h('option', { value: p }, p)));
  if (!chosen.length) {
    const first = all.find((s) => s.id === 'status/host/_/load_1') ||
      all.find((s) => !s.stale);
    if (first) chosen = [first.id];
  }
  chosen = chosen.slice(0, MAX_CHOSEN);
  fillClasses();
  drawRange();
  drawList();
  if (!all.length)
    clear(charts, h('p.muted', 'No metrics yet: series appear after the ' +
      'first collect of a plugin with gauges or counters.'));
  else await update();
  // Live ranges move on; a custom range stays put.
  const timer = setInterval(() => {
    if (rangeKey !== 'custom' && !document.hidden) update();
  }, 30000);
  return () => clearInterval(timer);
}
