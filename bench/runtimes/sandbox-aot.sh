#!/usr/bin/env bash
# NativeAOT cold start through a sandbox, image local: the csharp-aot sample image (FROM lamina/provided, built by
# `lamina build`) deployed on a `lamina server` with execution on; each round changes the function's
# configuration (a new revision: no warm environment may serve it), then one `lamina invoke` answers from a fresh
# environment: runc sandbox create → lamina-init healthy → bootstrap init → invoke → answer.
# Usage: bench/runtimes/sandbox-aot.sh [rounds=25]   (root; runc, skopeo-free; reuses the tests' caches)
#   LAMINA_INIT_BINARY  the NativeAOT agent (default: the newest /var/tmp/lamina-init-aot-*/lamina-init)
#   AOT_BOOTSTRAP       the published sample (default: the newest /var/tmp/lamina-csharp-aot-*/bootstrap)
set -euo pipefail
rounds="${1:-25}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
agent="${LAMINA_INIT_BINARY:-$(ls -t /var/tmp/lamina-init-aot-*/lamina-init | head -1)}"
bootstrap="${AOT_BOOTSTRAP:-$(ls -t /var/tmp/lamina-csharp-aot-*/bootstrap | head -1)}"
#   LAMINA_CLI_DLL      a lamina.dll already built (skips the build: A/B runs of one binary while sources change)
if [ -z "${LAMINA_CLI_DLL:-}" ]; then dotnet build "$root/src/Lamina.Cli" -c Release --nologo -v q >/dev/null; fi
lamina=(dotnet "${LAMINA_CLI_DLL:-$root/src/Lamina.Cli/bin/Release/net10.0/lamina.dll}")
work="$(mktemp -d /var/tmp/lamina-bench-aot-XXXXXX)"
cgroup="lamina-bench-aot-$$"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

LAMINA__Execution__Enabled=true LAMINA__Execution__AgentBinary="$agent" LAMINA__Execution__CgroupParent="$cgroup" \
  "${lamina[@]}" server --port 0 --data-dir "$work/d" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/server.log" && break; sleep 0.2; done
endpoint="$(grep -o 'http://[0-9.:]*' "$work/server.log" | head -1)"
at=(--endpoint "$endpoint" --data-dir "$work/d")
authority="${endpoint#http://}"
"${lamina[@]}" runtimes publish --image provided --layout "$work/runtimes" --agent "$agent" \
  --cache-dir /var/tmp/lamina-runtimes-test-cache "${at[@]}" >/dev/null
cp -r "$root/samples/csharp-aot" "$work/ctx"; rm -rf "$work/ctx/bin" "$work/ctx/obj"
mkdir -p "$work/ctx/publish"; cp "$bootstrap" "$work/ctx/publish/bootstrap"
"${lamina[@]}" deploy aot "$work/ctx" --build-arg "REGISTRY=$authority" --cache-dir "$work/cache" "${at[@]}" >/dev/null
image="$("${lamina[@]}" functions inspect aot "${at[@]}" | grep -o '"ImageUri": "[^"]*"' | cut -d'"' -f4)"
"${lamina[@]}" invoke aot --payload '{"name":"warmup"}' "${at[@]}" >/dev/null 2>&1   # pulls + unpacks the image once

: > "$work/rt.ms"; : > "$work/init.ms"
declare -A seen
for r in $(seq 1 "$rounds"); do
  "${lamina[@]}" deploy aot --image "$image" --env "ROUND=$r" "${at[@]}" >/dev/null
  out="$("${lamina[@]}" invoke aot --payload '{"name":"bench"}' --output json "${at[@]}")"
  echo "$out" | grep -q '"coldStart": *true' || { echo "round $r was not a cold start: $out" >&2; exit 1; }
  echo "$out" | grep -o '"durationMs": *[0-9.]*' | grep -o '[0-9.]*$' >> "$work/rt.ms"
  echo "$out" | grep -o '"initDurationMs": *[0-9.]*' | grep -o '[0-9.]*$' >> "$work/init.ms"
  # CFS throttling of every sandbox alive now (this round's environment and spare; older rounds' are gone once
  # their revision is replaced): the last reading per cgroup is kept.
  for stat in /sys/fs/cgroup/cpu/"$cgroup"/*/cpu.stat; do
    [ -f "$stat" ] && seen["$(basename "$(dirname "$stat")")"]="$(awk '{v[$1]=$2} END {print v["nr_periods"], v["nr_throttled"], v["throttled_time"]}' "$stat")"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "csharp-aot on lamina/provided, $rounds cold starts through runc sandboxes (image local), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  invoke round trip, cold (sandbox create → agent → init → invoke → answer): median $(median < "$work/rt.ms") ms  (all: $(tr '\n' ' ' < "$work/rt.ms"))"
echo "  Init Duration (REPORT):                                                  median $(median < "$work/init.ms") ms  (all: $(tr '\n' ' ' < "$work/init.ms"))"
# The scheduler's own figure (create → agent → init done), from its "Environment … started in N ms" log lines.
grep -o 'started in [0-9]* ms' "$work/server.log" | grep -o '[0-9]*' | tail -n "$rounds" > "$work/start.ms" || true
[ -s "$work/start.ms" ] && echo "  environment start on the server (create → agent → init), last $rounds:     median $(median < "$work/start.ms") ms  (all: $(tr '\n' ' ' < "$work/start.ms"))"
grep -o '[0-9]* ms on the invoke path' "$work/server.log" | grep -o '^[0-9]*' | tail -n "$rounds" > "$work/onpath.ms" || true
[ -s "$work/onpath.ms" ] && echo "    of which on the invoke path (thaw or create, then init; not a spare's making): median $(median < "$work/onpath.ms") ms  (all: $(tr '\n' ' ' < "$work/onpath.ms"))"
throttled=0; periods=0; time_ns=0; groups=0
for g in "${!seen[@]}"; do
  read -r p t n <<< "${seen[$g]}"
  groups=$((groups + 1)); periods=$((periods + p)); throttled=$((throttled + t)); time_ns=$((time_ns + n))
done
echo "  CFS throttling over $groups sandboxes (environments and spares; quota $( [ "${LAMINA__Execution__InitCpuBoost:-true}" = true ] && echo 'after init' || echo 'from create')): $throttled of $periods periods throttled, $((time_ns / 1000000)) ms in all"
