// Hand-written SVG line charts: no library, no canvas, readable by the DOM (tests count the points).
const NS = 'http://www.w3.org/2000/svg';
const W = 320, H = 120, PAD = 30;

function svg(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * One chart: a titled SVG of one or more series [{ name, points: [{t, v}] }] on a shared scale;
 * "no data" when no series has a point.
 */
export function lineChart(title, series, unit = '') {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart', role: 'img', 'aria-label': title });
  root.append(svg('text', { x: 4, y: 12, class: 'chart-title' }, title));
  const all = series.flatMap(s => s.points || []);
  if (all.length === 0) {
    root.append(svg('text', { x: W / 2, y: H / 2 + 6, 'text-anchor': 'middle', class: 'no-data' }, 'no data'));
    return root;
  }
  const t0 = Math.min(...all.map(p => p.t)), t1 = Math.max(...all.map(p => p.t));
  const max = Math.max(1, ...all.map(p => p.v));
  const x = t => PAD + (t1 === t0 ? (W - 2 * PAD) / 2 : ((t - t0) / (t1 - t0)) * (W - 2 * PAD));
  const y = v => H - 10 - (v / max) * (H - 30);
  root.append(svg('line', { x1: PAD, y1: H - 10, x2: W - PAD / 2, y2: H - 10, class: 'axis' }));
  root.append(svg('text', { x: 2, y: y(max) + 4, class: 'chart-label' }, `${+max.toFixed(1)}${unit}`));
  series.forEach((s, i) => {
    const pts = s.points || [];
    if (pts.length === 0) return;
    root.append(svg('polyline', { points: pts.map(p => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '), class: `line series-${i}`, fill: 'none' }));
    for (const p of pts) root.append(svg('circle', { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2, class: `point series-${i}` }));
    if (series.length > 1) root.append(svg('text', { x: W - 60, y: 12 + 11 * i, class: `chart-legend series-${i}` }, s.name));
  });
  return root;
}

/** The function page's five charts from a metrics model (telemetry.js loadMetrics), or "no data" in each. */
export function metricCharts(model) {
  const s = (model && model.series) || {};
  const one = (name, key) => [{ name, points: s[key] || [] }];
  return [
    lineChart('Invocations', one('invocations', 'invocations')),
    lineChart('Errors', one('errors', 'errors')),
    lineChart('Throttles', one('throttles', 'throttles')),
    lineChart('Duration (ms)', [{ name: 'p99', points: s.durationP99 || [] }, { name: 'p50', points: s.durationP50 || [] }], ' ms'),
    lineChart('Concurrency', one('concurrency', 'concurrency')),
  ];
}
