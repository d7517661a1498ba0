// api.js: the REST client.  Cookie session plus the CSRF token the login
// returned (in localStorage, so every tab has it: the cookie is HttpOnly).
export const API = '/api/v1';
const CSRF_KEY = 'mgmtd.csrf';

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) ||
          `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = (problem && problem.errors) || [];
  }
}

// Called on a 401: the app sends the user to the login page.
let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export async function request(method, path, body, { query, raw } = {}) {
  const url = new URL(path.startsWith('/') ? path : `${API}/${path}`,
                      location.origin);
  for (const [k, v] of Object.entries(query || {}))
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  // X-Requested-With: the server answers a 401 without a Basic challenge,
  // which would make the browser prompt for a password.
  const headers = { Accept: 'application/json',
    'X-Requested-With': 'mgmtd-ui' };
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = localStorage.getItem(CSRF_KEY);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const resp = await fetch(url, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (raw && resp.ok) return resp;
  const text = resp.status === 204 ? '' : await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!resp.ok) {
    const err = new ApiError(resp.status, data);
    if (resp.status === 401 && !path.endsWith('/session')) onUnauthorized();
    throw err;
  }
  return data;
}

export const get = (path, query) => request('GET', path, undefined, { query });
export const post = (path, body, query) =>
  request('POST', path, body === undefined ? {} : body, { query });
export const put = (path, body, query) => request('PUT', path, body, { query });
export const patch = (path, body, query) =>
  request('PATCH', path, body, { query });
export const del = (path, query) =>
  request('DELETE', path, undefined, { query });

export async function login(user, password) {
  const s = await request('POST', `${API}/session`, { user, password });
  localStorage.setItem(CSRF_KEY, s.csrf_token);
  return s;
}

export async function logout() {
  try { await request('DELETE', `${API}/session`); } finally {
    localStorage.removeItem(CSRF_KEY);
  }
}

// Who is logged in, or null.
export async function session() {
  try { return await request('GET', `${API}/session`); } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

// Server-sent events with reconnect; returns a function that closes it.
export function stream(path, handlers) {
  const es = new EventSource(path, { withCredentials: true });
  for (const [type, fn] of Object.entries(handlers))
    es.addEventListener(type, (ev) => {
      let data;
      try { data = JSON.parse(ev.data); } catch { data = ev.data; }
      fn(data);
    });
  return () => es.close();
}

// Object path of a class and key, keys encoded as one segment.
export const classPath = (plugin, cls, key) =>
  `${API}/${plugin}/${cls}` +
  (key === undefined || key === null ? '' : `/${encodeURIComponent(key)}`);
