#!/usr/bin/env bash
# Cold start and warm invoke of the .NET samples under lamina-init (emulator mode).
#   bench/runtimes/run.sh [--cold 10] [--warm 2000]
# Builds (Release): the NativeAOT lamina-init, csharp-hello as the dotnet:10 image runs it
# (`dotnet TASK/CSharpHello.dll`, _HANDLER set), and csharp-aot with NativeAOT.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-/tmp/lamina-bench-runtimes}
mkdir -p "$WORK"
# LAMINA_INIT_BINARY: an already published NativeAOT lamina-init (the tests cache one in /var/tmp).
AGENT=${LAMINA_INIT_BINARY:-$WORK/agent/lamina-init}
[ -x "$AGENT" ] || dotnet publish src/Lamina.Agent -c Release -r linux-x64 -o "$WORK/agent" --artifacts-path "$WORK/artifacts-agent" >/dev/null
# The managed function as its image should carry it: ReadyToRun, framework-dependent (JIT time is part of every cold start).
rm -rf "$WORK/task"
dotnet publish samples/csharp-hello -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$WORK/task" --artifacts-path "$WORK/artifacts-r2r" >/dev/null
dotnet publish samples/csharp-aot -c Release -r linux-x64 -o "$WORK/aot" --artifacts-path "$WORK/artifacts" >/dev/null
dotnet run -c Release --project bench/runtimes -- \
  --agent "$AGENT" --task-root "$WORK/task" --aot "$WORK/aot/bootstrap" --repo "$PWD" "$@"
