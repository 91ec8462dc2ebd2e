#!/usr/bin/env bash
# Syscalls of one lamina-init binary during a 3 s 1-client warm-invoke load (strace -c -f on the agent).
# Divide each count by the invokes (e.g. by the pread64 count / 2, two per invoke) for per-invoke figures.
# usage: bench/agent/syscalls.sh BINARY
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp -d)"; trap 'kill "$apid" 2>/dev/null || true; rm -rf "$out"' EXIT
dotnet build "$here/Lamina.Bench.Agent/Lamina.Bench.Agent.csproj" -c Release --nologo -v q -o "$out/tool" >/dev/null
cc -O2 -o "$out/runtime" "$here/runtime.c"
p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$1" --runtime-api-address 127.0.0.1:0 --runtime-interface-emulator-address "127.0.0.1:$p" "$out/runtime" >/dev/null 2>&1 & apid=$!
sleep 1
curl -s -XPOST "127.0.0.1:$p/2015-03-31/functions/function/invocations" -d '"warm"' >/dev/null
strace -c -f -p "$apid" -o "$out/counts.txt" & spid=$!
sleep 1
dotnet "$out/tool/Lamina.Bench.Agent.dll" load "http://127.0.0.1:$p/2015-03-31/functions/function/invocations" 1 3 256
kill -INT "$spid"; wait "$spid" || true
head -25 "$out/counts.txt"
