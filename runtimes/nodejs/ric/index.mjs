// Lamina's Node.js runtime interface client: node index.mjs HANDLER (docs/runtimes.md).
import { RuntimeApi } from './runtime-api.mjs';
import { InitFault, loadHandler } from './handler.mjs';
import { HttpResponseStream, responseStream, streamifyResponse, streamingSymbol } from './streaming.mjs';
import { makeContext } from './context.mjs';
import { patchConsole, setRequestId } from './logging.mjs';

/** AWS's Node.js error body: {errorType, errorMessage, trace}. */
export function errorShape(e) {
  if (e instanceof InitFault) return { errorType: e.errorType, errorMessage: e.message, trace: traceOf(e) };
  if (e instanceof Error) return { errorType: e.name ?? 'Error', errorMessage: e.message, trace: traceOf(e) };
  return { errorType: typeof e === 'string' ? 'string' : typeof e, errorMessage: String(e), trace: [] };
}

function traceOf(e) {
  return typeof e.stack === 'string' ? e.stack.split('\n') : [];
}

const address = process.env.AWS_LAMBDA_RUNTIME_API;
if (!address) {
  process.stderr.write('lamina-ric: AWS_LAMBDA_RUNTIME_API is not set (run the image, or lamina-init, to get one)\n');
  process.exit(2);
}
const api = new RuntimeApi(address);
globalThis.awslambda = { streamifyResponse, HttpResponseStream };
patchConsole();

let handler;
try {
  handler = await loadHandler(process.env.LAMBDA_TASK_ROOT ?? '/var/task', process.argv[2] ?? process.env._HANDLER ?? '');
} catch (e) {
  const error = errorShape(e);
  console.error(JSON.stringify(error));
  await api.initError(error);
  process.exit(1);
}

let current = null;
// An exception nobody caught ends the invocation in flight with its error, then the process (as AWS does).
for (const event of ['uncaughtException', 'unhandledRejection']) {
  process.on(event, async (e) => {
    const error = errorShape(e);
    if (event === 'unhandledRejection' && !(e instanceof Error)) error.errorType = 'Runtime.UnhandledPromiseRejection';
    console.error(JSON.stringify(error));
    if (current !== null) await api.error(current, error).catch(() => {});
    process.exit(128);
  });
}

for (;;) {
  const next = await api.next();
  const id = next.headers['lambda-runtime-aws-request-id'];
  current = id;
  setRequestId(id);
  if (next.headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
  else delete process.env._X_AMZN_TRACE_ID;
  await invoke(id, next);
  current = null;
}

async function invoke(id, next) {
  let event;
  try {
    event = next.body.length ? JSON.parse(next.body.toString('utf8')) : {};
  } catch (e) {
    await api.error(id, { errorType: 'Runtime.UnmarshalError', errorMessage: `Unable to unmarshal input: ${e.message}`, trace: [] });
    return;
  }
  const context = makeContext(id, next.headers);
  if (handler[streamingSymbol] === 'response') {
    const stream = responseStream(api, id);
    try {
      await handler(event, stream, context);
      if (!stream.writableEnded) stream.end();
      await stream.finished();
    } catch (e) {
      const error = errorShape(e);
      console.error(JSON.stringify(error));
      if (stream.started()) await stream.fail(error);
      else await api.error(id, error);
    }
    return;
  }
  let result;
  try {
    result = await call(handler, event, context);
  } catch (e) {
    const error = errorShape(e);
    console.error(JSON.stringify(error));
    await api.error(id, error);
    return;
  }
  let body;
  try {
    body = JSON.stringify(result === undefined ? null : result);
  } catch (e) {
    await api.error(id, { errorType: 'Runtime.MarshalError', errorMessage: `Unable to stringify response body: ${e.message}`, trace: [] });
    return;
  }
  await api.respond(id, body);
}

/** Async handlers return a promise; handlers declaring a third parameter answer through the callback. */
function call(fn, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (err, value) => {
      if (settled) return;
      settled = true;
      if (err !== null && err !== undefined) reject(err); else resolve(value);
    };
    context.succeed = (value) => callback(null, value);
    context.fail = (err) => callback(err ?? new Error('handled'));
    context.done = callback;
    let returned;
    try {
      returned = fn(event, context, callback);
    } catch (e) {
      callback(e);
      return;
    }
    if (returned && typeof returned.then === 'function') returned.then((v) => callback(null, v), (e) => callback(e));
    else if (fn.length < 3) callback(null, returned);
  });
}
