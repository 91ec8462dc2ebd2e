#!/usr/bin/env bash
# Server CPU seconds and wall time per GiB moved: Lamina vs Debian's docker-registry (distribution),
# side by side, with curl on loopback. See README.md.
#   bench/registry-cpu/run.sh [--reps N] [--size-mib M] [--lamina-dir DIR] [--skip-build]
# --lamina-dir: an already built Release output (lamina.dll); otherwise src/Lamina.Cli is built into a temp dir.
set -euo pipefail
REPS=5; SIZE_MIB=1024; LAMINA_DIR=""; CHUNK_MIB=128
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) REPS=$2; shift 2;;
    --size-mib) SIZE_MIB=$2; shift 2;;
    --lamina-dir) LAMINA_DIR=$2; shift 2;;
    --chunk-mib) CHUNK_MIB=$2; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for tool in curl docker-registry python3 sha256sum; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y curl docker-registry python3)" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/registry-cpu.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

if [[ -z "$LAMINA_DIR" ]]; then
  LAMINA_DIR=$WORK/lamina-bin
  dotnet build "$ROOT/src/Lamina.Cli" -c Release -o "$LAMINA_DIR" -v q -nologo >/dev/null
fi

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
# utime+stime of a process in seconds (fields 14 and 15 of /proc/PID/stat, after the command name).
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / hz }' "/proc/$1/stat"; }
wait_up() { for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$1/v2/" 2>/dev/null && return 0; sleep 0.2; done; echo "server on $1 did not start" >&2; exit 1; }

LPORT=$(free_port); DPORT=$(free_port)
mkdir -p "$WORK/lamina-data" "$WORK/dist-data"
dotnet "$LAMINA_DIR/lamina.dll" server --port "$LPORT" --data-dir "$WORK/lamina-data" --no-auth >"$WORK/lamina.log" 2>&1 &
PIDS+=($!); LPID=$!
cat >"$WORK/config.yml" <<YML
version: 0.1
log: { level: error, accesslog: { disabled: true } }
storage: { filesystem: { rootdirectory: $WORK/dist-data }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$DPORT }
YML
docker-registry serve "$WORK/config.yml" >"$WORK/dist.log" 2>&1 &
PIDS+=($!); DPID=$!
wait_up "$LPORT"; wait_up "$DPORT"

# Random data; a fresh blob each repetition (first 32 bytes vary) so neither server short-cuts an existing digest.
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom >"$WORK/blob"
GIB=$(python3 -c "print($SIZE_MIB/1024)")

# One operation: prints "<cpu_s> <wall_s>" for the server with pid $1.
measure() {
  local pid=$1; shift
  local c0 c1 t0 t1
  c0=$(cpu_s "$pid"); t0=$(date +%s.%N)
  "$@" || { echo "FAILED: $*" >&2; exit 1; }
  t1=$(date +%s.%N); c1=$(cpu_s "$pid")
  python3 -c "print(f'{$c1-$c0:.3f} {$t1-$t0:.3f}')"
}
start_upload() { # port -> absolute upload URL
  local loc
  loc=$(curl -fsS -D - -o /dev/null -X POST "http://127.0.0.1:$1/v2/bench/r/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  [[ "$loc" == http* ]] || loc="http://127.0.0.1:$1$loc"
  echo "$loc"
}
with_digest() { local sep='?'; [[ "$1" == *\?* ]] && sep='&'; echo "$1${sep}digest=$2"; }
# Monolithic: POST to open, one PUT with the whole body (distribution ignores a body on POST ?digest=).
push_mono() { # port digest
  local loc; loc=$(start_upload "$1")
  curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' -H "Expect:" -T "$WORK/blob" "$(with_digest "$loc" "$2")"
}
push_chunked() { # port digest
  local loc start=0 f size
  loc=$(start_upload "$1")
  for f in "$WORK"/chunk.*; do
    size=$(stat -c %s "$f")
    loc=$(curl -fsS -D - -o /dev/null -X PATCH -H 'Content-Type: application/octet-stream' \
      -H "Content-Range: $start-$((start + size - 1))" -H "Expect:" -T "$f" "$loc" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
    [[ "$loc" == http* ]] || loc="http://127.0.0.1:$1$loc"
    start=$((start + size))
  done
  curl -fsS -o /dev/null -X PUT "$(with_digest "$loc" "$2")"
}
pull() { # port digest; fails unless the whole blob arrived
  local got; got=$(curl -fsS -o /dev/null -w '%{size_download}' "http://127.0.0.1:$1/v2/bench/r/blobs/$2")
  [[ "$got" == "$(stat -c %s "$WORK/blob")" ]] || { echo "pull got $got bytes" >&2; return 1; }
}

RESULTS=$WORK/results.txt; : >"$RESULTS"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq 1 "$REPS"); do
  for op in mono chunked; do
    # Vary the first bytes: a new digest per server, per op, per repetition.
    printf '%s-%s-%s-%s' "$rep" "$op" "$RANDOM" "$(date +%s%N)" | head -c 32 | dd of="$WORK/blob" bs=32 count=1 conv=notrunc status=none
    digest="sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)"
    if [[ $op == chunked ]]; then rm -f "$WORK"/chunk.*; split -b "${CHUNK_MIB}M" -a 3 "$WORK/blob" "$WORK/chunk."; fi
    for server in lamina dist; do
      if [[ $server == lamina ]]; then pid=$LPID; port=$LPORT; else pid=$DPID; port=$DPORT; fi
      sync
      r=$(measure "$pid" "push_$op" "$port" "$digest"); echo "$server push-$op $r" >>"$RESULTS"
      r=$(measure "$pid" pull "$port" "$digest"); echo "$server pull $r" >>"$RESULTS"
    done
  done
  echo "rep $rep done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" "$GIB" <<'PY'
import sys, statistics as st, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    server, op, cpu, wall = line.split(); rows[(server, op)].append((float(cpu), float(wall)))
gib = float(sys.argv[2])
print(f"{'operation':14} {'Lamina CPU s/GiB':>17} {'dist CPU s/GiB':>15} {'ratio':>6} {'Lamina wall s/GiB':>18} {'dist wall s/GiB':>16} {'ratio':>6}  (medians; pushes n={len(rows[('lamina','push-mono')])}, pulls n={len(rows[('lamina','pull')])})")
for op in ["push-mono", "push-chunked", "pull"]:
    l, d = rows[("lamina", op)], rows[("dist", op)]
    lc, dc = st.median(c for c, _ in l) / gib, st.median(c for c, _ in d) / gib
    lw, dw = st.median(w for _, w in l) / gib, st.median(w for _, w in d) / gib
    print(f"{op:14} {lc:17.3f} {dc:15.3f} {lc/dc:6.2f} {lw:18.3f} {dw:16.3f} {lw/dw:6.2f}")
PY
