// One function: configuration, versions (publish) and aliases (move, roll back), the invoke panel, live logs, charts, delete.
import { h, table, errorBox } from './dom.js';
import { lambda, signed, errorOf, fn } from './api.js';
import { loadLogs, loadMetrics, metricRanges, logGroupFor } from './telemetry.js';
import { publishButton, aliasTable, deleteCard, startMarker } from './function-actions.js';
import { metricCharts } from './charts.js';
import { imagePullRow } from './image-pull.js';

export async function functionPage(name) {
  const element = h('section', { id: 'function' }, h('p', {}, h('a', { href: '#/functions' }, '← Functions')), h('h1', {}, name));
  let timer = null;
  let pull = null;
  try {
    const [got, versions, aliases] = await Promise.all([
      lambda('GET', fn(name)),
      lambda('GET', fn(name) + '/versions'),
      lambda('GET', fn(name) + '/aliases'),
    ]);
    const c = got.Configuration || {};
    // The group the function's configuration names (a custom LoggingConfig.LogGroup gets the logs, not /aws/lambda/NAME).
    const logGroup = logGroupFor({ FunctionName: name, ...c });
    // Once a Pending function settles, its state cell shows the new state (the rest of the page reloads on navigation).
    pull = imagePullRow(name, report => {
      const state = element.querySelector('#config .state');
      if (state) { state.className = 'state state-' + report.state.toLowerCase(); state.textContent = report.state; }
    });
    element.append(
      h('div', { class: 'grid' },
        h('div', { class: 'card', id: 'config' }, h('h2', {}, 'Configuration'), configTable(c, got.Code || {}, pull.element, logGroup)),
        h('div', { class: 'card', id: 'versions' }, h('h2', {}, 'Versions'),
          table(['Version', 'Description', 'Code SHA-256', 'Modified'],
            (versions.Versions || []).map(v => [v.Version, v.Description || '', (v.CodeSha256 || '').slice(0, 12), v.LastModified || ''])),
          publishButton(name)),
        h('div', { class: 'card', id: 'aliases' }, h('h2', {}, 'Aliases'), aliasTable(name, aliases.Aliases || [], versions.Versions || []))),
      invokePanel(name, versions.Versions || [], aliases.Aliases || []),
      deleteCard(name));
    const logs = h('pre', { id: 'log-lines', class: 'log' });
    const logStatus = h('p', { id: 'log-status', class: 'muted' });
    const charts = h('div', { id: 'charts', class: 'charts' });
    const rangeTitle = h('span', { id: 'metrics-range-title' }, metricRanges[0][1]);
    const rangeSelect = h('select', { id: 'metrics-range', 'aria-label': 'Metrics range' },
      ...metricRanges.map(([value, words]) => h('option', { value }, words)));
    let range = metricRanges[0][0];
    let drawnAt = 0;
    const drawCharts = async () => {
      const shown = range;
      drawnAt = Date.now();
      const metrics = await loadMetrics(name, shown).catch(() => null);
      // A slower answer for a range no longer selected must not replace the newer one.
      if (shown === range) charts.replaceChildren(...metricCharts(metrics));
    };
    rangeSelect.addEventListener('change', () => {
      range = rangeSelect.value;
      rangeTitle.textContent = metricRanges.find(([value]) => value === range)[1];
      drawCharts().catch(() => {});
    });
    element.append(h('div', { class: 'card', id: 'logs' }, h('h2', {}, 'Logs (live)'), logStatus, logs),
      h('div', { class: 'card', id: 'metrics' }, h('h2', {}, 'Metrics, ', rangeTitle, ' ', rangeSelect), charts));
    const since = Date.now() - 3600 * 1000;
    const refresh = async () => {
      const result = await loadLogs(logGroup, since);
      if (result.events.length === 0) {
        logStatus.textContent = emptyLogStatus(result.error);
        logs.replaceChildren();
      } else {
        const n = result.events.length;
        logStatus.textContent = `${n} line${n === 1 ? '' : 's'}`;
        logs.replaceChildren(...result.events.map(e => h('div', {}, new Date(e.timestamp).toISOString().slice(11, 23), '  ', e.message.trimEnd())));
      }
      // A day or less changes by the minute; longer ranges cost the server a read of control.db (~0.3 s of CPU
      // for 15 busy days), and their hour-wide points barely move: redraw those once a minute.
      if (range === '1h' || range === '24h' || Date.now() - drawnAt >= 60000) await drawCharts();
    };
    pull.start();
    await refresh();
    timer = setInterval(() => refresh().catch(() => {}), 5000);
  } catch (e) {
    element.append(errorBox(e));
  }
  return { name: 'function', element, stop: () => { clearInterval(timer); if (pull) pull.stop(); } };
}

/** What an empty log panel says: a group not created yet is the normal state of a function never invoked. */
function emptyLogStatus(error) {
  if (!error) return 'No log lines in the last hour.';
  if (error.type === 'ResourceNotFoundException') return 'No logs yet: invoke the function and its output appears here.';
  return `no data (${error.type}: ${error.message})`;
}

function configTable(c, code, pullElement, logGroup) {
  const vars = c.Environment && c.Environment.Variables ? Object.entries(c.Environment.Variables).map(([k, v]) => `${k}=${v}`).join('\n') : '';
  const rows = [
    ['State', h('span', { class: 'state state-' + String(c.State || '').toLowerCase() }, c.State || '', c.StateReason ? ` — ${c.StateReason}` : '')],
    ['Last update', c.LastUpdateStatus || ''],
    ['Image pull', pullElement],
    ['Image', code.ImageUri || ''],
    ['Resolved image', code.ResolvedImageUri || ''],
    ['Package type', c.PackageType || ''],
    ['Memory', `${c.MemorySize} MB`], ['Timeout', `${c.Timeout} s`],
    ['Ephemeral storage', c.EphemeralStorage ? `${c.EphemeralStorage.Size} MB` : ''],
    ['Architectures', (c.Architectures || []).join(', ')],
    ['Environment', h('pre', {}, vars)],
    ['Log group', h('span', { id: 'log-group' }, logGroup)],
    ['ARN', c.FunctionArn || ''],
    ['Modified', c.LastModified || ''],
  ];
  return table(['Setting', 'Value'], rows, { class: 'kv' });
}

function invokePanel(name, versions, aliases) {
  const editor = h('textarea', { id: 'payload', rows: 8, spellcheck: 'false' }, '{\n  "key": "value"\n}');
  const validity = h('p', { id: 'payload-status', class: 'muted' }, 'Valid JSON');
  const qualifier = h('select', { id: 'qualifier' },
    [...new Set(['$LATEST', ...versions.map(v => v.Version), ...aliases.map(a => a.Name)])].map(q => h('option', { value: q }, q)));
  const button = h('button', { type: 'button', id: 'invoke' }, 'Invoke');
  const result = h('div', { id: 'invoke-result' });
  const check = () => {
    try { JSON.parse(editor.value); validity.textContent = 'Valid JSON'; validity.className = 'muted'; button.disabled = false; return true; }
    catch (e) { validity.textContent = 'Invalid JSON: ' + e.message; validity.className = 'bad'; button.disabled = true; return false; }
  };
  editor.addEventListener('input', check);
  button.addEventListener('click', async () => {
    if (!check()) return;
    button.disabled = true;
    result.replaceChildren(h('p', { class: 'muted' }, 'Invoking…'));
    const started = performance.now();
    try {
      const r = await signed('lambda', 'POST', fn(name) + '/invocations', {
        query: qualifier.value === '$LATEST' ? [] : [['Qualifier', qualifier.value]],
        headers: { 'content-type': 'application/json', 'x-amz-log-type': 'Tail', 'x-amz-invocation-type': 'RequestResponse' },
        body: editor.value,
      });
      const ms = performance.now() - started;
      const duration = h('p', { id: 'invoke-duration', class: 'muted' }, `${ms.toFixed(1)} ms round trip`);
      if (r.status >= 300) {
        result.replaceChildren(errorBox(errorOf(r)), duration);
        return;
      }
      const functionError = r.headers.get('x-amz-function-error');
      const log = r.headers.get('x-amz-log-result');
      result.replaceChildren(
        functionError ? errorBox({ type: 'Function error', message: functionError }) : h('p', { class: 'ok' }, `Status ${r.status}`),
        startMarker(log ? decodeLog(log) : ''),
        h('pre', { id: 'invoke-payload' }, pretty(r.text)),
        log ? h('pre', { id: 'invoke-log', class: 'log' }, decodeLog(log)) : null,
        duration);
    } catch (e) {
      result.replaceChildren(errorBox(e));
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'card', id: 'invoke-panel' }, h('h2', {}, 'Invoke'),
    h('label', { for: 'payload' }, 'Event (JSON)'), editor, validity,
    h('div', { class: 'row' }, h('label', { for: 'qualifier' }, 'Qualifier '), qualifier, button), result);
}

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

function decodeLog(b64) {
  try { return new TextDecoder().decode(Uint8Array.from(atob(b64), ch => ch.charCodeAt(0))); } catch { return b64; }
}
