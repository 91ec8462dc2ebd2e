#!/usr/bin/env bash
# 1-client push probe: server CPU, epoll wake-ups, context switches and sched_yield calls per 178 MB skopeo push.
#
#   bench/registry/push-probe.sh [--rounds R] [--pushes N] [--nice N] [--work DIR] LABEL=BIN[@VAR=VALUE,...]|dist ...
#
# Each LABEL=BIN is a Lamina build directory (holding lamina.dll; `dotnet build src/Lamina.Cli -c Release -o BIN`),
# LABEL=dist is Debian's docker-registry. Per round and configuration (alternated): a fresh server on a fresh data
# directory, 3 warm-up push+pull rounds of a small image, then N pushes of the benchmark image into new
# repositories, the skopeo blob-info cache removed before each so nothing is mounted. Per push: server
# utime+stime from /proc/PID/stat, and `perf stat -p PID` counters. Needs root (perf, nice < 0) and linux-perf.
# Prints one line per push and medians per LABEL. Servers listen on 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds=2; pushes=3; nicev=0; work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2;; --pushes) pushes="$2"; shift 2;;
    --nice) nicev="$2"; shift 2;; --work) work="$2"; shift 2;;
    *=*) break;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
[ $# -gt 0 ] || { echo "name at least one LABEL=BIN or LABEL=dist" >&2; exit 2; }
[ -n "$work" ] || work="$(mktemp -d /tmp/lamina-push-probe-XXXXXX)"
"$root/scripts/ensure-packages.sh" skopeo docker-registry python3 curl linux-perf
. "$root/bench/registry/probe-lib.sh"
probe_images
sk() { probe_copy "$@"; }
events=context-switches,syscalls:sys_enter_sched_yield,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_futex
out="$work/probe.log"; : > "$out"
trap cleanup EXIT
for round in $(seq 1 "$rounds"); do
  for cfg in "$@"; do
    probe_start "$cfg"
    for p in $(seq 1 "$pushes"); do
      perf stat -x, -e "$events" -p "$pid" -o "$data/stat" & perf_pid=$!
      sleep 0.3
      read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat"); t0=$(date +%s.%N)
      sk "oci:$img:v1" "docker://$host/bench/r$p:v1"
      t1=$(date +%s.%N); read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
      kill -INT "$perf_pid"; wait "$perf_pid" || true
      counts=$(awk -F, '$3 != "" {sub("syscalls:sys_enter_", "", $3); printf "%s=%s ", $3, $1}' "$data/stat")
      line="$label round $round push $p: ticks $((u1 - u0 + s1 - s0)) wall $(python3 -c "print(f'{$t1 - $t0:.2f}')") ${counts}load $(cut -d' ' -f1 /proc/loadavg)"
      echo "$line" | tee -a "$out"
    done
    cleanup
  done
done
python3 - "$out" <<'PY'
import re, statistics as st, sys
rows = {}
for line in open(sys.argv[1]):
    label = line.split()[0]
    kv = dict(re.findall(r"(\S+?)=(\S+)", line))
    ticks = int(re.search(r"ticks (\d+)", line).group(1)); wall = float(re.search(r"wall (\S+)", line).group(1))
    rows.setdefault(label, []).append((ticks, wall, kv))
for label, v in rows.items():
    t = [x[0] for x in v]
    med = lambda k: st.median(int(x[2].get(k, "0").split(".")[0] or 0) for x in v)
    print(f"{label}: {len(v)} pushes, server CPU ticks median {st.median(t)} (range {min(t)}-{max(t)}), wall median {st.median([x[1] for x in v]):.2f} s, "
          f"epoll_wait {med('epoll_wait')}, context-switches {med('context-switches')}, sched_yield {med('sched_yield')}, futex {med('futex')}")
PY
