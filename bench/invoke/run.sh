#!/usr/bin/env bash
# Warm invoke through the whole platform vs a plain Kestrel echo, and scale-out from zero to 100 environments.
# Usage: bench/invoke/run.sh [reps=1] [levels=1:1000,32:3000,128:5000]   (root; needs runc, skopeo, gcc)
set -euo pipefail
reps="${1:-1}"
levels="${2:-1:1000,32:3000,128:5000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=/var/tmp/lamina-bench-invoke
dotnet build "$root/bench/invoke/Lamina.Bench.Invoke.csproj" -c Release --nologo -v q >/dev/null
"$root/bench/invoke/bin/Release/net10.0/Lamina.Bench.Invoke" "$work" "$reps" "$levels"
echo "results: $work/results.tsv $work/scaleout.tsv $work/summary.md"
