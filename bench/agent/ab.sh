#!/usr/bin/env bash
# A/B of several lamina-init binaries in one run: each agent started once with the trivial runtime, then
# alternating 1-client runs against each agent and a Kestrel echo, ROUNDS times, with the load average.
# usage: bench/agent/ab.sh SECONDS ROUNDS BINARY...      (compare medians across rounds, not single runs)
# LAMINA_BENCH_CLIENTS=32 runs 32 clients instead of 1 (each agent then gets AWS_LAMBDA_MAX_CONCURRENCY=32).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
secs=$1; rounds=$2; shift 2
out="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$out"; }
trap cleanup EXIT
dotnet build "$here/Lamina.Bench.Agent/Lamina.Bench.Agent.csproj" -c Release --nologo -v q -o "$out/tool" >/dev/null
cc -O2 -o "$out/runtime" "$here/runtime.c"
. "$here/lib.sh"
ports=()
clients=${LAMINA_BENCH_CLIENTS:-1}
for b in "$@"; do p=$(free_port); AWS_LAMBDA_MAX_CONCURRENCY=$clients "$b" --runtime-api-address 127.0.0.1:0 --runtime-interface-emulator-address "127.0.0.1:$p" "$out/runtime" >/dev/null 2>&1 & pids+=($!); ports+=("$p"); done
ep=$(free_port); dotnet "$out/tool/Lamina.Bench.Agent.dll" echo "$ep" >/dev/null 2>&1 & pids+=($!)
sleep 2
load() { dotnet "$out/tool/Lamina.Bench.Agent.dll" load "$1" "$clients" "$secs" 256; }
for _ in $(seq "$rounds"); do
  i=0
  for b in "$@"; do echo "$b $(load "http://127.0.0.1:${ports[$i]}/2015-03-31/functions/function/invocations") load=$(cut -d' ' -f1 /proc/loadavg)"; i=$((i+1)); done
  echo "echo $(load "http://127.0.0.1:$ep/x") load=$(cut -d' ' -f1 /proc/loadavg)"
done
