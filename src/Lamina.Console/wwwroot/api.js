// Calls to Lamina's public APIs, signed with the keys of this tab's session. One place turns an error
// answer into {type, message}, whichever protocol it came from.
import { sign, canonicalQuery, cryptoAvailable } from './sigv4.js';

const KEY = 'lamina.console.keys';

export const session = {
  get() { try { return JSON.parse(sessionStorage.getItem(KEY)); } catch { return null; } },
  set(keys) { sessionStorage.setItem(KEY, JSON.stringify(keys)); },
  clear() { sessionStorage.removeItem(KEY); },
};

export class ApiError extends Error {
  constructor(status, type, message) { super(message); this.status = status; this.type = type; }
  toString() { return `${this.type}: ${this.message}`; }
}

async function parse(response) {
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: response.status, headers: response.headers, text, json };
}

/** The error of a failed answer: x-amzn-ErrorType, else the body's type fields; the body's message. */
export function errorOf(r) {
  const header = r.headers.get('x-amzn-ErrorType');
  const j = r.json || {};
  const type = (header ? header.split(':')[0] : null) || j.__type || j.Type || j.errorType || j.code || `HTTP ${r.status}`;
  const message = j.message || j.Message || j.errorMessage || (j.errors && j.errors[0] && j.errors[0].message) || r.text || '';
  return new ApiError(r.status, String(type).split('#').pop(), message);
}

/** A SigV4-signed request; resolves to {status, headers, text, json} whatever the status. */
export async function signed(service, method, path, { query = [], headers = {}, body = '', keys = session.get() } = {}) {
  if (!cryptoAvailable()) throw new ApiError(0, 'InsecureContext', 'The console needs WebCrypto: open it over https or at http://127.0.0.1 / http://localhost.');
  if (!keys) throw new ApiError(401, 'NotLoggedIn', 'Log in first.');
  const signedHeaders = await sign({
    method, path, query, headers, body, service, region: keys.region,
    accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, host: location.host,
  });
  const qs = canonicalQuery(query);
  const response = await fetch(path + (qs ? '?' + qs : ''), { method, headers: signedHeaders, body: method === 'GET' ? undefined : body, credentials: 'omit' });
  return parse(response);
}

/** Lambda REST: the JSON answer, or throws ApiError. */
export async function lambda(method, path, options) {
  const r = await signed('lambda', method, path, options);
  if (r.status >= 300) throw errorOf(r);
  return r.json;
}

/** An AWS JSON 1.1 operation (POST / with X-Amz-Target): the JSON answer, or throws ApiError. */
export async function awsJson(service, target, payload) {
  const r = await signed(service, 'POST', '/', {
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: JSON.stringify(payload),
  });
  if (r.status >= 300) throw errorOf(r);
  return r.json || {};
}

export const fn = name => '/2015-03-31/functions/' + encodeURIComponent(name);
