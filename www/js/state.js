// state.js: what the whole app shares: who is logged in and the schema.
export const state = { session: null, schema: null, classes: [] };

const RANK = { monitor: 0, operator: 1, admin: 2 };

// Whether the logged-in role reaches role ("operator" or "admin").
export function can(role) {
  const mine = state.session ? RANK[state.session.role] : -1;
  return mine !== undefined && mine >= (RANK[role] ?? 1);
}

// The functional areas of the navigation, in order.
export const AREAS = [
  ['network', 'Network'], ['storage', 'Storage'], ['sharing', 'Sharing'],
  ['cluster', 'Cluster'], ['load_balancer', 'Load balancer'],
  ['system', 'System'],
];

// Every class of the schema, flattened, with its plugin.
export function setSchema(schema) {
  state.schema = schema;
  state.classes = [];
  for (const p of schema.plugins)
    for (const c of p.classes)
      state.classes.push({ ...c, plugin: p.name,
        ui_area: c.ui_area || p.ui_area || 'system' });
}

export function findClass(plugin, name) {
  return state.classes.find((c) => c.plugin === plugin && c.name === name);
}
