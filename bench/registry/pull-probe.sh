#!/usr/bin/env bash
# 1-client pull probe: wall time, server CPU, client (skopeo) CPU and server wake-ups per 178 MB skopeo pull.
#
#   bench/registry/pull-probe.sh [--rounds R] [--pulls N] [--nice N] [--work DIR] [--perf] LABEL=BIN[@VAR=VALUE,...]|dist ...
#
# Each LABEL=BIN is a Lamina build directory (holding lamina.dll; `dotnet build src/Lamina.Cli -c Release -o BIN`),
# optionally with environment variables for that server after @ (e.g. `copy=BIN@LAMINA__Registry__BlobSend=Copy`);
# LABEL=dist is Debian's docker-registry. Per round and configuration (alternated): a fresh server on a fresh data
# directory, 3 warm-up push+pull rounds of a small image, one push of the benchmark image, one unmeasured pull (page
# cache and code paths warm), then N measured `skopeo copy docker://… dir:…` pulls into a fresh directory each.
# Per pull: wall seconds, server utime+stime from /proc/PID/stat, skopeo's own user+sys (bash `times` of the child),
# and with --perf `perf stat -p PID` counters on the server (needs root and linux-perf) plus one extra pull under
# `perf record` of skopeo (samples in the client's softirqs, receive copy and file-write copy: WORK/profile.log).
# One extra --debug pull per configuration is kept in WORK/LABEL.debug (the request sequence skopeo made).
# Prints one line per pull and medians per LABEL. Servers listen on 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds=3; pulls=3; nicev=0; work=""; useperf=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2;; --pulls) pulls="$2"; shift 2;;
    --nice) nicev="$2"; shift 2;; --work) work="$2"; shift 2;; --perf) useperf=1; shift;;
    *=*) break;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
[ $# -gt 0 ] || { echo "name at least one LABEL=BIN or LABEL=dist" >&2; exit 2; }
[ -n "$work" ] || work="$(mktemp -d /tmp/lamina-pull-probe-XXXXXX)"
mkdir -p "$work"
pkgs=(skopeo docker-registry python3 curl); [ "$useperf" = 1 ] && pkgs+=(linux-perf)
"$root/scripts/ensure-packages.sh" "${pkgs[@]}"
. "$root/bench/registry/probe-lib.sh"
probe_images
sk() { rm -f "$cache"; nice -n "$nicev" skopeo --insecure-policy copy --dest-tls-verify=false --src-tls-verify=false "$@"; }
events=context-switches,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_futex,syscalls:sys_enter_sendfile64,syscalls:sys_enter_sched_yield
out="$work/probe.log"; : > "$out"; rm -f "$work/profile.log"
trap cleanup EXIT
for round in $(seq 1 "$rounds"); do
  for cfg in "$@"; do
    probe_start "$cfg"
    sk -q "oci:$img:v1" "docker://$host/bench/img:v1" >/dev/null
    sk -q "docker://$host/bench/img:v1" "dir:$data/pull" >/dev/null; rm -rf "$data/pull"
    for p in $(seq 1 "$pulls"); do
      perf_pid=""
      if [ "$useperf" = 1 ]; then perf stat -x, -e "$events" -p "$pid" -o "$data/stat" & perf_pid=$!; sleep 0.3; fi
      read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
      # Child CPU of this subshell = skopeo's user+sys (bash `time` of the child, seconds).
      read -r wall cu cs < <( { TIMEFORMAT='%R %U %S'; time sk -q "docker://$host/bench/img:v1" "dir:$data/pull" > /dev/null 2>&1; } 2>&1 )
      read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
      rm -rf "$data/pull"
      counts=""
      if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid"; wait "$perf_pid" || true
        counts=$(awk -F, '$3 != "" {sub("syscalls:sys_enter_", "", $3); printf "%s=%s ", $3, $1}' "$data/stat")
      fi
      line="$label round $round pull $p: wall $wall server_ticks $((u1 - u0 + s1 - s0)) client_cpu $(python3 -c "print(f'{$cu + $cs:.2f}')") ${counts}load $(cut -d' ' -f1 /proc/loadavg)"
      echo "$line" | tee -a "$out"
    done
    # Unmeasured: one pull with --debug (the request sequence, kept in WORK/LABEL.debug) and, with --perf, one
    # under `perf record` of the client: kernel samples (4 kHz) where a receiver pays for what the server sent.
    sk --debug "docker://$host/bench/img:v1" "dir:$data/pull" > "$work/$label.debug" 2>&1; rm -rf "$data/pull"
    if [ "$useperf" = 1 ]; then
      rm -f "$cache"
      nice -n "$nicev" perf record -q -F 4000 -o "$data/client.perf" -- skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$host/bench/img:v1" "dir:$data/pull" > /dev/null 2>&1
      rm -rf "$data/pull"
      perf report -i "$data/client.perf" -n --no-children --sort sym --stdio 2>/dev/null \
        | awk -v l="$label" -v r="$round" '$4 == "handle_softirqs" {a=$2} $4 == "_copy_to_iter" {b=$2} $4 == "copy_folio_from_iter_atomic" {c=$2}
                                            END {printf "%s round %s client-profile: softirq=%d recv_copy=%d file_write_copy=%d\n", l, r, a, b, c}' | tee -a "$work/profile.log"
    fi
    cleanup
  done
done
python3 - "$out" <<'PY'
import re, statistics as st, sys
rows = {}
for line in open(sys.argv[1]):
    label = line.split()[0]
    kv = dict(re.findall(r"(\S+?)=(\S+)", line))
    g = lambda k: float(re.search(k + r" (\S+)", line).group(1))
    rows.setdefault(label, []).append((g("wall"), g("server_ticks"), g("client_cpu"), kv))
for label, v in rows.items():
    w = [x[0] for x in v]; t = [x[1] for x in v]; c = [x[2] for x in v]
    med = lambda k: st.median(int(x[3].get(k, "0").split(".")[0] or 0) for x in v)
    extra = (f", epoll_wait {med('epoll_wait')}, context-switches {med('context-switches')}, sendfile64 {med('sendfile64')}, "
             f"futex {med('futex')}, sched_yield {med('sched_yield')}") if any(x[3] for x in v) else ""
    print(f"{label}: {len(v)} pulls, wall median {st.median(w):.2f} s (range {min(w):.2f}-{max(w):.2f}), "
          f"server CPU ticks median {st.median(t)} (range {min(t):.0f}-{max(t):.0f}), "
          f"skopeo CPU median {st.median(c):.2f} s{extra}")
PY
if [ -f "$work/profile.log" ]; then python3 - "$work/profile.log" <<'PY'
import re, statistics as st, sys
rows = {}
for line in open(sys.argv[1]):
    rows.setdefault(line.split()[0], []).append({k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)})
for label, v in rows.items():
    print(f"{label} client kernel samples (4 kHz, median of {len(v)}): " + ", ".join(f"{k} {st.median(x[k] for x in v)}" for k in v[0]))
PY
fi
