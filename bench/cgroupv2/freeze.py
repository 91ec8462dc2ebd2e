#!/usr/bin/env python3
"""Freeze + thaw round trip: cgroup v1 freezer.state vs cgroup v2 cgroup.freeze, on this (hybrid) host.

Each group holds the same number of sleeping processes. Rounds alternate v1, v2, v1, v2, ... so both see the same
load. A round mirrors what Lamina's layouts do: v1 writes FROZEN and reads freezer.state until FROZEN, then writes
THAWED and reads it back; v2 writes 1 to cgroup.freeze and reads cgroup.events until "frozen 1", then writes 0 and
reads cgroup.freeze back. Wall time per round and this process's CPU time (utime+stime) per round; the frozen
tasks' own share of the work is not in the CPU figure (same for both). Run as root: python3 freeze.py [rounds] [procs]
"""
import os, statistics, subprocess, sys, time

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 500
PROCS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
NAME = f"lamina-freezebench-{os.getpid()}"
V1 = f"/sys/fs/cgroup/freezer/{NAME}"
V2 = f"/sys/fs/cgroup/unified/{NAME}"


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def read(path):
    with open(path) as f:
        return f.read()


def v1_round():
    state = V1 + "/freezer.state"
    while True:
        write(state, "FROZEN")
        if read(state).strip() == "FROZEN":
            break
    write(state, "THAWED")
    assert read(state).strip() == "THAWED"


def v2_round():
    events = V2 + "/cgroup.events"
    write(V2 + "/cgroup.freeze", "1")
    while "frozen 1" not in read(events):
        pass
    write(V2 + "/cgroup.freeze", "0")
    assert read(V2 + "/cgroup.freeze").strip() == "0"


def main():
    procs = []
    os.mkdir(V1)
    os.mkdir(V2)
    try:
        for d in (V1, V2):
            for _ in range(PROCS):
                p = subprocess.Popen(["sleep", "3600"])
                procs.append(p)
                write(d + "/cgroup.procs", str(p.pid))
        load = open("/proc/loadavg").read().split()[:3]
        wall = {"v1": [], "v2": []}
        cpu = {"v1": 0.0, "v2": 0.0}
        for _ in range(ROUNDS):
            for name, fn in (("v1", v1_round), ("v2", v2_round)):
                c0, t0 = time.process_time(), time.perf_counter()
                fn()
                wall[name].append(time.perf_counter() - t0)
                cpu[name] += time.process_time() - c0
        load_after = open("/proc/loadavg").read().split()[:3]
        print(f"rounds {ROUNDS}, {PROCS} sleeping processes per group, load before {' '.join(load)}, after {' '.join(load_after)}")
        for name in ("v1", "v2"):
            w = sorted(wall[name])
            print(f"{name}: freeze+thaw wall p50 {statistics.median(w) * 1e6:.0f} us, p90 {w[int(len(w) * 0.9)] * 1e6:.0f} us, "
                  f"CPU {cpu[name] / ROUNDS * 1e6:.0f} us per round")
        print(f"v2/v1 wall p50 ratio {statistics.median(wall['v2']) / statistics.median(wall['v1']):.2f}, "
              f"CPU ratio {cpu['v2'] / cpu['v1']:.2f}")
    finally:
        for p in procs:
            p.kill()
            p.wait()
        for d in (V1, V2):
            try:
                write(d + ("/freezer.state" if d == V1 else "/cgroup.freeze"), "THAWED" if d == V1 else "0")
            except OSError:
                pass
            os.rmdir(d)


if __name__ == "__main__":
    main()
