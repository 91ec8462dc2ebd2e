#!/usr/bin/env bash
# lamina-init's memory at four points, for several NativeAOT builds alternately (3 rounds): RSS at idle, after
# one invoke, and the peak (VmHWM, reset through /proc/PID/clear_refs before each burst) of a 1-client and a
# 32-client burst against 32 environments; then, unless LAMINA_BENCH_BIG=0, 32 clients x 6 MiB payloads (must
# all succeed: the load tool fails on any non-200 or short answer). CPU time (utime+stime) per invoke of the
# 32-client burst, from /proc/PID/stat, is printed beside the p50 (load disturbs it far less).
# usage: bench/agent/peaks.sh BENCH_DLL RUNTIME SECONDS LAMINA_INIT...   (RUNTIME: cc -O2 bench/agent/runtime.c)
set -u
bench="$1"; runtime="$2"; seconds="$3"; shift 3
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for round in 1 2 3; do
  for bin in "$@"; do
    start_agent "$bin" 2
    idle=$(status_kb VmRSS "$pid")
    curl -s -o /dev/null -d '"x"' "$url"
    one_invoke=$(status_kb VmRSS "$pid")
    echo 5 > "/proc/$pid/clear_refs"
    one=$(dotnet "$bench" load "$url" 1 "$seconds" 256)
    peak1=$(status_kb VmHWM "$pid")
    echo 5 > "/proc/$pid/clear_refs"
    c0=$(cpu_ticks "$pid")
    many=$(dotnet "$bench" load "$url" 32 "$seconds" 256)
    c1=$(cpu_ticks "$pid")
    peak32=$(status_kb VmHWM "$pid"); after=$(status_kb VmRSS "$pid")
    requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$many")
    big="skipped"
    if [ "${LAMINA_BENCH_BIG:-1}" != 0 ]; then
      echo 5 > "/proc/$pid/clear_refs"
      big="$(dotnet "$bench" load "$url" 32 "$seconds" 6291456 2>&1 | tail -1) peak=$(status_kb VmHWM "$pid")kB"
    fi
    echo "round=$round $bin idle=${idle}kB after1=${one_invoke}kB peak1=${peak1}kB peak32=${peak32}kB after32=${after}kB |1| $one |32| $many cpu_us_per_invoke=$(( (c1 - c0) * 10000 / (requests > 0 ? requests : 1) )) (over the warm-up too) |6MiB| $big | load=$(cut -d' ' -f1-3 /proc/loadavg)"
    stop_agent
  done
done
