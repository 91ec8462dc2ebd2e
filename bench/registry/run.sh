#!/usr/bin/env bash
# Registry benchmark: Lamina vs Debian's docker-registry (CNCF distribution 2.8) on loopback, same run.
#
#   bench/registry/run.sh [--reps N] [--clients "1 8"] [--scale S] [--work DIR] [--auth] [--warmup ROUNDS | --no-warmup]
#                         [--baseline-bin DIR] [--nice N]
#
# --baseline-bin DIR adds a third server, "baseline": a Lamina build in DIR (e.g. `dotnet build src/Lamina.Cli -c Release
# -o DIR` of an older commit), run in the same rotation, for before/after figures from one run.
# --nice N runs the servers and skopeo at that niceness (root: -20), so on a machine shared with other work the
# measured processes get a CPU whenever they are runnable, as on an idle machine.
#
# For each repetition, registry and client count C: a fresh server on a fresh data directory;
# C concurrent `skopeo copy` pushes (each client its own multi-layer image, no blob shared between
# clients, so nothing is deduplicated away), then C concurrent pulls of the same images; with C=1
# also a re-push of an image that shares all base layers with the pushed one, into a new repository.
# Measured per phase: wall time → MB/s, server CPU (utime+stime from /proc/PID/stat) → CPU s per GB
# moved, server peak RSS (VmHWM), and for the re-push the bytes skopeo sent (blobs it did not skip,
# from its --debug log) and the growth of the server's data directory. Results: WORK/results.tsv, WORK/summary.md.
# Not part of ./test.sh. Servers listen on 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/registry"
reps=3; clients="1 8"; scale=1; work=""; auth=0; warmup=10; baseline=""; nice_cmd=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2;;
    --clients) clients="$2"; shift 2;;
    --scale) scale="$2"; shift 2;;
    --work) work="$2"; shift 2;;
    --auth) auth=1; shift;;
    --no-warmup) warmup=0; shift;;
    --warmup) warmup="$2"; shift 2;;
    --baseline-bin) baseline="$(cd "$2" && pwd)"; shift 2;;
    --nice) nice_cmd=(nice -n "$2"); shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
[ -n "$work" ] || work="$(mktemp -d /tmp/lamina-bench-XXXXXX)"
mkdir -p "$work"
echo "work directory: $work" >&2

"$root/scripts/ensure-packages.sh" skopeo docker-registry python3 curl

# --- build Lamina (Release) into the work directory -------------------------------------------
dotnet build "$root/src/Lamina.Cli/Lamina.Cli.csproj" -c Release -o "$work/lamina-bin" --nologo -v quiet -clp:ErrorsOnly >&2

# --- test images: one per client, plus one for the single-client phase ------------------------
images="$work/images-scale$scale"
max_clients=0; for c in $clients; do [ "$c" -gt "$max_clients" ] && max_clients=$c; done
for k in $(seq 0 "$max_clients"); do
  if [ ! -f "$images/$k.json" ]; then
    echo "generating image $k (scale $scale)…" >&2
    mkdir -p "$images"
    python3 "$here/make-image.py" "$images/$k" "$k" --scale "$scale" > "$images/$k.json.tmp"
    mv "$images/$k.json.tmp" "$images/$k.json"
  fi
done
# A small image both servers push and pull --warmup times (default 10) before anything is measured, so
# one-time costs are not billed to the measured phases: .NET compiles each hot method twice (tier 0, then
# tier 1 after 30 calls, in the background), and a fresh server is still re-compiling ~120 methods during
# its sixth pull (seen in its perf map). --warmup 1 shows the first-minutes cost; --no-warmup skips it.
# Layers of ~2.5 MB: above ZeroCopyBlob.MinimumSize (1 MiB), so the sendfile path warms up too.
warm="$work/images-warmup-2"
if [ "$warmup" -gt 0 ] && [ ! -f "$warm.json" ]; then
  python3 "$here/make-image.py" "$warm" 999 --scale 0.05 > "$warm.json"
fi
size_of() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$images/$1.json" "$2"; }

sk() { "${nice_cmd[@]}" skopeo "$@"; }

# --- server lifecycle ---------------------------------------------------------------------------
server_pid=""; server_host=""; creds=()
cleanup() { if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

start_server() { # kind datadir
  local kind="$1" data="$2"
  mkdir -p "$data"
  creds=()
  if [ "$kind" != distribution ]; then
    local flags=(--no-auth); [ "$auth" = 1 ] && flags=()
    local bin="$work/lamina-bin"; [ "$kind" = baseline ] && bin="$baseline"
    "${nice_cmd[@]}" dotnet "$bin/lamina.dll" server --port 0 --data-dir "$data" "${flags[@]}" > "$data.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
      server_host=$(grep -o 'listening on http://[0-9.:]*' "$data.log" | head -1 | sed 's|listening on http://||') || true
      [ -n "$server_host" ] && break
      sleep 0.1
    done
    if [ "$auth" = 1 ]; then
      creds=(--dest-creds "$(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(c['accessKeyId']+':'+c['secretAccessKey'])" "$data/credentials.json")")
    fi
  else
    local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    cat > "$data.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: lamina-bench
YML
    "${nice_cmd[@]}" docker-registry serve "$data.yml" > "$data.log" 2>&1 &
    server_pid=$!
    server_host="127.0.0.1:$port"
  fi
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "http://$server_host/v2/" && return 0
    sleep 0.1
  done
  echo "$kind did not start:" >&2; cat "$data.log" >&2; exit 1
}
warm_up() { # pushes and pulls the warm-up image $warmup times (not measured)
  local src_creds=(); [ "${#creds[@]}" -gt 0 ] && src_creds=(--src-creds "${creds[1]}")
  local r
  for r in $(seq 1 "$warmup"); do
    sk --insecure-policy copy -q --dest-tls-verify=false "${creds[@]}" "oci:$warm:v1" "docker://$server_host/warmup/img$r:v1" >/dev/null
    sk --insecure-policy copy -q --src-tls-verify=false "${src_creds[@]}" "docker://$server_host/warmup/img$r:v1" "dir:$work/warm-pull" >/dev/null
    rm -rf "$work/warm-pull"
  done
}
stop_server() { kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
hwm_kib() { awk '/VmHWM/ {print $2}' "/proc/$server_pid/status"; }
now() { date +%s.%N; }
hz=$(getconf CLK_TCK)

# Runs C skopeo copies at once; prints "seconds cpu_seconds".
phase() { # direction c first_image
  local direction="$1" c="$2" first="$3" pids=() t0 t1 c0 c1 k img
  c0=$(cpu_ticks); t0=$(now)
  for i in $(seq 0 $((c - 1))); do
    img=$(( c == 1 ? max_clients : i ))
    if [ "$direction" = push ]; then
      sk --insecure-policy copy -q --dest-tls-verify=false "${creds[@]}" \
        "oci:$images/$img:v1" "docker://$server_host/bench/img$img:v1" > "$work/skopeo-$i.log" 2>&1 &
    else
      rm -rf "$work/pull/$i"; mkdir -p "$work/pull"
      local src_creds=(); [ "${#creds[@]}" -gt 0 ] && src_creds=(--src-creds "${creds[1]}")
      sk --insecure-policy copy -q --src-tls-verify=false "${src_creds[@]}" \
        "docker://$server_host/bench/img$img:v1" "dir:$work/pull/$i" > "$work/skopeo-$i.log" 2>&1 &
    fi
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then echo "skopeo $direction $i failed:" >&2; cat "$work/skopeo-$i.log" >&2; exit 1; fi
  done
  t1=$(now); c1=$(cpu_ticks)
  rm -rf "$work/pull"
  python3 -c "print(f'{$t1 - $t0:.3f} {($c1 - $c0) / $hz:.2f}')"
}

results="$work/results.tsv"
printf 'registry\trep\tclients\tdirection\tbytes\tseconds\tserver_cpu_s\tpeak_rss_kib\tload1\n' > "$results"
printf 'registry\trep\tnew_layer_bytes\tclient_sent_bytes\tstore_growth_bytes\tskipped_blobs\tuploaded_blobs\n' > "$work/repush.tsv"

for rep in $(seq 1 "$reps"); do
  order="lamina distribution"; [ $((rep % 2)) -eq 0 ] && order="distribution lamina"
  if [ -n "$baseline" ]; then order="lamina baseline distribution"; [ $((rep % 2)) -eq 0 ] && order="distribution baseline lamina"; fi
  for kind in $order; do
    for c in $clients; do
      data="$work/data/$kind-r$rep-c$c"
      rm -rf "$data"
      start_server "$kind" "$data"
      warm_up
      bytes=0
      for i in $(seq 0 $((c - 1))); do img=$(( c == 1 ? max_clients : i )); bytes=$((bytes + $(size_of "$img" v1))); done
      for direction in push pull; do
        phase "$direction" "$c" 0 > "$work/phase.out"
        read -r seconds cpu < "$work/phase.out"
        load1=$(cut -d' ' -f1 /proc/loadavg)
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$rep" "$c" "$direction" "$bytes" "$seconds" "$cpu" "$(hwm_kib)" "$load1" >> "$results"
        echo "$kind rep $rep: $c client(s) $direction $bytes B in $seconds s, server CPU $cpu s, load $load1" >&2
      done
      if [ "$c" = 1 ]; then
        # Re-push: v2 shares every base layer with the v1 just pushed; new repository, so only a
        # cross-repository mount (or existence check) avoids re-sending the base layers.
        s0=$(du -sb "$data" | cut -f1)
        sk --insecure-policy --debug copy --dest-tls-verify=false "${creds[@]}" \
          "oci:$images/$max_clients:v2" "docker://$server_host/bench/shared:v2" > "$work/repush.log" 2>&1
        s1=$(du -sb "$data" | cut -f1)
        # Blobs skopeo sent = blobs it started copying minus those it skipped (already present or mounted).
        read -r skipped uploaded sent < <(python3 - "$work/repush.log" "$images/$max_clients" <<'PY'
import os, re, sys
log = open(sys.argv[1]).read()
copying = set(re.findall(r"Copying (?:blob|config) sha256:([0-9a-f]{64})", log))
skipped = set(re.findall(r"Skipping blob sha256:([0-9a-f]{64})", log))
sent = copying - skipped
print(len(skipped), len(sent), sum(os.path.getsize(os.path.join(sys.argv[2], "blobs", "sha256", d)) for d in sent))
PY
)
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$rep" "$(size_of "$max_clients" v2_new_bytes)" "$sent" $((s1 - s0)) "$skipped" "$uploaded" >> "$work/repush.tsv"
        echo "$kind rep $rep: re-push sent $sent B (new layer $(size_of "$max_clients" v2_new_bytes) B), store +$((s1 - s0)) B, $skipped blobs skipped, $uploaded uploaded" >&2
      fi
      stop_server
      rm -rf "$data"
    done
  done
done

python3 "$here/summarize.py" "$results" "$work/repush.tsv" | tee "$work/summary.md"
