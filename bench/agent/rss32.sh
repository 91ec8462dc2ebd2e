#!/usr/bin/env bash
# Peak RSS of lamina-init with 32 environments: two NativeAOT builds alternately, 3 rounds each.
# usage: bench/agent/rss32.sh BEFORE/lamina-init AFTER/lamina-init BENCH_DLL RUNTIME
#   BENCH_DLL: bench/agent/Lamina.Bench.Agent built (dotnet build … -o DIR); RUNTIME: cc -O2 bench/agent/runtime.c
set -u
before="$1"; after="$2"; bench="$3"; runtime="$4"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for round in 1 2 3; do
  for bin in "$before" "$after"; do
    start_agent "$bin" 2
    one=$(dotnet "$bench" load "$url" 1 5 256)
    many=$(dotnet "$bench" load "$url" 32 5 256)
    echo "round=$round $bin | $one | $many | $(grep VmHWM /proc/$pid/status | tr -s ' \t' ' ') | $(grep VmRSS /proc/$pid/status | tr -s ' \t' ' ') | threads=$(ls /proc/$pid/task | wc -l) | load=$(cut -d' ' -f1-3 /proc/loadavg)"
    stop_agent
  done
done
