// table.js: a schema-driven table: sortable, filterable, paginated in the
// browser (thousands of rows render one page at a time), refreshable
// without losing sort, filter, page or focus.
import { h, clear } from './dom.js';
import { value as fmt } from './format.js';

const PAGE = 50;

// columns: [{ name, label, attr, state }], rows: objects, key: the key
// attribute's name; actions(row): buttons for the row's last cell.
export function createTable({ columns, key, actions, caption, empty }) {
  let rows = [];
  let sortBy = key || (columns[0] && columns[0].name);
  let sortDir = 1;
  let filter = '';
  let page = 0;

  const search = h('input.filter', { type: 'search', placeholder: 'Filter…',
    'aria-label': 'Filter rows', oninput: () => {
      filter = search.value.toLowerCase();
      page = 0;
      draw();
    } });
  const count = h('span.count', { 'aria-live': 'polite' });
  const thead = h('thead');
  const tbody = h('tbody');
  const pager = h('nav.pager', { 'aria-label': 'Pages' });
  const table = h('table.data', caption ? h('caption.sr-only', caption) : null,
    thead, tbody);
  const el = h('div.table-wrap', h('div.table-tools', search, count),
    // Focusable: a wide table scrolls sideways, also for the keyboard
    // (read-only rows have no button to reach it through).
    h('div.table-scroll', { tabindex: 0, role: 'region',
      'aria-label': caption || 'Table' }, table), pager);

  function text(row, c) {
    return fmt(row[c.name], c.attr);
  }

  function compare(a, b) {
    const x = a[sortBy], y = b[sortBy];
    if (x === y) return 0;
    if (x === undefined || x === null) return 1;
    if (y === undefined || y === null) return -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * sortDir;
    return String(x).localeCompare(String(y), undefined,
      { numeric: true }) * sortDir;
  }

  function head() {
    clear(thead, h('tr', columns.map((c) => {
      const active = c.name === sortBy;
      return h('th', { scope: 'col', class: c.state ? 'state-col' : null,
        'aria-sort': active ? (sortDir > 0 ? 'ascending' : 'descending')
          : 'none' },
      h('button.sort', { type: 'button', title: c.attr && c.attr.description,
        onclick: () => {
          if (sortBy === c.name) sortDir = -sortDir;
          else { sortBy = c.name; sortDir = 1; }
          draw();
        } }, c.label, h('span.arrow', { 'aria-hidden': 'true' },
        active ? (sortDir > 0 ? '▲' : '▼') : '')));
    }), actions ? h('th.actions-col', { scope: 'col' },
      h('span.sr-only', 'Actions')) : null));
  }

  function draw() {
    head();
    let list = rows;
    if (filter)
      list = list.filter((r) => columns.some((c) =>
        text(r, c).toLowerCase().includes(filter)));
    list = [...list].sort(compare);
    const pages = Math.max(1, Math.ceil(list.length / PAGE));
    page = Math.min(page, pages - 1);
    const shown = list.slice(page * PAGE, (page + 1) * PAGE);
    count.textContent = filter ? `${list.length} of ${rows.length}`
      : `${rows.length} ${rows.length === 1 ? 'item' : 'items'}`;
    const focusKey = document.activeElement &&
      document.activeElement.closest('tr') &&
      document.activeElement.closest('tr').dataset.key;
    clear(tbody, shown.length ? shown.map((r) => h('tr',
      { 'data-key': key ? String(r[key]) : null },
      columns.map((c, i) => {
        const t = text(r, c);
        const cell = h(i === 0 ? 'th' : 'td',
          { scope: i === 0 ? 'row' : null,
            class: c.state ? 'state-col' : null }, c.render ? c.render(r) : t);
        if (c.state && typeof r[c.name] === 'string') cell.dataset.v = r[c.name];
        return cell;
      }),
      actions ? h('td.row-actions', actions(r)) : null))
      : h('tr', h('td.empty', { colspan: columns.length + (actions ? 1 : 0) },
        filter ? 'Nothing matches the filter.' : (empty || 'Nothing here yet.'))));
    if (focusKey) {
      const tr = tbody.querySelector(`tr[data-key="${CSS.escape(focusKey)}"]`);
      const b = tr && tr.querySelector('button');
      if (b) b.focus();
    }
    clear(pager, pages > 1 ? [
      h('button', { type: 'button', disabled: page === 0,
        onclick: () => { page--; draw(); } }, '‹ Previous'),
      h('span', `Page ${page + 1} of ${pages}`),
      h('button', { type: 'button', disabled: page >= pages - 1,
        onclick: () => { page++; draw(); } }, 'Next ›'),
    ] : null);
  }

  return {
    el,
    setRows(r) { rows = r; draw(); },
  };
}
