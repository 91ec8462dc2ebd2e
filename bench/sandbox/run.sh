#!/usr/bin/env bash
# Sandbox start benchmark: Lamina (runc) vs `docker run --network none` on Debian's docker.io.
# Usage: bench/sandbox/run.sh [runs=50]   (root; starts a private dockerd and stops it again)
set -euo pipefail
runs="${1:-50}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=/var/tmp/lamina-bench-sandbox
dotnet build "$root/bench/sandbox/Lamina.Bench.Sandbox.csproj" -c Release --nologo -v q >/dev/null

# A private dockerd: own data/exec roots and socket, no bridge, no iptables rules.
d="$(mktemp -d /var/tmp/lamina-dockerd-XXXXXX)"
sock="unix://$d/docker.sock"
dockerd --data-root "$d/data" --exec-root "$d/exec" -H "$sock" --pidfile "$d/dockerd.pid" \
  --bridge=none --iptables=false --ip6tables=false --storage-driver=overlay2 >"$d/dockerd.log" 2>&1 &
dockerd_pid=$!
cleanup() {
  kill "$dockerd_pid" 2>/dev/null || true
  wait "$dockerd_pid" 2>/dev/null || true
  # dockerd's managed containerd exits after it; wait for it before deleting its files.
  for _ in $(seq 1 50); do pgrep -f -- "$d" >/dev/null || break; sleep 0.2; done
  # Unmount whatever dockerd left under its roots before deleting them.
  { grep -o " $d[^ ]*" /proc/self/mountinfo || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf "$d"
}
trap cleanup EXIT
for _ in $(seq 1 100); do /usr/bin/docker -H "$sock" info >/dev/null 2>&1 && break; sleep 0.2; done
/usr/bin/docker -H "$sock" version --format 'docker engine {{.Server.Version}}'

"$root/bench/sandbox/bin/Release/net10.0/Lamina.Bench.Sandbox" "$work" "$runs" "$sock"
