// The function page's image pull row: while the function is Pending (or its update InProgress) the server pulls and
// unpacks the image; GET /lamina/api/v1/functions/NAME/image-pull says how far (docs/cli.md). Polled every second until
// the function settles, then left showing the summary.
import { h, bytes } from './dom.js';
import { signed } from './api.js';

export function imagePullRow(name, onSettled) {
  const text = h('span', { id: 'image-pull-text' });
  const bar = h('progress', { id: 'image-pull-bar', max: '1', value: '0', hidden: true });
  const element = h('span', { id: 'image-pull' }, bar, ' ', text);
  let timer = null;
  let settled = false;
  const poll = async () => {
    const r = await signed('lambda', 'GET', '/lamina/api/v1/functions/' + encodeURIComponent(name) + '/image-pull');
    if (r.status !== 200 || !r.json) { text.textContent = ''; return; }
    render(r.json.pull);
    const busy = r.json.state === 'Pending' || r.json.lastUpdateStatus === 'InProgress';
    if (!busy && !settled) {
      settled = true;
      clearInterval(timer);
      if (onSettled) onSettled(r.json);
    }
  };
  const render = p => {
    if (!p) { text.textContent = 'no pull reported'; bar.hidden = true; return; }
    element.dataset.phase = p.phase;
    const total = p.bytesTotal || 0;
    bar.hidden = !(p.phase !== 'done' && p.phase !== 'failed' && total > 0);
    bar.max = String(Math.max(1, total));
    bar.value = String(Math.min(p.bytesDone || 0, total));
    text.textContent = p.phase === 'done' ? `Pulled and unpacked: ${p.layersTotal} layers, ${bytes(total)} in ${p.seconds.toFixed(2)} s`
      : p.phase === 'failed' ? `Pull failed: ${p.error || ''}`
      : p.layersTotal === 0 ? 'Pulling: reading the manifest'
      : `Pulling and unpacking: ${p.layersDone}/${p.layersTotal} layers, ${bytes(p.bytesDone)}/${bytes(total)}`;
  };
  const start = () => {
    poll().catch(() => {});
    timer = setInterval(() => poll().catch(() => {}), 1000);
  };
  return { element, start, stop: () => clearInterval(timer) };
}
