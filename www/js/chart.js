// chart.js: a small SVG line chart from [[t, v|null], ...] points.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function text(svg, x, y, anchor, cls, s) {
  const t = el('text', { x, y, 'text-anchor': anchor, class: cls });
  t.textContent = s;
  svg.append(t);
}

// A time label short enough for the axis: the hour under two days, the
// date beyond.
function tick(t, span) {
  const d = new Date(t * 1000);
  if (span <= 2 * 86400)
    return d.toLocaleTimeString(undefined, { hour: '2-digit',
      minute: '2-digit' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

// series: [{ name, points, color }]; fmt(v) labels the axis.  Options for
// the metrics page: width, timeAxis (labels under the graph) and range
// ([t0, t1]: the x axis spans it whatever the data).
export function lineChart(series, { height = 130, width = 360, fmt = String,
  label = 'Chart', timeAxis = false, range = null } = {}) {
  const W = width, H = height, L = 72, R = 6, T = 10, B = timeAxis ? 26 : 12;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': label, class: 'chart' });
  const all = series.flatMap((s) => s.points.filter((p) => p[1] !== null));
  svg.dataset.points = String(all.length);
  if (!all.length) {
    text(svg, W / 2, H / 2, 'middle', 'chart-empty', 'Collecting data…');
    return svg;
  }
  const t0 = range ? range[0] : Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(range ? range[1] : Math.max(...all.map((p) => p[0])),
    t0 + 1);
  let vmax = Math.max(...all.map((p) => p[1]), 0);
  const vmin = Math.min(...all.map((p) => p[1]), 0);
  if (vmax === vmin) vmax = vmin + 1;
  const x = (t) => L + (t - t0) / (t1 - t0) * (W - L - R);
  const y = (v) => T + (1 - (v - vmin) / (vmax - vmin)) * (H - T - B);
  const rows = timeAxis ? 4 : 2;
  for (let i = 0; i <= rows; i++) {
    const v = vmin + (vmax - vmin) * i / rows;
    svg.append(el('line', { x1: L, x2: W - R, y1: y(v), y2: y(v),
      class: 'grid' }));
    text(svg, L - 6, y(v) + 5, 'end', 'axis', fmt(v));
  }
  if (timeAxis) {
    const n = Math.max(2, Math.floor((W - L - R) / 110));
    for (let i = 0; i <= n; i++) {
      const t = t0 + (t1 - t0) * i / n;
      svg.append(el('line', { x1: x(t), x2: x(t), y1: T, y2: H - B,
        class: 'grid' }));
      text(svg, x(t), H - 6, i === 0 ? 'start' : i === n ? 'end' : 'middle',
        'axis', tick(t, t1 - t0));
    }
  }
  for (const s of series) {
    let d = '';
    let pen = false;
    for (const [t, v] of s.points) {
      if (v === null) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    const pts = s.points.filter((p) => p[1] !== null);
    if (pts.length === 1) {
      svg.append(el('circle', { cx: x(pts[0][0]), cy: y(pts[0][1]), r: 3,
        fill: s.color }));
    }
    const path = el('path', { d, fill: 'none', stroke: s.color,
      'stroke-width': 2, 'vector-effect': 'non-scaling-stroke',
      class: 'line' });
    if (s.id) path.dataset.series = s.id;
    svg.append(path);
  }
  return svg;
}
