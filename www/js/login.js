// login.js: the login page; after it, back where the user was.
import * as api from './api.js';
import { h } from './dom.js';

export function loginView(onLoggedIn) {
  return async (_params, main) => {
    document.getElementById('app').classList.add('logged-out');
    const err = h('p.form-error#login-error', { role: 'alert', hidden: true });
    const user = h('input#login-user', { name: 'user', required: true,
      autocomplete: 'username', autocapitalize: 'off', spellcheck: false });
    const pw = h('input#login-password', { name: 'password', type: 'password',
      required: true, autocomplete: 'current-password' });
    const btn = h('button.primary.wide', { type: 'submit' }, 'Log in');
    const form = h('form.login-card', { 'aria-labelledby': 'login-title',
      onsubmit: async (ev) => {
        ev.preventDefault();
        btn.disabled = true;
        err.hidden = true;
        try {
          const s = await api.login(user.value, pw.value);
          await onLoggedIn(s);
        } catch (e) {
          err.textContent = e.status === 401 ? 'Wrong user name or password.'
            : `Cannot log in: ${e.message}`;
          err.hidden = false;
          pw.select();
        } finally {
          btn.disabled = false;
        }
      } },
      h('div.brand-big', h('img', { src: 'favicon.svg', alt: '', width: 40,
        height: 40 }), h('span', 'mgmtd')),
      h('h1#login-title', 'Sign in to the appliance'),
      sessionStorage.getItem('mgmtd.expired') ?
        h('p.notice', 'Your session expired. Log in again to continue.') :
        null,
      h('label', { for: 'login-user' }, 'User name'), user,
      h('label', { for: 'login-password' }, 'Password'), pw,
      err, btn);
    main.append(h('div.login-page', form));
    user.focus();
    return () => document.getElementById('app')
      .classList.remove('logged-out');
  };
}
