// Login: the access key pair (from `lamina credentials`), checked by one signed ListFunctions before it is kept.
import { h, errorBox } from './dom.js';
import { lambda, session } from './api.js';

export function loginPage(onLoggedIn) {
  const key = h('input', { id: 'access-key', name: 'access-key', autocomplete: 'username', required: true, spellcheck: 'false' });
  const secret = h('input', { id: 'secret-key', name: 'secret-key', type: 'password', autocomplete: 'current-password', required: true });
  const region = h('input', { id: 'region', name: 'region', value: 'us-east-1', required: true });
  const status = h('div', { id: 'login-status' });
  const form = h('form', { id: 'login', class: 'card narrow' },
    h('h1', {}, 'Log in to Lamina'),
    h('p', { class: 'muted' }, 'The server\'s access key pair: run ', h('code', {}, 'lamina credentials'), '. The keys stay in this tab and sign each API call (SigV4); the secret itself is never sent.'),
    h('label', { for: 'access-key' }, 'Access key id'), key,
    h('label', { for: 'secret-key' }, 'Secret access key'), secret,
    h('label', { for: 'region' }, 'Region'), region,
    h('button', { type: 'submit', id: 'login-submit' }, 'Log in'),
    status);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const keys = { accessKeyId: key.value.trim(), secretAccessKey: secret.value.trim(), region: region.value.trim() };
    status.replaceChildren(h('p', { class: 'muted' }, 'Checking…'));
    try {
      await lambda('GET', '/2015-03-31/functions', { query: [['MaxItems', '1']], keys });
      session.set(keys);
      onLoggedIn();
    } catch (e) {
      status.replaceChildren(errorBox({ type: 'Refused', message: `${e.type}: ${e.message}` }));
    }
  });
  return form;
}
