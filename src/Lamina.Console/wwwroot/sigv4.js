// AWS Signature Version 4 in the browser (WebCrypto HMAC/SHA-256), written from the SigV4 specification.
// The console signs its calls to Lamina's public APIs exactly as the AWS CLI does; the secret never leaves
// this tab (sessionStorage) and is sent nowhere. WebCrypto exists only in secure contexts: https, or
// http://127.0.0.1 / http://localhost.

const encoder = new TextEncoder();

export const cryptoAvailable = () => !!(globalThis.crypto && crypto.subtle);

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), b => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(data) {
  return hex(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? encoder.encode(data) : data));
}

async function hmac(key, text) {
  const raw = typeof key === 'string' ? encoder.encode(key) : key;
  const k = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, encoder.encode(text));
}

// RFC 3986 unreserved characters are kept; everything else is %XX (encodeURIComponent leaves !'()*).
export function uriEncode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The query string for [[name, value], …] (decoded values), encoded and sorted as SigV4 canonicalises it. */
export function canonicalQuery(pairs) {
  return pairs.map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * Signs a request and returns the headers to send (x-amz-date, authorization, plus the given ones).
 * path: the path as sent (already percent-encoded); it is encoded once more, as every AWS service but S3 signs it.
 * headers: lower-case names; all of them are signed, with host.
 */
export async function sign({ method, path, query = [], headers = {}, body = '', service, region, accessKeyId, secretAccessKey, host, now = new Date() }) {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const all = { ...headers, host, 'x-amz-date': amzDate };
  const names = Object.keys(all).map(n => n.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(all).map(([k, v]) => [k.toLowerCase(), String(v).trim().replace(/\s+/g, ' ')]));
  const canonicalHeaders = names.map(n => `${n}:${lower[n]}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalUri = path.split('/').map(uriEncode).join('/');
  const canonicalRequest = [method, canonicalUri, canonicalQuery(query), canonicalHeaders, signedHeaders, await sha256Hex(body)].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256Hex(canonicalRequest)].join('\n');
  let key = await hmac('AWS4' + secretAccessKey, day);
  for (const part of [region, service, 'aws4_request']) key = await hmac(key, part);
  const signature = hex(await hmac(key, toSign));
  const out = { ...headers, 'x-amz-date': amzDate };
  out.authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return out;
}
