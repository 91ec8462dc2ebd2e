// Adapters from the server's telemetry APIs to the console's models. Each is one function, so pointing the
// console at another endpoint is a change here only.
import { awsJson, signed, ApiError } from './api.js';

/**
 * CloudWatch Logs FilterLogEvents (JSON 1.1) on a function's log group since startTime (ms); logGroupFor names the group.
 * Resolves to { events: [{ timestamp, message, stream }], error } — error set (and events empty) when the
 * server has no logs API or the group does not exist yet, which the panel shows as "no data".
 */
export async function loadLogs(logGroup, startTime) {
  try {
    const answer = await awsJson('logs', 'Logs_20140328.FilterLogEvents', {
      logGroupName: logGroup, startTime, limit: 200, interleaved: true,
    });
    const events = (answer.events || []).map(e => ({ timestamp: e.timestamp, message: e.message, stream: e.logStreamName }));
    return { events, error: null };
  } catch (e) {
    if (e instanceof ApiError) return { events: [], error: e };
    throw e;
  }
}

/** A function's log group from its configuration (LoggingConfig.LogGroup), Lambda's default when it names none. */
export function logGroupFor(configuration) {
  const configured = configuration.LoggingConfig && configuration.LoggingConfig.LogGroup;
  return configured || '/aws/lambda/' + configuration.FunctionName;
}

/** The ranges the metrics API offers (?range=), with the words the page shows. */
export const metricRanges = [['1h', 'last hour'], ['24h', 'last 24 hours'], ['7d', 'last 7 days'], ['15d', 'last 15 days']];

/**
 * Where the metrics JSON lives: the control plane's series over a range (docs/logs.md, "Metrics"), signed
 * as service lambda. A page may override it (tests do) with globalThis.LAMINA_METRICS_ENDPOINT(name, range).
 */
export const metricsEndpoint = globalThis.LAMINA_METRICS_ENDPOINT
  || ((name, range) => ['/lamina/api/v1/functions/' + encodeURIComponent(name) + '/metrics', [['range', range]]]);

/**
 * The function's metrics as { series: { invocations, errors, throttles, durationP50, durationP99, concurrency } },
 * each an array of { t: epoch ms, v: number }; null when there is no endpoint or no data.
 * Accepted answers: that shape directly, or { points: [{ time | timestamp, invocations, errors, throttles,
 * durationP50Ms, durationP99Ms, maxConcurrency | concurrency }] } (one row per period; a null duration means
 * no sample in that period and is left out, so a function never invoked shows "no data" for durations).
 */
export async function loadMetrics(functionName, range = '1h') {
  if (!metricsEndpoint) return null;
  const [path, query] = metricsEndpoint(functionName, range);
  const r = await signed('lambda', 'GET', path, { query });
  if (r.status !== 200 || !r.json) return null;
  return normalizeMetrics(r.json);
}

export function normalizeMetrics(json) {
  if (json.series) return json;
  if (!Array.isArray(json.points) || json.points.length === 0) return null;
  const at = p => Date.parse(p.time ?? p.timestamp) || (p.time ?? p.timestamp);
  const pick = (...fields) => json.points
    .map(p => ({ t: at(p), v: fields.map(f => p[f]).find(v => v !== undefined) }))
    .filter(p => p.v !== null && p.v !== undefined)
    .map(p => ({ t: p.t, v: Number(p.v) }));
  return {
    series: {
      invocations: pick('invocations'), errors: pick('errors'), throttles: pick('throttles'),
      durationP50: pick('durationP50Ms'), durationP99: pick('durationP99Ms'), concurrency: pick('maxConcurrency', 'concurrency'),
    },
  };
}
