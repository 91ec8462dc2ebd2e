#!/usr/bin/env bash
# Peak RSS of lamina-init with 32 environments: two NativeAOT builds alternately, 3 rounds each.
# usage: bench/agent/rss32.sh BEFORE/lamina-init AFTER/lamina-init BENCH_DLL RUNTIME
#   BENCH_DLL: bench/agent/Lamina.Bench.Agent built (dotnet build … -o DIR); RUNTIME: cc -O2 bench/agent/runtime.c
set -u
before="$1"; after="$2"; bench="$3"; runtime="$4"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for round in 1 2 3; do
  for bin in "$before" "$after"; do
    port=$(free_port)
    AWS_LAMBDA_MAX_CONCURRENCY=32 "$bin" --runtime-api-address 127.0.0.1:0 --runtime-interface-emulator-address "127.0.0.1:$port" "$runtime" >/dev/null 2>&1 &
    pid=$!
    sleep 2
    url="http://127.0.0.1:$port/2015-03-31/functions/function/invocations"
    one=$(dotnet "$bench" load "$url" 1 5 256)
    many=$(dotnet "$bench" load "$url" 32 5 256)
    echo "round=$round $bin | $one | $many | $(grep VmHWM /proc/$pid/status | tr -s ' \t' ' ') | $(grep VmRSS /proc/$pid/status | tr -s ' \t' ' ') | threads=$(ls /proc/$pid/task | wc -l) | load=$(cut -d' ' -f1-3 /proc/loadavg)"
    kill "$pid"; wait "$pid" 2>/dev/null
  done
done
