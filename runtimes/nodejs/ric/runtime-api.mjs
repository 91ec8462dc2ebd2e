// A small client for the Lambda Runtime API (2018-06-01) over keep-alive HTTP.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const base = '/2018-06-01/runtime';

export class RuntimeApi {
  constructor(address) {
    const colon = address.lastIndexOf(':');
    this.host = address.slice(0, colon) || '127.0.0.1';
    this.port = Number(address.slice(colon + 1));
  }

  request(method, path, body, headers = {}) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.host, port: this.port, method, path: base + path, agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Blocks until the next invocation. */
  async next() {
    const res = await this.request('GET', '/invocation/next');
    if (res.status !== 200) throw new Error(`runtime API /next answered ${res.status}: ${res.body.toString().slice(0, 200)}`);
    return res;
  }

  respond(id, body) {
    return this.post(`/invocation/${id}/response`, body, { 'Content-Type': 'application/json' });
  }

  error(id, error) {
    return this.post(`/invocation/${id}/error`, JSON.stringify(error), errorHeaders(error));
  }

  initError(error) {
    return this.post('/init/error', JSON.stringify(error), errorHeaders(error));
  }

  async post(path, body, headers) {
    const res = await this.request('POST', path, body, headers);
    // 4xx: the agent refused (state machine, deadline passed); the loop carries on with /next.
    if (res.status >= 300) process.stderr.write(`lamina-ric: ${path} answered ${res.status}: ${res.body.toString().slice(0, 200)}\n`);
    return res;
  }

  /**
   * Opens a streamed response (Lambda-Runtime-Function-Response-Mode: streaming, chunked); errors after
   * the first byte travel in the Lambda-Runtime-Function-Error-Type/-Body trailers.
   */
  openStream(id, contentType) {
    const req = http.request({
      host: this.host, port: this.port, method: 'POST', path: `${base}/invocation/${id}/response`, agent,
      headers: {
        'Content-Type': contentType,
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Transfer-Encoding': 'chunked',
        Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
      },
    });
    const done = new Promise((resolve, reject) => {
      req.on('response', (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
      req.on('error', reject);
    });
    return { req, done };
  }
}

function errorHeaders(error) {
  return { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': error.errorType ?? 'Runtime.Unknown' };
}
