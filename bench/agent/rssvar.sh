#!/usr/bin/env bash
# Peak RSS of the NativeAOT agent with 32 environments under GC setting variants (env vars), alternating.
set -u
bin="$1"; bench="$2"; runtime="$3"; shift 3
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for round in 1 2 3; do
  for variant in "$@"; do
    # $variant unquoted: one run's NAME=VALUE words.
    start_agent "$bin" 2 $variant
    many=$(dotnet "$bench" load "$url" 32 3 256)
    echo "round=$round [$variant] | $many | $(grep VmHWM /proc/$pid/status | tr -s ' \t' ' ') | $(grep VmRSS /proc/$pid/status | tr -s ' \t' ' ') | load=$(cut -d' ' -f1-3 /proc/loadavg)"
    stop_agent
  done
done
