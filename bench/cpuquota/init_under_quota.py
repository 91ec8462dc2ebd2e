#!/usr/bin/python3
"""Runtime init (and first invoke) of the Python, Node.js and .NET runtimes under a CFS quota.

Each run starts lamina-init in emulator mode (as /lambda-entrypoint.sh does outside Lamina) with the real
runtime bootstrap (runtimes/*) and a sample handler, inside a cgroup v1 cpu directory whose cfs_quota_us is
set like a sandbox's, and times start -> first successful invoke answer. The host's python3, node and dotnet
stand in for the images' (same major versions as Debian 12's for python; newer node). Loopback only.

    sudo bench/cpuquota/init_under_quota.py [--reps 3] [--quotas none,7235,25000,50000]
Needs root (cgroup writes), a NativeAOT lamina-init ($LAMINA_INIT_BINARY or the newest /var/tmp/lamina-init-aot-*),
and the csharp-hello sample published framework-dependent (--task-dotnet DIR; bench/runtimes/run.sh makes one).
"""
import argparse, glob, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CG = "/sys/fs/cgroup/cpu/lamina-bench-cpuquota"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def agent():
    given = os.environ.get("LAMINA_INIT_BINARY")
    if given:
        return given
    found = sorted(glob.glob("/var/tmp/lamina-init-aot-*/lamina-init"), key=os.path.getmtime)
    if not found:
        sys.exit("no lamina-init: set LAMINA_INIT_BINARY or run the environments tests once")
    return found[-1]


def runtimes(task_dotnet, work):
    py_task = os.path.join(REPO, "samples", "python-hello")
    node_task = os.path.join(work, "node-task")
    os.makedirs(node_task, exist_ok=True)
    shutil.copy(os.path.join(REPO, "samples", "node-customer", "app.js"), os.path.join(node_task, "app.js"))
    out = [
        ("python", os.path.join(REPO, "runtimes", "python"), py_task, "app.handler"),
        ("nodejs", os.path.join(REPO, "runtimes", "nodejs"), node_task, "app.lambdaHandler"),
    ]
    if task_dotnet:
        out.append(("dotnet", os.path.join(REPO, "runtimes", "dotnet"), task_dotnet, "CSharpHello::CSharpHello.Function::Handler"))
    return out


def one_run(lamina_init, runtime_dir, task_root, handler, quota):
    with open(os.path.join(CG, "cpu.cfs_quota_us"), "w") as f:
        f.write(str(quota if quota else -1))
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "_HANDLER": handler, "LAMBDA_TASK_ROOT": task_root,
        "LAMBDA_RUNTIME_DIR": runtime_dir, "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "HOME": "/tmp",
    }
    # The child joins the cgroup before it execs, so every instruction of the start is under the quota.
    cmd = ["/bin/sh", "-c", f'echo $$ > {CG}/cgroup.procs && exec "$@"', "sh",
           lamina_init, "--runtime-interface-emulator-address", f"127.0.0.1:{port}",
           "--runtime-api-address", f"127.0.0.1:{free_port()}", "--", os.path.join(runtime_dir, "bootstrap")]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=task_root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations"
    try:
        deadline = start + 120
        while True:
            try:
                with urllib.request.urlopen(urllib.request.Request(url, data=b"{\"name\": \"bench\"}", method="POST"), timeout=60) as r:
                    body = r.read()
                    if r.status != 200 or r.headers.get("X-Amz-Function-Error"):
                        raise RuntimeError(f"invoke failed: {r.status} {body[:200]!r}")
                    return time.monotonic() - start
            except (ConnectionError, urllib.error.URLError):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("emulator did not answer: " + proc.stderr.read().decode(errors="replace")[-2000:])
                time.sleep(0.02)
    finally:
        proc.kill()
        proc.wait()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--quotas", default="none,7235,25000,50000", help="cfs_quota_us per 100 ms period; none = no quota")
    p.add_argument("--task-dotnet", default="/tmp/lamina-bench-runtimes/task")
    a = p.parse_args()
    quotas = [None if q == "none" else int(q) for q in a.quotas.split(",")]
    os.makedirs(CG, exist_ok=True)
    with open(os.path.join(CG, "cpu.cfs_period_us"), "w") as f:
        f.write("100000")
    work = tempfile.mkdtemp(prefix="lamina-bench-cpuquota-")
    task_dotnet = a.task_dotnet if os.path.exists(os.path.join(a.task_dotnet, "CSharpHello.dll")) else None
    results = {}
    try:
        lamina_init = agent()
        for rep in range(a.reps):
            # Interleaved (every runtime and quota once per repetition), so load changes hit all alike.
            for name, rdir, task, handler in runtimes(task_dotnet, work):
                for q in quotas:
                    results.setdefault((name, q), []).append(one_run(lamina_init, rdir, task, handler, q))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        try:
            os.rmdir(CG)
        except OSError:
            pass
    load = open("/proc/loadavg").read().split()[:3]
    print(f"# init + first invoke, median of {a.reps} (seconds); loadavg {' '.join(load)}; {os.cpu_count()} CPUs")
    print("| runtime | " + " | ".join("no quota" if q is None else f"quota {q / 100000:.3f} vCPU" for q in quotas) + " |")
    print("|---|" + "---|" * len(quotas))
    for name in dict.fromkeys(n for n, _ in results):
        base = statistics.median(results[(name, None)]) if (name, None) in results else None
        cells = []
        for q in quotas:
            m = statistics.median(results[(name, q)])
            cells.append(f"{m:.2f} s" + (f" ({m / base:.1f}×)" if base and q is not None else ""))
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(json.dumps({f"{n}:{q}": v for (n, q), v in results.items()}))


if __name__ == "__main__":
    main()
