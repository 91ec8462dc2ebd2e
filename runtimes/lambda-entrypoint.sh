#!/bin/sh
# /lambda-entrypoint.sh of Lamina's base images (docs/runtimes.md).
# ENTRYPOINT ["/lambda-entrypoint.sh"], CMD ["HANDLER"]: the handler ($1) becomes _HANDLER for the runtime.
# Inside Lamina (or AWS) AWS_LAMBDA_RUNTIME_API is set: exec the runtime's bootstrap, which runs the runtime
# interface client. Run on its own (`docker run -p 9000:8080 IMAGE`) it is unset: exec lamina-init as the
# Runtime Interface Emulator, which starts the same bootstrap with AWS_LAMBDA_RUNTIME_API pointing at itself.
set -eu
if [ "$#" -ge 1 ] && [ -n "$1" ]; then
  export _HANDLER="$1"
fi
task_root="${LAMBDA_TASK_ROOT:-/var/task}"
if [ -x "${LAMBDA_RUNTIME_DIR:-/var/runtime}/bootstrap" ]; then
  bootstrap="${LAMBDA_RUNTIME_DIR:-/var/runtime}/bootstrap"
elif [ -x "$task_root/bootstrap" ]; then
  bootstrap="$task_root/bootstrap"
else
  echo "lambda-entrypoint: no executable bootstrap in ${LAMBDA_RUNTIME_DIR:-/var/runtime} or $task_root" >&2
  exit 127
fi
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
  exec /opt/lamina/lamina-init \
    --runtime-interface-emulator-address "${LAMINA_RIE_ADDRESS:-0.0.0.0:8080}" \
    --runtime-api-address "${LAMINA_RUNTIME_API_ADDRESS:-127.0.0.1:9001}" \
    -- "$bootstrap"
fi
exec "$bootstrap"
