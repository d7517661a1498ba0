// chart.js: a small SVG line chart from [[t, v|null], ...] points.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// series: [{ name, points, color }]; fmt(v) labels the axis.
export function lineChart(series, { height = 130, fmt = String,
  label = 'Chart' } = {}) {
  const W = 360, H = height, L = 72, R = 6, T = 10, B = 12;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': label, class: 'chart' });
  const all = series.flatMap((s) => s.points.filter((p) => p[1] !== null));
  svg.dataset.points = String(all.length);
  if (!all.length) {
    const t = el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle',
      class: 'chart-empty' });
    t.textContent = 'Collecting data…';
    svg.append(t);
    return svg;
  }
  const t0 = Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(...all.map((p) => p[0]), t0 + 1);
  let vmax = Math.max(...all.map((p) => p[1]), 0);
  if (vmax === 0) vmax = 1;
  const x = (t) => L + (t - t0) / (t1 - t0) * (W - L - R);
  const y = (v) => T + (1 - v / vmax) * (H - T - B);
  for (let i = 0; i <= 2; i++) {
    const v = vmax * i / 2;
    svg.append(el('line', { x1: L, x2: W - R, y1: y(v), y2: y(v),
      class: 'grid' }));
    const t = el('text', { x: L - 6, y: y(v) + 5, 'text-anchor': 'end',
      class: 'axis' });
    t.textContent = fmt(v);
    svg.append(t);
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
    svg.append(el('path', { d, fill: 'none', stroke: s.color,
      'stroke-width': 2, 'vector-effect': 'non-scaling-stroke',
      class: 'line' }));
  }
  return svg;
}
