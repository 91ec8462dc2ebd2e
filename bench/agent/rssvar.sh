#!/usr/bin/env bash
# Peak RSS of the NativeAOT agent with 32 environments under GC setting variants (env vars), alternating.
set -u
bin="$1"; bench="$2"; runtime="$3"; shift 3
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for round in 1 2 3; do
  for variant in "$@"; do
    port=$(free_port)
    env $variant AWS_LAMBDA_MAX_CONCURRENCY=32 "$bin" --runtime-api-address 127.0.0.1:0 --runtime-interface-emulator-address "127.0.0.1:$port" "$runtime" >/dev/null 2>&1 &
    pid=$!
    sleep 2
    url="http://127.0.0.1:$port/2015-03-31/functions/function/invocations"
    many=$(dotnet "$bench" load "$url" 32 3 256)
    echo "round=$round [$variant] | $many | $(grep VmHWM /proc/$pid/status | tr -s ' \t' ' ') | $(grep VmRSS /proc/$pid/status | tr -s ' \t' ' ') | load=$(cut -d' ' -f1-3 /proc/loadavg)"
    kill "$pid"; wait "$pid" 2>/dev/null
  done
done
