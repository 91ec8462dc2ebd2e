#!/usr/bin/env python3
"""Start-to-listening time and idle RSS of lamina-init.

usage: measure_start.py /path/to/lamina-init [runs]
Start-to-listening: from just before exec until the agent's "listening" line arrives on stderr
(printed after both sockets are bound and listening). Reports min/median/max in ms, plus the
agent's VmRSS/VmHWM right after start.
"""
import os, statistics, subprocess, sys, time

binary = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
times, rss = [], []
for _ in range(runs):
    start = time.perf_counter()
    p = subprocess.Popen([binary, "--runtime-api-address", "127.0.0.1:0",
                          "--runtime-interface-emulator-address", "127.0.0.1:0", "true"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    line = p.stderr.readline()
    times.append((time.perf_counter() - start) * 1000)
    assert b"listening" in line, line
    status = open(f"/proc/{p.pid}/status").read()
    rss.append(int([l for l in status.splitlines() if l.startswith("VmRSS")][0].split()[1]))
    p.terminate(); p.wait()
times.sort()
print(f"start-to-listening ms: min {times[0]:.2f} median {statistics.median(times):.2f} max {times[-1]:.2f} ({runs} runs)")
print(f"RSS after start: median {statistics.median(rss)/1024:.1f} MB")
# The floor: exec of a trivial binary, measured the same way.
floor = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(["/bin/true"])
    floor.append((time.perf_counter() - start) * 1000)
print(f"floor (spawn+exit of /bin/true) ms: median {statistics.median(floor):.2f}")
