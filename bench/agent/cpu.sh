#!/usr/bin/env bash
# CPU time (utime+stime from /proc/PID/stat) per warm invoke of several lamina-init builds, alternately:
# each agent is started with 32 environments, warmed by a 32-client burst (the environments start then),
# and only a second 32-client run is measured, so runtime start-up and the load tool's warm-up stay out.
# usage: bench/agent/cpu.sh BENCH_DLL RUNTIME SECONDS ROUNDS LAMINA_INIT...   (RUNTIME: cc -O2 bench/agent/runtime.c)
set -u
bench="$1"; runtime="$2"; seconds="$3"; rounds="$4"; shift 4
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for round in $(seq "$rounds"); do
  for bin in "$@"; do
    start_agent "$bin" 1
    dotnet "$bench" load "$url" 32 2 256 >/dev/null
    c0=$(cpu_ticks "$pid")
    out=$(dotnet "$bench" load "$url" 32 "$seconds" 256)
    c1=$(cpu_ticks "$pid")
    requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
    # The load tool's own 1 s warm-up is inside c0..c1 but not in its request count: scale by the measured share.
    echo "round=$round $bin $out cpu_ticks=$((c1 - c0)) cpu_us_per_invoke~$(( (c1 - c0) * 10000 * seconds / ((seconds + 1) * (requests > 0 ? requests : 1)) )) hwm=$(status_kb VmHWM "$pid")kB load=$(cut -d' ' -f1 /proc/loadavg)"
    stop_agent
  done
done
