#!/usr/bin/python3
"""What cpu.shares does to a neighbour's wake-up latency next to a spinner, with nothing of Lamina in the path.

Two cgroup v1 cpu directories under one parent, as the sandboxes sit: "spinner" (4 busy processes, quota
2 vCPUs = every core of a 2-core host) and "pinger" (one process that sleeps 5 ms, then does ~0.2 ms of work,
and records wake-up-to-done time). The pinger runs alone, then next to the spinner, under each weight pair:
Lamina's old rule (1024 × MemorySize / 1769: 74 for 128 MB, 2048 for 3538 MB) and the equal weights it now uses.
Medians and p90 of the pinger's round time; the ratio is against the same run's quiet median.

    sudo bench/hostile/shares.py [--seconds 5] [--rounds 3]
"""
import argparse, os, statistics, subprocess, sys, time

PARENT = "/sys/fs/cgroup/cpu/lamina-bench-shares"

PINGER = r"""
import sys, time
end = time.monotonic() + float(sys.argv[1])
out = []
while time.monotonic() < end:
    t = time.monotonic()
    time.sleep(0.005)                     # the wake-up delay past these 5 ms is what weights change
    x = 0
    for i in range(4000): x += i          # ~0.2 ms of work
    out.append((time.monotonic() - t) * 1000 - 5)
print(" ".join(f"{v:.3f}" for v in out))
"""


def cg(name, shares, quota):
    path = os.path.join(PARENT, name)
    os.makedirs(path, exist_ok=True)
    for f, v in (("cpu.shares", shares), ("cpu.cfs_period_us", 100000), ("cpu.cfs_quota_us", quota)):
        with open(os.path.join(path, f), "w") as fh:
            fh.write(str(v))
    return path


def run_in(path, argv, **kw):
    return subprocess.Popen(["/bin/sh", "-c", f'echo $$ > {path}/cgroup.procs && exec "$@"', "sh", *argv], **kw)


def pinger(path, seconds):
    p = run_in(path, [sys.executable, "-c", PINGER, str(seconds)], stdout=subprocess.PIPE, text=True)
    out, _ = p.communicate()
    return [float(v) for v in out.split()]


def p90(xs):
    s = sorted(xs)
    return s[min(len(s) - 1, int(0.9 * len(s)))]


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--seconds", type=float, default=5)
    a.add_argument("--rounds", type=int, default=3)
    args = a.parse_args()
    os.makedirs(PARENT, exist_ok=True)
    settings = {"old (74 vs 2048)": (74, 2048), "equal (1024 vs 1024)": (1024, 1024)}
    res = {k: {"quiet": [], "busy": []} for k in settings}
    try:
        for _ in range(args.rounds):
            for name, (ping_shares, spin_shares) in settings.items():
                ping = cg("pinger", ping_shares, 25000)        # 128 MB with Lamina's floor: 0.25 vCPU
                spin = cg("spinner", spin_shares, 200000)      # 3538 MB: 2 vCPUs
                res[name]["quiet"] += pinger(ping, args.seconds)
                spinners = [run_in(spin, [sys.executable, "-c", "while True: pass"]) for _ in range(4)]
                time.sleep(0.5)
                try:
                    res[name]["busy"] += pinger(ping, args.seconds)
                finally:
                    for s in spinners:
                        s.kill()
                        s.wait()
    finally:
        for name in ("pinger", "spinner"):
            try:
                os.rmdir(os.path.join(PARENT, name))
            except OSError:
                pass
        try:
            os.rmdir(PARENT)
        except OSError:
            pass
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    print(f"# pinger: ms past a 5 ms sleep until ~0.2 ms of work is done, {args.rounds} rounds × {args.seconds} s per side; loadavg {load}; {os.cpu_count()} CPUs")
    print("| weights (pinger vs spinner) | quiet median | next to the spinner: median | p90 | ratio of medians |")
    print("|---|---|---|---|---|")
    for name in settings:
        q, b = res[name]["quiet"], res[name]["busy"]
        print(f"| {name} | {statistics.median(q):.2f} ms | {statistics.median(b):.2f} ms | {p90(b):.2f} ms | {statistics.median(b) / statistics.median(q):.1f}× |")


if __name__ == "__main__":
    main()
