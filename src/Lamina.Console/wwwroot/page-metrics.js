// The server's Prometheus endpoint (/metrics, signed like every other call), as a table people can read:
// one row per sample (metric, labels, value) with the family's HELP text, and the raw exposition below it.
import { h, table, errorBox } from './dom.js';
import { signed, errorOf } from './api.js';

export async function metricsPage() {
  const element = h('section', { id: 'prometheus' }, h('h1', {}, 'Server metrics (Prometheus)'));
  let timer = null;
  const body = h('div', {});
  const refresh = async () => {
    const r = await signed('lambda', 'GET', '/metrics');
    if (r.status >= 300) { body.replaceChildren(errorBox(errorOf(r))); return; }
    const { samples, help } = parse(r.text);
    body.replaceChildren(
      h('p', { class: 'muted', id: 'metrics-count' }, `${samples.length} samples from /metrics, refreshed every 5 s`),
      h('div', { class: 'card' }, table(['Metric', 'Labels', 'Value'],
        samples.map(s => [h('span', { title: help.get(s.family) || '' }, s.name), s.labels, s.value]), { class: 'metrics-table' })),
      h('details', { class: 'card' }, h('summary', {}, 'Raw exposition (text/plain; version=0.0.4)'), h('pre', { id: 'metrics-raw' }, r.text)));
  };
  element.append(body);
  try {
    await refresh();
    timer = setInterval(() => refresh().catch(() => {}), 5000);
  } catch (e) {
    element.append(errorBox(e));
  }
  return { name: 'metrics', element, stop: () => clearInterval(timer) };
}

/** Prometheus text format 0.0.4: "# HELP name text", "# TYPE …", and "name{labels} value [timestamp]" lines. */
function parse(text) {
  const samples = [];
  const help = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const space = rest.indexOf(' ');
      help.set(rest.slice(0, space), rest.slice(space + 1));
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const family = m[1].replace(/_(bucket|sum|count|total)$/, '');
    samples.push({ name: m[1], family: help.has(m[1]) ? m[1] : family, labels: (m[2] || '').slice(1, -1), value: m[3] });
  }
  return { samples, help };
}
