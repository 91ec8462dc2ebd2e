#!/usr/bin/env python3
"""CLI start-up: wall time of `lamina --version` and `lamina functions ls` per build variant, interleaved.

Usage: measure.py ROUNDS NAME=DLL[:ENV=VALUE,...] ...
Each round runs every variant once per command, in a rotating order, against one `lamina server --no-auth`
(started from the first variant's DLL on a free port with a temp data dir). Prints medians and ratios to the
first variant, with the load average before and after.
"""
import os, shutil, socket, statistics, subprocess, sys, tempfile, time

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def main():
    rounds = int(sys.argv[1])
    variants = []
    for arg in sys.argv[2:]:
        name, rest = arg.split("=", 1)
        dll, _, envs = rest.partition(":")
        env = dict(os.environ)
        for kv in filter(None, envs.split(",")):
            k, v = kv.split("=", 1)
            env[k] = v
        variants.append((name, dll, env))
    data = tempfile.mkdtemp(prefix="lamina-cli-startup-")
    port = free_port()
    server = subprocess.Popen(["dotnet", variants[0][1], "server", "--port", str(port), "--data-dir", data, "--no-auth"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "LAMINA__Execution__Enabled": "false"})
    endpoint = f"http://127.0.0.1:{port}"
    commands = {"--version": ["--version"],
                "functions ls": ["functions", "ls", "--endpoint", endpoint, "--access-key", "A", "--secret-key", "B"]}
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.1)
        load_before = open("/proc/loadavg").read().split()[:3]
        times = {(v[0], c): [] for v in variants for c in commands}
        for r in range(rounds):
            order = variants[r % len(variants):] + variants[:r % len(variants)]
            for cname, cargs in commands.items():
                for name, dll, env in order:
                    t = time.perf_counter()
                    p = subprocess.run(["dotnet", dll, *cargs], env=env, capture_output=True)
                    elapsed = time.perf_counter() - t
                    if p.returncode != 0:
                        sys.exit(f"{name} {cname} failed ({p.returncode}): {p.stderr.decode()[:400]}")
                    times[(name, cname)].append(elapsed * 1000)
        load_after = open("/proc/loadavg").read().split()[:3]
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)
    print(f"rounds {rounds}; load average before {' '.join(load_before)}, after {' '.join(load_after)}")
    print("| command | variant | median ms | min ms | max ms | ratio to " + variants[0][0] + " |")
    print("|---|---|---|---|---|---|")
    for cname in commands:
        base = statistics.median(times[(variants[0][0], cname)])
        for name, _, _ in variants:
            xs = times[(name, cname)]
            m = statistics.median(xs)
            print(f"| `lamina {cname}` | {name} | {m:.0f} | {min(xs):.0f} | {max(xs):.0f} | {m / base:.2f} |")

main()
