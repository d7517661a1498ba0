// format.js: values as people read them, from the schema's types and units.
const SIZE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function size(n) {
  if (n === null || n === undefined || isNaN(n)) return '–';
  let i = 0;
  let v = Number(n);
  while (Math.abs(v) >= 1024 && i < SIZE_UNITS.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${SIZE_UNITS[i]}`;
}

export function duration(s) {
  if (s === null || s === undefined) return '–';
  s = Math.floor(Number(s));
  const d = Math.floor(s / 86400), hh = Math.floor(s / 3600) % 24,
    m = Math.floor(s / 60) % 60;
  if (d) return `${d}d ${hh}h`;
  if (hh) return `${hh}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function time(t) {
  if (!t) return '–';
  const d = new Date(Number(t) * 1000);
  return d.toLocaleString(undefined, { dateStyle: 'short',
                                        timeStyle: 'medium' });
}

export function ago(t) {
  const s = Date.now() / 1000 - Number(t);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

// A number in the attribute's units.
export function scaled(v, units) {
  if (v === null || v === undefined) return '–';
  switch (units) {
  case 'hundredths of a percent': return `${(v / 100).toFixed(1)} %`;
  case 'hundredths': return (v / 100).toFixed(2);
  case 'bytes': return size(v);
  case 'bytes per second': return size(v) + '/s';
  case 'seconds': return duration(v);
  default: return units ? `${v} ${units}` : String(v);
  }
}

// A cell's text for attribute a.
export function value(v, a) {
  if (v === undefined || v === null || v === '') return '';
  if (Array.isArray(v)) return v.map((x) => value(x, a)).join(', ');
  if (a) {
    if (a.type === 'bool') return v ? 'yes' : 'no';
    if (a.type === 'size') return size(v);
    if (a.type === 'duration') return duration(v);
    if (a.type === 'secret') return '••••';
    if (a.type === 'int') return scaled(v, a.units);
  }
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
