#!/usr/bin/env bash
# Rebuild after an app-code change: `lamina build` vs Debian docker.io's classic builder (DOCKER_BUILDKIT=0),
# same Dockerfile and context, both caches warm. Each round appends a line to app/main.txt and rebuilds:
# the base, deps and their RUN stay cached, the app COPY and the RUN after it are rebuilt.
# Usage: bench/build/run.sh [rounds=10]   (root; starts a private dockerd with host networking only, stops it after)
# LAMINA_NO_DOCKER=1 skips the docker side.
set -euo pipefail
rounds="${1:-10}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# What users run: `./lamina`, i.e. the CLI published ReadyToRun (tiered compilation is off, so a JIT-only build
# compiles every method it touches fully optimised on each start). LAMINA_CLI_DLL=PATH measures another lamina.dll.
if [ -n "${LAMINA_CLI_DLL:-}" ]; then
  lamina=(dotnet "$LAMINA_CLI_DLL")
else
  "$root/lamina" --version >/dev/null   # publishes artifacts/lamina when stale
  lamina=(dotnet "$root/artifacts/lamina/lamina.dll")
fi

work="$(mktemp -d /var/tmp/lamina-bench-build-XXXXXX)"
ctx="$work/ctx"
mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/tmp" "$ctx/deps" "$ctx/app"
cp /bin/busybox "$ctx/rootfs/bin/busybox"
for a in sh cat echo ls; do ln -s busybox "$ctx/rootfs/bin/$a"; done
# 20 MB of "dependencies" and a 1 MB app: the stable layers are the big ones, as the seeds advise.
for i in $(seq 1 20); do head -c 1048576 /dev/urandom > "$ctx/deps/lib$i.so"; done
head -c 1048576 /dev/urandom | base64 > "$ctx/app/bundle.js"
echo "version 0" > "$ctx/app/main.txt"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
COPY deps/ /opt/deps/
RUN ls -l /opt/deps > /opt/deps.manifest
COPY app/ /var/task/
RUN cat /var/task/main.txt > /var/task/compiled
CMD ["/bin/sh"]
DOCKERFILE

dockerd_pid=""
cleanup() {
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do pgrep -f "containerd.*$work" >/dev/null || break; sleep 0.2; done
  fi
  # dockerd leaves its netns bind mounts behind; unmount everything under the work directory, deepest first.
  grep -o " $work/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

echo "lamina build (cache $work/cache)"
"${lamina[@]}" build -q --cache-dir "$work/cache" "$ctx" >/dev/null   # warm-up: fills the cache
: > "$work/lamina.ms"
for r in $(seq 1 "$rounds"); do
  echo "lamina round $r" >> "$ctx/app/main.txt"
  t=$(date +%s%N); "${lamina[@]}" build -q --cache-dir "$work/cache" "$ctx" >/dev/null; ms "$t" >> "$work/lamina.ms"
done
echo "  rebuild after app change, median of $rounds: $(median < "$work/lamina.ms") ms  (all: $(tr '\n' ' ' < "$work/lamina.ms"))"

if [ "${LAMINA_NO_DOCKER:-}" != "1" ]; then
  d="$work/dockerd"; mkdir -p "$d"
  sock="unix://$d/docker.sock"
  dockerd --data-root "$d/data" --exec-root "$d/exec" -H "$sock" --pidfile "$d/dockerd.pid" \
    --bridge=none --iptables=false --ip6tables=false --storage-driver=overlay2 >"$d/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 100); do /usr/bin/docker -H "$sock" info >/dev/null 2>&1 && break; sleep 0.2; done
  echo "docker build, classic builder ($(/usr/bin/docker -H "$sock" version --format 'engine {{.Server.Version}}'))"
  dbuild() { DOCKER_BUILDKIT=0 /usr/bin/docker -H "$sock" build -q --network host -t bench/app:latest "$ctx" >/dev/null; }
  dbuild   # warm-up
  : > "$work/docker.ms"
  for r in $(seq 1 "$rounds"); do
    echo "docker round $r" >> "$ctx/app/main.txt"
    t=$(date +%s%N); dbuild; ms "$t" >> "$work/docker.ms"
  done
  echo "  rebuild after app change, median of $rounds: $(median < "$work/docker.ms") ms  (all: $(tr '\n' ' ' < "$work/docker.ms"))"
fi
