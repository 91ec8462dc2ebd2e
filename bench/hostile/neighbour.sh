#!/usr/bin/env bash
# A 128 MB neighbour's warm invoke latency next to a 4-process CPU spinner (3538 MB), under each CPU setting, in
# one run: the defaults (CFS quota = MemorySize/1769 vCPU, floor 0.25, capped at the host's CPUs; shares 1024 up
# to one vCPU), Lambda's exact proportion (floor 0.01) and no quota at all (shares only).
#   bench/hostile/neighbour.sh [SAMPLES] [ROUNDS]      (default 60 samples per side, 1 round)
# Each setting is one run of tests/Lamina.Hostile.Tests NeighbourTests (a real server, runc, lamina-init, the
# hostile runtime image); the settings alternate within a round. Lines go to $OUT (default
# /tmp/lamina-bench-neighbour.txt); the test output directory keeps them too (hostile-neighbour.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
SAMPLES=${1:-60}
ROUNDS=${2:-1}
OUT=${OUT:-/tmp/lamina-bench-neighbour.txt}
dotnet build tests/Lamina.Hostile.Tests -c Release >/dev/null
set +e  # a failed bound or a missing line must not stop the other settings
for round in $(seq "$ROUNDS"); do
  for cpu in default floor=0.01 quota=off; do
    env_cpu=()
    [ "$cpu" = default ] || env_cpu=(LAMINA_HOSTILE_CPU="$cpu")
    env "${env_cpu[@]}" LAMINA_HOSTILE_SAMPLES="$SAMPLES" dotnet test tests/Lamina.Hostile.Tests -c Release --no-build \
      --filter "FullyQualifiedName~NeighbourTests" --logger "console;verbosity=detailed" \
      | grep -o 'neighbour warm invoke:.*' | uniq | sed "s/^/round $round $cpu: /" | tee -a "$OUT"
  done
done
