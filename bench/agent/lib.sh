# Sourced by the agent benches, never run on its own: one copy of free_port (all of them), of starting lamina-init
# with 32 environments on a free port and of reading its counters from /proc (cpu.sh, peaks.sh, rss32.sh, rssvar.sh).
# The sourcing script sets $runtime (cc -O2 bench/agent/runtime.c) before calling start_agent.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# utime+stime of PID in clock ticks, from /proc/PID/stat.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# One field of /proc/PID/status in kB: status_kb VmHWM PID.
status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$2/status"; }

# start_agent BINARY SETTLE_SECONDS [NAME=VALUE...]: lamina-init with 32 environments running $runtime, its Runtime
# Interface Emulator on a free port, the variables given in its environment; sets $pid and $url once settled.
start_agent() {
  local bin="$1" settle="$2" port
  shift 2
  port=$(free_port)
  env "$@" AWS_LAMBDA_MAX_CONCURRENCY=32 "$bin" --runtime-api-address 127.0.0.1:0 \
    --runtime-interface-emulator-address "127.0.0.1:$port" "$runtime" >/dev/null 2>&1 &
  pid=$!
  sleep "$settle"
  url="http://127.0.0.1:$port/2015-03-31/functions/function/invocations"
}

stop_agent() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
