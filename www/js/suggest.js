// suggest.js: choices for string attributes that name parts of the schema
// where the schema gives no enum.  A class with plugin, class and
// attribute fields (a threshold rule, say) gets the plugins, classes and
// gauges and counters of /api/v1/schema, each list narrowed by what the
// other fields already say, and a key field the keys of the objects of
// the class chosen.  Still one rule for any plugin: no per-plugin code.
import * as api from './api.js';
import { state, findClass } from './state.js';

const uniq = (l) => [...new Map(l.map((x) => [x[0], x])).values()]
  .sort((a, b) => a[0].localeCompare(b[0]));

// suggest(name, values) -> [[value, label]] | Promise of it | null, for
// openForm, with suggest.fields the names it knows; null when the class
// has no such fields.
export function suggestFor(c) {
  const free = new Set(c.attributes.filter((a) => a.access === 'config' &&
    a.type === 'string' && !a.enum && !a.list).map((a) => a.name));
  if (!['plugin', 'class', 'attribute'].every((n) => free.has(n)))
    return null;
  const keys = new Map(); // "plugin/class" -> Promise of keys
  const suggest = (name, v) => {
    const measured = state.classes.filter((k) =>
      k.attributes.some((a) => a.metric));
    const inPlugin = measured.filter((k) => !v.plugin || k.plugin === v.plugin);
    const inClass = inPlugin.filter((k) => !v.class || k.name === v.class);
    switch (name) {
    case 'plugin':
      return uniq(measured.map((k) => [k.plugin,
        (state.schema.plugins.find((p) => p.name === k.plugin) || {})
          .description || '']));
    case 'class':
      return uniq(inPlugin.map((k) => [k.name, `${k.plugin}: ` +
        `${k.description || ''}`]));
    case 'attribute':
      return uniq(inClass.flatMap((k) => k.attributes.filter((a) => a.metric)
        .map((a) => [a.name, `${a.metric}${a.units ? ', ' + a.units : ''}` +
          ` · ${k.plugin}.${k.name}`])));
    case 'key': {
      const k = free.has('key') && v.plugin && v.class &&
        findClass(v.plugin, v.class);
      if (!k || k.kind !== 'collection') return null;
      const id = `${k.plugin}/${k.name}`;
      if (!keys.has(id))
        keys.set(id, api.get(api.classPath(k.plugin, k.name), { limit: 1000 })
          .then((r) => (r.items || []).map((o) => [String(o[k.key]), '']))
          .catch(() => []));
      return keys.get(id);
    }
    default: return null;
    }
  };
  suggest.fields = ['plugin', 'class', 'attribute', 'key']
    .filter((n) => free.has(n));
  return suggest;
}
