// awslambda.streamifyResponse and awslambda.HttpResponseStream, as in AWS's Node.js runtime.
import { Writable } from 'node:stream';

export const streamingSymbol = Symbol.for('aws.lambda.runtime.handler.streaming');
const contentTypeSymbol = Symbol.for('aws.lambda.runtime.response.contentType');

/** Marks a handler (event, responseStream, context) as a response-streaming handler. */
export function streamifyResponse(handler) {
  handler[streamingSymbol] = 'response';
  return handler;
}

export const HttpResponseStream = {
  /** Writes the HTTP-integration prelude (status, headers, cookies) and the 8 NUL separator. */
  from(stream, metadata) {
    stream.setContentType?.('application/vnd.awslambda.http-integration-response');
    stream.write(JSON.stringify(metadata ?? {}));
    stream.write(Buffer.alloc(8));
    return stream;
  },
};

/** A Writable over the runtime API's chunked response; finish() resolves when the agent answered. */
export function responseStream(api, id) {
  let opened = null;
  let contentType = 'application/octet-stream';
  const open = () => (opened ??= api.openStream(id, contentType));
  const stream = new Writable({
    write(chunk, encoding, callback) {
      open().req.write(chunk, encoding, callback);
    },
    final(callback) {
      open().req.end(callback);
    },
  });
  stream.setContentType = (type) => { contentType = type; };
  stream[contentTypeSymbol] = () => contentType;
  stream.fail = (error) => {
    const { req } = open();
    req.addTrailers({
      'Lambda-Runtime-Function-Error-Type': error.errorType,
      'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(error)).toString('base64'),
    });
    req.end();
    return opened.done;
  };
  stream.finished = () => new Promise((resolve, reject) => {
    if (stream.writableFinished) resolve();
    stream.on('finish', resolve);
    stream.on('error', reject);
  }).then(() => open().done);
  stream.started = () => opened !== null;
  return stream;
}
