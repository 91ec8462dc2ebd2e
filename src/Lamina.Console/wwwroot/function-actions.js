// The function page's write actions: publish a version, point an alias at a version (a rollback is pointing
// it back), delete the function. Each is one signed Lambda call; the page re-renders from the server after it.
import { h, table, errorBox } from './dom.js';
import { lambda, fn } from './api.js';

const send = (method, path, body) =>
  lambda(method, path, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));

/** "Publish $LATEST" under the versions table: PublishVersion, then the page again. */
export function publishButton(name) {
  const status = h('div', { id: 'publish-status' });
  const button = h('button', { type: 'button', id: 'publish' }, 'Publish $LATEST as a version');
  button.addEventListener('click', () => act(button, status, () => send('POST', fn(name) + '/versions', {})));
  return h('div', {}, button, status);
}

/** Aliases with their version, routing and a version picker + "Point" button per alias (UpdateAlias). */
export function aliasTable(name, aliases, versions) {
  if (aliases.length === 0) return h('p', { class: 'muted' }, 'No aliases.');
  const choices = versions.map(v => v.Version);
  const status = h('div', { id: 'alias-status' });
  const rows = aliases.map(a => {
    const pick = h('select', { id: 'alias-version-' + a.Name, 'aria-label': `version for ${a.Name}` },
      choices.map(v => h('option', { value: v, selected: v === a.FunctionVersion }, v)));
    const button = h('button', { type: 'button', id: 'alias-set-' + a.Name, class: 'small' }, 'Point');
    button.addEventListener('click', () => act(button, status,
      () => send('PUT', fn(name) + '/aliases/' + encodeURIComponent(a.Name), { FunctionVersion: pick.value })));
    const weights = a.RoutingConfig && a.RoutingConfig.AdditionalVersionWeights ? JSON.stringify(a.RoutingConfig.AdditionalVersionWeights) : '';
    const target = h('span', { class: 'alias-target', 'data-alias': a.Name }, a.FunctionVersion);
    return [a.Name, weights ? h('span', {}, target, ' + ', weights) : target, h('span', { class: 'row' }, pick, button)];
  });
  return h('div', {}, table(['Alias', 'Version', 'Move to'], rows, { class: 'aliases' }), status);
}

/** Delete, behind a confirmation: DeleteFunction, then the function list. */
export function deleteCard(name) {
  const status = h('div', { id: 'delete-status' });
  const button = h('button', { type: 'button', id: 'delete-function', class: 'danger' }, `Delete ${name}`);
  button.addEventListener('click', async () => {
    if (!window.confirm(`Delete function ${name}, all its versions and aliases?`)) return;
    await act(button, status, () => lambda('DELETE', fn(name)), () => { location.hash = '#/functions'; });
  });
  return h('div', { class: 'card', id: 'danger' }, h('h2', {}, 'Delete'), button, status);
}

/** "cold start (Init Duration N ms)" or "warm", from the REPORT line of the log tail (or the JSON log format's platform.report). */
export function startMarker(log) {
  const json = /"type":"platform\.report"/.test(log);
  if (!log.includes('REPORT RequestId') && !json) return null;
  const init = json ? /"initDurationMs":([\d.]+)/.exec(log) : /Init Duration: ([\d.]+) ms/.exec(log);
  return h('p', { id: 'invoke-start', class: init ? 'cold' : 'muted' }, init ? `cold start (Init Duration ${init[1]} ms)` : 'warm');
}

async function act(button, status, call, done = reload) {
  button.disabled = true;
  status.replaceChildren();
  try {
    await call();
    done();
  } catch (e) {
    status.replaceChildren(errorBox(e));
  } finally {
    button.disabled = false;
  }
}
