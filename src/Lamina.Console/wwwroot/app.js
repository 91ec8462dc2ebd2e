// The console's shell: hash routes, the login gate, the header. Pages render into #main.
import { h } from './dom.js';
import { session } from './api.js';
import { loginPage } from './page-login.js';
import { functionsPage } from './page-functions.js';
import { functionPage } from './page-function.js';
import { imagesPage } from './page-images.js';
import { metricsPage } from './page-metrics.js';

let stopPage = null;

const routes = [
  [/^#\/functions\/([^/]+)$/, m => functionPage(decodeURIComponent(m[1]))],
  [/^#\/functions$/, () => functionsPage()],
  [/^#\/images$/, () => imagesPage()],
  [/^#\/metrics$/, () => metricsPage()],
];

async function render() {
  if (stopPage) { stopPage(); stopPage = null; }
  const main = document.getElementById('main');
  const keys = session.get();
  renderWho(keys);
  if (!keys || location.hash === '#/login') {
    main.replaceChildren(loginPage(() => { location.hash = '#/functions'; render(); }));
    return;
  }
  const route = routes.find(([re]) => re.test(location.hash));
  if (!route) { location.hash = '#/functions'; return; }
  const page = await route[1](location.hash.match(route[0]));
  main.replaceChildren(page.element);
  stopPage = page.stop || null;
  document.body.dataset.page = page.name;
}

function renderWho(keys) {
  const who = document.getElementById('who');
  document.getElementById('nav').hidden = !keys;
  if (!keys) { who.replaceChildren(); return; }
  who.replaceChildren(h('span', { class: 'muted' }, keys.accessKeyId, ' · ', keys.region, ' '),
    h('button', { type: 'button', id: 'logout', onclick: () => { session.clear(); location.hash = '#/login'; render(); } }, 'Log out'));
}

window.addEventListener('hashchange', render);
render();
