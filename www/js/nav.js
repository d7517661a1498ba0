// nav.js: the sidebar: the dashboard, every class of the schema in its
// functional area, the history and the logs.  Areas without classes are
// listed as empty so the layout stays familiar as plugins arrive.
import { h, clear, label } from './dom.js';
import { state, AREAS } from './state.js';

export function drawNav(el) {
  const link = (href, text, extra) => h('li', h('a', { href, ...extra }, text));
  const sections = AREAS.map(([area, title]) => {
    const classes = state.classes.filter((c) => c.ui_area === area);
    const items = classes.map((c) => link(`#/c/${c.plugin}/${c.name}`,
      [label(c.name), h('span.nav-plugin', c.plugin)],
      { title: c.description, 'data-class': `${c.plugin}/${c.name}` }));
    if (area === 'system')
      items.push(link('#/metrics', 'Metrics'),
        link('#/history', 'Configuration history'));
    return h('section.nav-area', { 'data-area': area },
      h('h2', title), items.length ? h('ul', items)
        : h('p.nav-empty', 'Nothing installed'));
  });
  clear(el,
    h('ul.nav-top', link('#/', 'Dashboard')),
    sections,
    h('section.nav-area', { 'data-area': 'logs' }, h('h2', 'Logs'),
      h('ul', link('#/logs/events', 'Events'),
        link('#/logs/commands', 'Commands'), link('#/logs', 'All logs'))));
}

export function markCurrent(el, path) {
  for (const a of el.querySelectorAll('a')) {
    const target = a.getAttribute('href').slice(1);
    a.toggleAttribute('aria-current', target === path);
    if (target === path) a.setAttribute('aria-current', 'page');
  }
}
