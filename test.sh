#!/usr/bin/env bash
# Runs every test: installs the real tools the tests drive (skopeo, the AWS CLIs, Debian's
# distribution registry, runc, …) when missing, builds, runs all test projects, and prints
# one closing line "N passed, N failed, N skipped". Exits non-zero when any test fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

"$root/scripts/ensure-packages.sh" skopeo umoci docker-registry awscli runc crun sqlite3 jq curl python3-boto3 \
  busybox-static gcc libc6-dev docker.io
# lamina runtimes build (tests/Lamina.Runtimes.Tests) bootstraps Debian with mmdebstrap.
"$root/scripts/ensure-packages.sh" mmdebstrap
# lamina-init tests build npm's aws-lambda-ric natively (tests/Lamina.Agent.Tests/fixtures/node).
"$root/scripts/ensure-packages.sh" nodejs cmake g++ make autoconf automake libtool
# The environments tests publish lamina-init with NativeAOT (clang as linker, zlib); the agent tests
# run it in a musl rootfs with a runtime built by musl-gcc.
"$root/scripts/ensure-packages.sh" clang zlib1g-dev musl-tools
# The console tests drive Debian's Chromium headless with Playwright (tests/Lamina.Console.Tests).
"$root/scripts/ensure-packages.sh" chromium
if ! python3 -c 'import boto3' >/dev/null 2>&1; then pip install --quiet boto3 || true; fi

results="$root/TestResults"
rm -rf "$results"
status=0
dotnet test "$root/Lamina.slnx" --nologo -c Release --logger "trx" --results-directory "$results" "$@" || status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then echo "dotnet test failed (exit $status) without a failing test: build or runner error" >&2; fi
exit "$status"
