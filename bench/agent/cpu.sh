#!/usr/bin/env bash
# CPU time (utime+stime from /proc/PID/stat) per warm invoke of several lamina-init builds, alternately:
# each agent is started with 32 environments, warmed by a 32-client burst (the environments start then),
# and only a second 32-client run is measured, so runtime start-up and the load tool's warm-up stay out.
# usage: bench/agent/cpu.sh BENCH_DLL RUNTIME SECONDS ROUNDS LAMINA_INIT...   (RUNTIME: cc -O2 bench/agent/runtime.c)
set -u
bench="$1"; runtime="$2"; seconds="$3"; rounds="$4"; shift 4
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
for round in $(seq "$rounds"); do
  for bin in "$@"; do
    port=$(free_port)
    AWS_LAMBDA_MAX_CONCURRENCY=32 "$bin" --runtime-api-address 127.0.0.1:0 --runtime-interface-emulator-address "127.0.0.1:$port" "$runtime" >/dev/null 2>&1 &
    pid=$!
    sleep 1
    url="http://127.0.0.1:$port/2015-03-31/functions/function/invocations"
    dotnet "$bench" load "$url" 32 2 256 >/dev/null
    c0=$(cpu "$pid")
    out=$(dotnet "$bench" load "$url" 32 "$seconds" 256)
    c1=$(cpu "$pid")
    requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
    # The load tool's own 1 s warm-up is inside c0..c1 but not in its request count: scale by the measured share.
    echo "round=$round $bin $out cpu_ticks=$((c1 - c0)) cpu_us_per_invoke~$(( (c1 - c0) * 10000 * seconds / ((seconds + 1) * (requests > 0 ? requests : 1)) )) hwm=$(awk '$1=="VmHWM:"{print $2}' /proc/$pid/status)kB load=$(cut -d' ' -f1 /proc/loadavg)"
    kill "$pid"; wait "$pid" 2>/dev/null
  done
done
