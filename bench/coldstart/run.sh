#!/usr/bin/env bash
# Cold start by phase: Lamina (image store + runc + lamina-init) vs `docker run --network none`
# of the same image with the same agent on Debian's docker.io.
# Usage: bench/coldstart/run.sh [runs=50] [lamina-init]   (root; starts a private dockerd, stops it after)
# LAMINA_NO_DOCKER=1 skips the docker side.
set -euo pipefail
runs="${1:-50}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
agent="${2:-}"
work=/var/tmp/lamina-bench-coldstart
if [ -z "$agent" ]; then
  dotnet publish "$root/src/Lamina.Agent" -c Release -r linux-x64 -o "$work/agent" --nologo -v q >/dev/null
  agent="$work/agent/lamina-init"
fi
dotnet build "$root/bench/coldstart/Lamina.Bench.Coldstart.csproj" -c Release --nologo -v q >/dev/null
bin="$root/bench/coldstart/bin/Release/net10.0/Lamina.Bench.Coldstart"
if [ "${LAMINA_NO_DOCKER:-}" = 1 ]; then exec "$bin" "$work" "$runs" "$agent"; fi

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
  { grep -o " $d[^ ]*" /proc/self/mountinfo || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf "$d"
}
trap cleanup EXIT
for _ in $(seq 1 100); do /usr/bin/docker -H "$sock" info >/dev/null 2>&1 && break; sleep 0.2; done
/usr/bin/docker -H "$sock" version --format 'docker engine {{.Server.Version}}'
"$bin" "$work" "$runs" "$agent" "$sock"
