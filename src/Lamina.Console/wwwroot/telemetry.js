// Adapters from the server's telemetry APIs to the console's models. Each is one function, so pointing the
// console at another endpoint is a change here only.
import { awsJson, signed, ApiError } from './api.js';

/**
 * CloudWatch Logs FilterLogEvents (JSON 1.1) on /aws/lambda/NAME since startTime (ms).
 * Resolves to { events: [{ timestamp, message, stream }], error } — error set (and events empty) when the
 * server has no logs API or the group does not exist yet, which the panel shows as "no data".
 */
export async function loadLogs(functionName, startTime) {
  try {
    const answer = await awsJson('logs', 'Logs_20140328.FilterLogEvents', {
      logGroupName: '/aws/lambda/' + functionName, startTime, limit: 200, interleaved: true,
    });
    const events = (answer.events || []).map(e => ({ timestamp: e.timestamp, message: e.message, stream: e.logStreamName }));
    return { events, error: null };
  } catch (e) {
    if (e instanceof ApiError) return { events: [], error: e };
    throw e;
  }
}

/**
 * Where the metrics JSON lives, or null while the server has no metrics endpoint. Set at merge, e.g.
 * name => ['/lamina/metrics/functions/' + encodeURIComponent(name), [['minutes', '60']]].
 */
export const metricsEndpoint = globalThis.LAMINA_METRICS_ENDPOINT || null;

/**
 * The function's metrics as { series: { invocations, errors, throttles, durationP50, durationP99, concurrency } },
 * each an array of { t: epoch ms, v: number }; null when there is no endpoint or no data.
 * Accepted answers: that shape directly, or { points: [{ timestamp, invocations, errors, throttles,
 * durationP50Ms, durationP99Ms, concurrency }] } (one row per period).
 */
export async function loadMetrics(functionName) {
  if (!metricsEndpoint) return null;
  const [path, query] = metricsEndpoint(functionName);
  const r = await signed('lambda', 'GET', path, { query });
  if (r.status !== 200 || !r.json) return null;
  return normalizeMetrics(r.json);
}

export function normalizeMetrics(json) {
  if (json.series) return json;
  if (!Array.isArray(json.points) || json.points.length === 0) return null;
  const pick = field => json.points.map(p => ({ t: Date.parse(p.timestamp) || p.timestamp, v: Number(p[field] ?? 0) }));
  return {
    series: {
      invocations: pick('invocations'), errors: pick('errors'), throttles: pick('throttles'),
      durationP50: pick('durationP50Ms'), durationP99: pick('durationP99Ms'), concurrency: pick('concurrency'),
    },
  };
}
