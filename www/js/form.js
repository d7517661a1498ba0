// form.js: a create/edit form generated from a class's attributes: fields
// by type, groups and order from the schema's UI hints, advanced fields on
// demand, client checks mirroring the schema, the server's errors beside
// the field that errors[].path names.
import { h, label, modal } from './dom.js';
import { can } from './state.js';

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9a-f:.]+$/i;
const SIZE = /^\d+(\.\d+)?\s*([KMGTPE](i?B)?|B)?$/i;
const DURATION = /^(\d+[smhdw]?)+$/i;

// The attribute name an error path points at: "dns.hosts[db1].addresses[0]"
// -> "addresses"; "cifs.server.workgroup" -> "workgroup".
export function errorField(path, plugin, cls) {
  if (!path) return null;
  let rest = path;
  for (const prefix of [`${plugin}.${cls}`, cls]) {
    if (rest.startsWith(prefix)) { rest = rest.slice(prefix.length); break; }
  }
  rest = rest.replace(/^\[[^\]]*\]/, '').replace(/^\./, '');
  const m = /^([A-Za-z_][\w]*)/.exec(rest);
  return m ? m[1] : null;
}

function sortAttrs(attrs) {
  return attrs.map((a, i) => [a, i]).sort((x, y) =>
    (x[0].ui_order || 0) - (y[0].ui_order || 0) || x[1] - y[1])
    .map(([a]) => a);
}

// The message for a bad value of a, or ''.
function check(a, raw) {
  const vals = a.list ? raw.split('\n').map((s) => s.trim()).filter(Boolean)
    : [raw.trim()];
  if (!vals.length || (vals.length === 1 && vals[0] === ''))
    return a.required ? 'Required.' : '';
  if (a.list && a.max_items && vals.length > a.max_items)
    return `At most ${a.max_items} items.`;
  for (const v of vals) {
    const m = checkOne(a, v);
    if (m) return a.list ? `${v}: ${m}` : m;
  }
  return '';
}

function checkOne(a, v) {
  const bounded = a.min !== undefined || a.max !== undefined;
  switch (a.type) {
  case 'int': {
    if (!/^-?\d+$/.test(v)) return 'A whole number.';
    const n = Number(v);
    if (bounded && (n < a.min || n > a.max))
      return `Between ${a.min} and ${a.max}.`;
    return '';
  }
  case 'ipv4': return IPV4.test(v) ? '' : 'An IPv4 address (192.0.2.1).';
  case 'ipv6': return IPV6.test(v) && v.includes(':') ? '' : 'An IPv6 address.';
  case 'ip': return IPV4.test(v) || (IPV6.test(v) && v.includes(':')) ? ''
    : 'An IPv4 or IPv6 address.';
  case 'prefix': return /^[0-9a-f:.]+\/\d{1,3}$/i.test(v) ? ''
    : 'An address/length (192.0.2.0/24).';
  case 'hostname': return HOST.test(v) ? '' : 'A host name (letters, digits, ' +
    'hyphens; dot-separated labels).';
  case 'path': return v.startsWith('/') && !/(^|\/)\.\.(\/|$)/.test(v) ? ''
    : 'An absolute path without "..".';
  case 'size': return SIZE.test(v) ? '' : 'A size: 4096, 512M, 10G.';
  case 'duration': return DURATION.test(v) ? '' : 'A duration: 90, 5m, 1h30m.';
  case 'string': case 'secret':
    if (bounded && a.max && v.length > a.max) return `At most ${a.max} characters.`;
    if (bounded && a.min && v.length < a.min) return `At least ${a.min} characters.`;
    if (a.pattern) {
      let re;
      try { re = new RegExp(`^(?:${a.pattern})$`); } catch { re = null; }
      if (re && !re.test(v)) return `Does not match ${a.pattern}.`;
    }
    return '';
  default: return '';
  }
}

function input(a, id, value, disabled) {
  const common = { id, name: a.name, disabled,
    'aria-describedby': `${id}-help ${id}-err` };
  if (a.type === 'bool' && !a.list) {
    return h('select', common,
      h('option', { value: '' }, a.default !== undefined
        ? `Default (${a.default === 'true' ? 'yes' : 'no'})` : 'Not set'),
      h('option', { value: 'true', selected: value === true }, 'Yes'),
      h('option', { value: 'false', selected: value === false }, 'No'));
  }
  if (a.type === 'enum' && !a.list) {
    return h('select', common,
      h('option', { value: '' }, a.default ? `Default (${a.default})` : 'Not set'),
      (a.enum || []).map((e) => h('option', { value: e, selected: value === e },
        e)));
  }
  const text = Array.isArray(value) ? value.join('\n')
    : value === undefined || value === null ? '' : String(value);
  if (a.list)
    return h('textarea', { ...common, rows: Math.min(6, Math.max(2,
      text.split('\n').length + 1)), spellcheck: false }, text);
  return h('input', { ...common, value: a.type === 'secret' ? '' : text,
    type: a.type === 'secret' ? 'password' : a.type === 'int' ? 'number' : 'text',
    inputmode: a.type === 'int' ? 'numeric' : null,
    min: a.type === 'int' && a.max ? a.min : null,
    max: a.type === 'int' && a.max ? a.max : null,
    autocomplete: a.type === 'secret' ? 'new-password' : 'off',
    spellcheck: false,
    placeholder: a.default && a.type !== 'secret' ? a.default : null });
}

// The JSON value of a field, or undefined for "not set".
function read(a, el) {
  const raw = el.value;
  if (a.list) {
    const items = raw.split('\n').map((s) => s.trim()).filter(Boolean);
    return items.map((s) => (a.type === 'int' ? Number(s) : s));
  }
  if (raw.trim() === '') return undefined;
  if (a.type === 'bool') return raw === 'true';
  if (a.type === 'int') return Number(raw);
  return a.type === 'secret' ? raw : raw.trim();
}

// Open the form.  submit(body, confirmTimeout) performs the write and
// throws an ApiError on refusal.  Resolves true once saved.
// suggest(name, values) (optional, see suggest.js) gives choices for a
// free-text field as a datalist, from what the other fields hold.
export function openForm({ title, attrs, object, isNew, plugin, cls,
  submit, submitLabel = 'Save', allowConfirm = true, suggest = null }) {
  const fields = sortAttrs(attrs.filter((a) => a.access === 'config'));
  return modal(title, (done) => {
    const els = new Map();
    const errs = new Map();
    const groups = new Map();
    const form = h('form.schema-form', { novalidate: true });
    let hasAdvanced = false;
    for (const a of fields) {
      const id = `f-${a.name}`;
      const locked = a.key && !isNew;
      const el = input(a, id, object ? object[a.name] : undefined, locked);
      const err = h('div.field-error', { id: `${id}-err`, role: 'alert' });
      el.addEventListener('input', () => { el.dataset.dirty = '1'; });
      el.addEventListener('change', () => {
        el.dataset.dirty = '1';
        setErr(a.name, check(a, el.value));
      });
      els.set(a.name, el);
      errs.set(a.name, err);
      const help = [a.description, a.list ? 'one per line' : null,
        a.units && a.type === 'int' ? `in ${a.units}` : null]
        .filter(Boolean).join(' · ');
      const row = h('div.field' + (a.advanced ? '.advanced' : ''),
        { 'data-field': a.name },
        h('label', { for: id }, label(a.name),
          a.required ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null,
          a.required ? h('span.sr-only', ' (required)') : null),
        el, h('div.help', { id: `${id}-help` }, help), err);
      hasAdvanced ||= !!a.advanced;
      const g = a.ui_group || '';
      if (!groups.has(g))
        groups.set(g, h('fieldset.group', g ? h('legend', g) : null));
      groups.get(g).append(row);
    }
    const lists = new Map();
    let suggestSeq = 0;
    // Refill every datalist from the fields' current text.
    const refreshSuggest = async () => {
      if (!suggest) return;
      const my = ++suggestSeq;
      const vals = {};
      for (const [n, el] of els) vals[n] = el.value.trim();
      for (const [n, dl] of lists) {
        const opts = await suggest(n, vals);
        if (my !== suggestSeq) return;
        dl.replaceChildren(...(opts || []).map(([v, t]) =>
          h('option', { value: v, label: t || null })));
      }
    };
    for (const a of fields) {
      const el = els.get(a.name);
      if (!suggest || el.tagName !== 'INPUT' || a.type === 'secret' ||
          el.disabled || !suggest.fields.includes(a.name)) continue;
      const dl = h('datalist', { id: `f-${a.name}-list` });
      el.setAttribute('list', dl.id);
      el.after(dl);
      lists.set(a.name, dl);
    }
    for (const el of els.values()) {
      el.addEventListener('change', refreshSuggest);
      el.addEventListener('input', refreshSuggest);
    }
    refreshSuggest();
    for (const fs of groups.values()) {
      if (![...fs.querySelectorAll('.field')].some((f) =>
        !f.classList.contains('advanced'))) fs.classList.add('advanced');
      form.append(fs);
    }
    const formErr = h('div.form-error', { role: 'alert', hidden: true });
    const advToggle = hasAdvanced ? h('label.check',
      h('input', { type: 'checkbox', onchange: (ev) =>
        form.classList.toggle('show-advanced', ev.target.checked) }),
      ' Show advanced settings') : null;
    const confirmBox = h('input', { type: 'checkbox', id: 'f-confirm' });
    const confirmSecs = h('input', { type: 'number', id: 'f-confirm-secs',
      min: 10, max: 86400, value: 120, 'aria-label': 'Seconds to confirm' });
    const confirmRow = allowConfirm && can('operator') ? h('div.confirm-opt',
      h('label.check', { for: 'f-confirm' }, confirmBox,
        ' Roll back unless confirmed within'), confirmSecs,
      h('span', 'seconds')) : null;
    const saveBtn = h('button.primary', { type: 'submit' }, submitLabel);

    function setErr(name, msg) {
      const e = errs.get(name);
      const el = els.get(name);
      e.textContent = msg || '';
      el.toggleAttribute('aria-invalid', !!msg);
      el.closest('.field').classList.toggle('has-error', !!msg);
      if (msg) el.closest('.field').classList.add('forced');
    }

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      formErr.hidden = true;
      let bad = null;
      const body = {};
      for (const a of fields) {
        const el = els.get(a.name);
        if (a.key && !isNew) continue;
        const dirty = el.dataset.dirty === '1';
        const msg = (isNew || dirty) ? check(a, el.value) : '';
        setErr(a.name, msg);
        if (msg && !bad) bad = el;
        if (!isNew && !dirty) continue;
        const v = read(a, el);
        if (v === undefined || (a.list && !v.length && isNew)) {
          if (!isNew) body[a.name] = null;
        } else {
          body[a.name] = v;
        }
      }
      if (bad) { bad.focus(); return; }
      saveBtn.disabled = true;
      try {
        await submit(body, confirmBox.checked ? Number(confirmSecs.value)
          : 0);
        done(true);
      } catch (e) {
        const unplaced = [];
        for (const it of e.errors || []) {
          const f = errorField(it.path, plugin, cls);
          if (f && els.has(f)) setErr(f, it.message);
          else unplaced.push(it.path ? `${it.path}: ${it.message}` : it.message);
        }
        if (!(e.errors || []).length) unplaced.push(e.message);
        if (unplaced.length) {
          formErr.textContent = unplaced.join(' ');
          formErr.hidden = false;
        }
        const first = form.querySelector('[aria-invalid]');
        (first || formErr).focus?.();
      } finally {
        saveBtn.disabled = false;
      }
    });
    form.append(formErr, h('div.form-foot', advToggle, confirmRow,
      h('div.actions',
        h('button', { type: 'button', onclick: () => done(false) }, 'Cancel'),
        saveBtn)));
    return h('div.modal-body', form);
  }, { wide: fields.length > 6 }).then((v) => v === true);
}
