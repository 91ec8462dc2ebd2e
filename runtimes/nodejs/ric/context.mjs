// The context object handlers receive, with the property names of AWS's Node.js runtime.

function jsonHeader(headers, name) {
  const text = headers[name];
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function makeContext(id, headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms'] ?? 0);
  const env = process.env;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: jsonHeader(headers, 'lambda-runtime-cognito-identity'),
    clientContext: jsonHeader(headers, 'lambda-runtime-client-context'),
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}
