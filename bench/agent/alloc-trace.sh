#!/usr/bin/env bash
# Allocation profile of lamina-init under the 32-environment burst: runs the JIT build (where EventPipe works and
# DOTNET_GC* variables are honoured; GCgen0size as in the NativeAOT build, gcConcurrent as given in EXTRA), a 1-client
# warm-up, then dotnet-trace (gc-verbose: AllocationTick with stacks, GC events) around a 32-client 3 s burst, and
# prints bench/agent/alloctrace's report.
# usage: bench/agent/alloc-trace.sh AGENT_DIR BENCH_DLL RUNTIME OUT.nettrace   (AGENT_DIR: dotnet build -o of src/Lamina.Agent)
set -eu
agent="$1"; bench="$2"; runtime="$3"; out="$4"
here=$(cd "$(dirname "$0")" && pwd)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env DOTNET_GCgen0size=0x400000 ${EXTRA:-} AWS_LAMBDA_MAX_CONCURRENCY=32 dotnet "$agent/lamina-init.dll" --runtime-api-address 127.0.0.1:0 \
  --runtime-interface-emulator-address "127.0.0.1:$port" "$runtime" >/dev/null 2>&1 &
pid=$!
sleep 3
url="http://127.0.0.1:$port/2015-03-31/functions/function/invocations"
dotnet "$bench" load "$url" 1 2 256
~/.dotnet/tools/dotnet-trace collect --duration 00:00:00:09 -p "$pid" -o "$out" --profile gc-verbose >/dev/null 2>&1 &
tracer=$!
sleep 4
dotnet "$bench" load "$url" 32 3 256
wait "$tracer"
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release --project "$here/alloctrace" -- "$out" "${STACKS:-10}"
