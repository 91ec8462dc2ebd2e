# Samples /proc/PID/smaps every 20 ms while `Lamina.Bench.Agent load URL 32 3 256` runs against a fresh agent with 32
# environments; prints the mappings that grew most at the sample with the highest total Rss.
# usage: python3 bench/agent/smaps_peak.py LAMINA_INIT BENCH_DLL RUNTIME
import subprocess, sys, time, socket, os
bin_, bench, runtime = sys.argv[1:4]
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
env = dict(os.environ, AWS_LAMBDA_MAX_CONCURRENCY="32")
agent = subprocess.Popen([bin_, "--runtime-api-address", "127.0.0.1:0", "--runtime-interface-emulator-address", f"127.0.0.1:{port}", runtime], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(2)
def snap():
    maps = {}; key = None
    try:
        with open(f"/proc/{agent.pid}/smaps") as f:
            for line in f:
                parts = line.split()
                if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                    key = (parts[0], parts[5] if len(parts) > 5 else "[anon]")
                elif parts[0] == "Rss:":
                    maps[key] = int(parts[1])
    except Exception: pass
    return maps
base = snap()
load = subprocess.Popen(["dotnet", bench, "load", f"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations", "32", "3", "256"], stdout=subprocess.PIPE)
best = base; t0 = time.time()
while load.poll() is None:
    m = snap()
    if sum(m.values()) > sum(best.values()): best = m; tbest = time.time() - t0
    time.sleep(0.02)
print(load.stdout.read().decode().strip())
hwm = [l for l in open(f"/proc/{agent.pid}/status") if l.startswith(("VmHWM", "VmRSS"))]
print("".join(hwm).replace("\n", " "), "base", sum(base.values()), "kB; sampled peak", sum(best.values()), "kB at", round(tbest, 2) if best is not base else None, "s")
grow = sorted(((best.get(k, 0) - base.get(k, 0), k) for k in best), reverse=True)[:12]
for g, k in grow: print(g, "kB", k)
print("mappings", len(base), "->", len(best))
agent.kill()
