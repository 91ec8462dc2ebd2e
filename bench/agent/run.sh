#!/usr/bin/env bash
# Warm invoke round trip: lamina-init (NativeAOT, emulator mode, trivial native runtime) vs a plain
# Kestrel echo of the same payload, 1 and 32 clients, in the same run. Also start-to-listening and RSS.
# usage: bench/agent/run.sh [seconds-per-run] [payload-bytes]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-10}"; payload="${2:-256}"
out="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$out"; }
trap cleanup EXIT

dotnet publish "$root/src/Lamina.Agent/Lamina.Agent.csproj" -c Release -r linux-x64 -o "$out/aot" --nologo -v q >/dev/null
dotnet build "$here/Lamina.Bench.Agent/Lamina.Bench.Agent.csproj" -c Release --nologo -v q -o "$out/bench" >/dev/null
cc -O2 -o "$out/runtime" "$here/runtime.c"
. "$here/lib.sh"

echo "lamina-init binary: $(stat -c %s "$out/aot/lamina-init") bytes"
python3 "$here/measure_start.py" "$out/aot/lamina-init" 30

agent_port=$(free_port); echo_port=$(free_port)
AWS_LAMBDA_MAX_CONCURRENCY="${LAMINA_BENCH_CONCURRENCY:-32}" "$out/aot/lamina-init" --runtime-api-address 127.0.0.1:0 --runtime-interface-emulator-address "127.0.0.1:$agent_port" "$out/runtime" >/dev/null 2>&1 &
agent_pid=$!; pids+=("$agent_pid")
dotnet "$out/bench/Lamina.Bench.Agent.dll" echo "$echo_port" >/dev/null 2>&1 &
pids+=("$!")
sleep 2
agent_url="http://127.0.0.1:$agent_port/2015-03-31/functions/function/invocations"
echo_url="http://127.0.0.1:$echo_port/2015-03-31/functions/function/invocations"
for clients in 1 32; do
  echo "agent  $(dotnet "$out/bench/Lamina.Bench.Agent.dll" load "$agent_url" "$clients" "$seconds" "$payload")"
  echo "echo   $(dotnet "$out/bench/Lamina.Bench.Agent.dll" load "$echo_url" "$clients" "$seconds" "$payload")"
done
grep -E 'VmRSS|VmHWM' "/proc/$agent_pid/status" | tr -s ' \t' ' ' | sed 's/^/agent after load: /'
