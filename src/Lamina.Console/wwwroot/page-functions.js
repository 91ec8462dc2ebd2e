// The function list: ListFunctions (every page), one row per function with its state.
import { h, table, errorBox } from './dom.js';
import { lambda } from './api.js';

export async function functionsPage() {
  const element = h('section', { id: 'functions' }, h('h1', {}, 'Functions'));
  try {
    const functions = [];
    let marker = null;
    do {
      const answer = await lambda('GET', '/2015-03-31/functions', { query: marker ? [['Marker', marker]] : [] });
      functions.push(...(answer.Functions || []));
      marker = answer.NextMarker;
    } while (marker);
    if (functions.length === 0) {
      element.append(h('p', { class: 'muted' }, 'No functions yet. Create one with ', h('code', {}, 'aws lambda create-function --package-type Image …'), '.'));
    } else {
      element.append(table(['Name', 'State', 'Last update', 'Memory', 'Timeout', 'Modified'],
        functions.map(f => [
          h('a', { href: '#/functions/' + encodeURIComponent(f.FunctionName), class: 'fn-link' }, f.FunctionName),
          h('span', { class: 'state state-' + String(f.State || '').toLowerCase() }, f.State || ''),
          f.LastUpdateStatus || '', `${f.MemorySize} MB`, `${f.Timeout} s`, f.LastModified || '',
        ]), { id: 'function-list' }));
    }
  } catch (e) {
    element.append(errorBox(e));
  }
  return { name: 'functions', element };
}
