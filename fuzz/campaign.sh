#!/usr/bin/env bash
# Runs fuzz/run.sh for every target in a row (one at a time, niced), SECONDS each, with the harness published
# and instrumented once; appends each campaign's figures to ${LAMINA_FUZZ_WORK:-/var/tmp/lamina-fuzz}/summary.txt.
#   fuzz/campaign.sh SECONDS [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:?usage: fuzz/campaign.sh SECONDS [TARGET...]}"
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(agent-http tar manifest reference dockerfile sigv4)
base="${LAMINA_FUZZ_WORK:-/var/tmp/lamina-fuzz}"
export LAMINA_FUZZ_BIN="$base/bin"
rm -rf "$LAMINA_FUZZ_BIN"
for t in "${targets[@]}"; do
  echo "== $t $(date -u +%H:%M:%S)" | tee -a "$base/summary.txt"
  "$root/fuzz/run.sh" "$t" "$seconds" 2>&1 | tee -a "$base/summary.txt"
done
