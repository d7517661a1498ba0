// app.js: start-up: who is logged in, the schema, the shell (top bar,
// navigation, confirm banner, one event stream) and the routes.
import * as api from './api.js';
import * as router from './router.js';
import { h, clear, toast } from './dom.js';
import { state, setSchema } from './state.js';
import { drawNav, markCurrent } from './nav.js';
import { loginView } from './login.js';
import { startConfirmWatch, stopConfirmWatch } from './confirm.js';

const RETURN_KEY = 'mgmtd.return';
let closeStream = null;

// Views load on first use: the first page needs only its own modules.
const lazy = (mod, name) => async (params, main) =>
  (await import(mod))[name](params, main);

function shell() {
  const nav = document.getElementById('nav');
  const top = document.getElementById('topbar');
  const s = state.session;
  clear(top,
    h('button.icon.menu', { type: 'button', 'aria-label': 'Menu',
      'aria-controls': 'nav', 'aria-expanded': 'false', onclick: (ev) => {
        const open = nav.classList.toggle('open');
        ev.currentTarget.setAttribute('aria-expanded', String(open));
      } }, '☰'),
    h('a.brand', { href: '#/' }, h('img', { src: 'favicon.svg', alt: '',
      width: 24, height: 24 }), h('span', 'mgmtd')),
    h('span.spacer'),
    h('span.who', h('span.user#user-name', s.user),
      h('span.role.role-' + s.role + '#user-role', s.role)),
    h('button#logout', { type: 'button', onclick: logout }, 'Log out'));
  drawNav(nav);
  // The folded menu (tablets) closes with Escape, back on its button.
  nav.onkeydown = (ev) => {
    if (ev.key !== 'Escape' || !nav.classList.contains('open')) return;
    nav.classList.remove('open');
    const btn = top.querySelector('button.menu');
    btn.setAttribute('aria-expanded', 'false');
    btn.focus();
  };
  top.hidden = false;
  nav.hidden = false;
  startConfirmWatch();
  closeStream = api.stream(`${api.API}/events/stream`, {
    event: (d) => document.dispatchEvent(new CustomEvent('mgmtd:event',
      { detail: d })),
    commit: (d) => document.dispatchEvent(new CustomEvent('mgmtd:commit',
      { detail: d })),
  });
}

function teardown() {
  stopConfirmWatch();
  if (closeStream) closeStream();
  closeStream = null;
  document.getElementById('topbar').hidden = true;
  document.getElementById('nav').hidden = true;
  clear(document.getElementById('banner'));
  state.session = null;
}

async function enter(session) {
  state.session = session;
  if (!state.schema) setSchema(await api.get('schema'));
  sessionStorage.removeItem('mgmtd.expired');
  // Messages of the session that ended (its expiry) are over.
  clear(document.getElementById('toasts'));
  shell();
  const back = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  router.go(back && back !== '/login' ? back : '/');
}

async function logout() {
  await api.logout().catch(() => {});
  teardown();
  router.go('/login');
}

// A 401 anywhere: the session expired; come back here after logging in.
api.setUnauthorizedHandler(() => {
  if (!state.session) return;
  const here = router.current();
  if (here !== '/login') sessionStorage.setItem(RETURN_KEY, here);
  sessionStorage.setItem('mgmtd.expired', '1');
  teardown();
  toast('Your session expired: log in again.', 'error');
  router.go('/login');
});

// Logged out, every page but the login leads to it, and back after it.
router.setGuard((path) => {
  if (state.session || path === '/login') return null;
  sessionStorage.setItem(RETURN_KEY, path);
  return '/login';
});

router.route('/login', loginView(enter));
router.route('/', lazy('./dashboard.js', 'dashboardView'));
// Classes with a page of their own come before the generic one.
router.route('/c/system/power', lazy('./power.js', 'powerView'));
router.route('/c/:plugin/:cls', lazy('./classview.js', 'classView'));
router.route('/metrics', lazy('./metrics.js', 'metricsView'));
router.route('/history', lazy('./history.js', 'historyView'));
router.route('/logs', lazy('./logs.js', 'logsIndexView'));
router.route('/logs/events', lazy('./logs.js', 'eventsView'));
router.route('/logs/commands', lazy('./logs.js', 'commandsView'));
router.route('/logs/file/:name', lazy('./logs.js', 'fileLogView'));

document.addEventListener('routed', (ev) => {
  const nav = document.getElementById('nav');
  const main = document.getElementById('main');
  markCurrent(nav, ev.detail);
  nav.classList.remove('open');
  document.querySelector('button.menu')?.setAttribute('aria-expanded', 'false');
  // Followed a link of the navigation, or what had focus is gone (the
  // login form): the new page's content comes next for the keyboard and a
  // screen reader, not the rest of the menu.  A view may have focused
  // its own first field (the login page).
  const at = document.activeElement;
  if (!at || at === document.body || nav.contains(at))
    main.focus({ preventScroll: true });
  document.getElementById('app').setAttribute('aria-busy', 'false');
  document.body.dataset.route = ev.detail;
});

// The skip link's "#main" would be a route: move the focus instead.
document.querySelector('a.skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  document.getElementById('main').focus();
});

async function boot() {
  let s = null;
  // Both at once: the schema answers 401 when nobody is logged in.
  const schema = api.get('schema').catch(() => null);
  try { s = await api.session(); } catch (e) {
    toast(`Cannot reach mgmtd: ${e.message}`, 'error');
  }
  if (s && (s.method !== 'session' || localStorage.getItem('mgmtd.csrf'))) {
    state.session = s;
    setSchema((await schema) || await api.get('schema'));
    shell();
    await router.start();
    return;
  }
  await router.start();
}

boot();
