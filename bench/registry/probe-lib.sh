# Shared by pull-probe.sh and push-probe.sh (sourced, not run): the benchmark images, one server per configuration
# (a Lamina build or Debian's docker-registry) on a fresh data directory, its warm-up, and its clean-up.
# The caller sets root, work and nicev; probe_start sets label, data, pid and host. Servers listen on 127.0.0.1 only.

cache=/var/lib/containers/cache/blob-info-cache-v1.boltdb
pid=""; data=""

# The 178 MB benchmark image ($img) and the small warm-up image ($warm), made once per work directory.
probe_images() {
  img="$work/image"; warm="$work/warm"
  [ -f "$img.json" ] || python3 "$root/bench/registry/make-image.py" "$img" 8 > "$img.json"
  [ -f "$warm.json" ] || python3 "$root/bench/registry/make-image.py" "$warm" 999 --scale 0.05 > "$warm.json"
}

# One quiet skopeo copy with the blob-info cache removed first (nothing is mounted or skipped from an earlier copy).
probe_copy() { rm -f "$cache"; nice -n "$nicev" skopeo --insecure-policy copy -q --dest-tls-verify=false --src-tls-verify=false "$@" > /dev/null; }

# probe_start LABEL=BIN[@VAR=VALUE,...] | LABEL=dist: starts the server, waits for /v2/, then 3 warm-up push+pull
# rounds of the small image (code paths and page cache warm).
probe_start() {
  local cfg="$1" bin envs=() port r
  label="${cfg%%=*}"; bin="${cfg#*=}"
  if [[ "$bin" == *@* ]]; then IFS=, read -r -a envs <<< "${bin#*@}"; bin="${bin%%@*}"; fi
  data="$(mktemp -d "$work/data-XXXX")"
  if [ "$bin" = dist ]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s/store\nhttp:\n  addr: 127.0.0.1:%s\n  secret: x\n' "$data" "$port" > "$data/config.yml"
    nice -n "$nicev" docker-registry serve "$data/config.yml" > "$data/log" 2>&1 & pid=$!; host="127.0.0.1:$port"
  else
    env "${envs[@]}" nice -n "$nicev" dotnet "$bin/lamina.dll" server --port 0 --data-dir "$data/store" --no-auth > "$data/log" 2>&1 & pid=$!
    host=""; for _ in $(seq 1 600); do host=$(grep -o 'listening on http://[0-9.:]*' "$data/log" | head -1 | sed 's|listening on http://||') || true; [ -n "$host" ] && break; sleep 0.1; done
  fi
  for _ in $(seq 1 600); do curl -s -o /dev/null "http://$host/v2/" && break; sleep 0.1; done
  for r in 1 2 3; do probe_copy "oci:$warm:v1" "docker://$host/warm/i$r:v1"; probe_copy "docker://$host/warm/i$r:v1" "dir:$data/pull"; rm -rf "$data/pull"; done
}

# Stops the server and removes its data directory (also the EXIT trap).
cleanup() { [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }; [ -n "$data" ] && rm -rf "$data"; pid=""; data=""; }
