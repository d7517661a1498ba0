// router.js: hash routing (#/area/...), so the server needs no fallback.
// A view is async (params, el) => cleanup?; the cleanup runs on leaving.
const routes = [];
let cleanup = null;
let guard = () => null;
let renderSeq = 0;

export function route(pattern, view) {
  const names = [];
  const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, n) => {
    names.push(n);
    return '([^/]+)';
  }) + '/?$');
  routes.push({ re, names, view });
}

// guard(path) returns where to go instead (the login page), or null.
export function setGuard(fn) { guard = fn; }

export function current() {
  return location.hash.replace(/^#/, '') || '/';
}

export function go(path) {
  if (current() === path) render();
  else location.hash = '#' + path;
}

export async function render() {
  const path = current().split('?')[0];
  const main = document.getElementById('main');
  const seq = ++renderSeq;
  const redirect = guard(path);
  if (redirect && redirect !== path) {
    go(redirect);
    return;
  }
  if (cleanup) {
    try { cleanup(); } catch { /* a view's cleanup must not block */ }
    cleanup = null;
  }
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params = {};
    r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
    main.replaceChildren();
    let c = null;
    try {
      c = await r.view(params, main);
    } catch (e) {
      // A 401 already went to the login page; show anything else.
      if (e.status !== 401 && seq === renderSeq) {
        const p = document.createElement('p');
        p.className = 'form-error';
        p.textContent = `Cannot show this page: ${e.message}`;
        main.append(p);
      }
    }
    if (seq !== renderSeq) {
      if (typeof c === 'function') c();
    } else {
      cleanup = typeof c === 'function' ? c : null;
    }
    document.dispatchEvent(new CustomEvent('routed', { detail: path }));
    return;
  }
  go('/');
}

export function start() {
  window.addEventListener('hashchange', render);
  return render();
}
