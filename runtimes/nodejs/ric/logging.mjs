// console.* write AWS's text format: TIMESTAMP\tREQUEST_ID\tLEVEL\tMESSAGE, one record per call.
import { format } from 'node:util';

let requestId = 'undefined';

export function setRequestId(id) {
  requestId = id;
}

export function patchConsole() {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      // Newlines inside one record become \r so a log reader keeps the record whole (as AWS does).
      const message = format(...args).replace(/\n/g, '\r');
      process.stdout.write(`${new Date().toISOString()}\t${requestId}\t${level}\t${message}\n`);
    };
  }
}
