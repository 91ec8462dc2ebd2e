#!/usr/bin/env python3
"""Soak: N minutes of sustained mixed load on one real `lamina server` (auth on, execution on, loopback),
sampling the server's resources every 10 s, then deleting everything and checking nothing leaked.

Load (each loop bounded: one request at a time per worker, until the deadline):
  sync     RequestResponse invokes of an echo function (answer checked)
  async    Event invokes ({"record": id}); at the end every acknowledged event must have run (its RAN log line)
  faulty   invokes that time out (Timeout 1 s, sleep 3 s), crash (exit 3) and run out of memory (128 MB)
           -> 200 with X-Amz-Function-Error, the environment re-initialised
  deploy   create -> Active -> invoke -> UpdateFunctionCode v2 -> Successful -> invoke (variant v2) ->
           UpdateFunctionConfiguration -> DeleteFunction
  push     random image pushed over the registry API, pulled back and verified, manifest deleted
An "error" is anything else than the expected answer, except 429 throttles (counted apart).

--only push runs the push loop alone (execution off, no functions, no root needed): the registry's
push-and-delete storage soak of issue 2. --gc-interval / --gc-grace set Registry:GcInterval and
Registry:GcGracePeriod (the server's defaults, 10 min and 1 h, collect nothing in a 10-minute run).

Samples (WORK/samples.tsv): server RSS, open fds, threads, children, runc containers, mounts under the data
dir, cgroups under Lamina's parent, sandbox dirs, data-dir size, load average. Summary: WORK/summary.md.

  sudo python3 bench/soak/soak.py --minutes 30 [--work DIR]
  python3 bench/soak/soak.py --only push --minutes 10 --gc-interval 00:01:00 --gc-grace 00:02:00
"""

import argparse
import json
import os
import sqlite3
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
import lamina_bench as lb  # noqa: E402

FUNCTIONS = {  # name -> (timeout s, memory MB)
    "echo": (10, 128), "async": (10, 128), "slow": (1, 128), "crashy": (10, 128), "oom": (10, 128),
}
COLUMNS = ["t_s", "rss_mib", "fds", "threads", "children", "runc", "mounts", "cgroups", "sandbox_dirs", "data_mib", "blobs_mib",
           "blob_files", "load1"]


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok = {}
        self.throttled = {}
        self.errors = {}
        self.samples = []

    def count(self, table, kind, n=1):
        with self.lock:
            table[kind] = table.get(kind, 0) + n

    def error(self, kind, what):
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.samples) < 50:
                self.samples.append(f"{time.strftime('%H:%M:%S')} {kind}: {what}")
        print(f"ERROR {kind}: {what}", flush=True)


def throttled(e):
    return (getattr(e, "response", None) or {}).get("ResponseMetadata", {}).get("HTTPStatusCode") == 429


def wait_state(client, name, want_update=False, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        c = client.get_function_configuration(FunctionName=name)
        if want_update:
            if c.get("LastUpdateStatus") == "Successful":
                return c
            if c.get("LastUpdateStatus") == "Failed":
                raise RuntimeError(f"{name}: update failed: {c.get('LastUpdateStatusReason')}")
        else:
            if c["State"] == "Active":
                return c
            if c["State"] == "Failed":
                raise RuntimeError(f"{name}: Failed: {c.get('StateReason')}")
        time.sleep(0.5)
    raise RuntimeError(f"{name}: still not ready after {timeout} s")


def invoke(client, name, payload, kind, c, expect_error=None, expect_variant=None):
    try:
        r = client.invoke(FunctionName=name, Payload=json.dumps(payload))
    except Exception as e:  # noqa: BLE001 - every failure is counted by kind
        if throttled(e):
            c.count(c.throttled, kind)
        else:
            c.error(kind, f"{type(e).__name__}: {e}")
        return
    body = r["Payload"].read().decode(errors="replace")
    fe = r.get("FunctionError")
    if expect_error:
        if fe != "Unhandled" or expect_error not in body:
            c.error(kind, f"expected {expect_error}, got FunctionError={fe} {body[:200]}")
            return
    elif fe or '"echo"' not in body or (expect_variant and f'"variant":"{expect_variant}"' not in body):
        c.error(kind, f"unexpected answer FunctionError={fe} {body[:200]}")
        return
    c.count(c.ok, kind)


def run(args):
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "data")
    layout = os.path.join(work, "layout")
    cgroup_parent = "lamina-soak-" + uuid.uuid4().hex[:6]
    env = {"LAMINA__Execution__IdleTimeout": args.idle_timeout}
    if args.gc_interval:
        env["LAMINA__Registry__GcInterval"] = args.gc_interval
    if args.gc_grace:
        env["LAMINA__Registry__GcGracePeriod"] = args.gc_grace
    push_only = args.only == "push"
    if push_only:
        env["LAMINA__Execution__Enabled"] = "false"
        os.environ.setdefault("LAMINA_INIT_BINARY", "/nonexistent/lamina-init")  # execution is off: never started
    server = lb.Server(data, cgroup_parent, env).start()
    print(f"server {server.url} pid {server.pid} data {data} cgroup parent {cgroup_parent}", flush=True)
    functions = {} if push_only else FUNCTIONS
    client = None
    if not push_only:
        if not os.path.exists(os.path.join(layout, "index.json")):
            lb.build_stress_layout(layout)
        image = {v: lb.skopeo_push(server, layout, v, "soak/fn") for v in ("v1", "v2")}
        client = server.lambda_client()
        for name, (timeout, memory) in functions.items():
            client.create_function(FunctionName=name, PackageType="Image", Code={"ImageUri": image["v1"]},
                                   Role="arn:aws:iam::000000000000:role/soak", Timeout=timeout, MemorySize=memory)
        for name in functions:
            wait_state(client, name)

    c = Counters()
    deadline = time.time() + args.minutes * 60
    stop = threading.Event()
    acked_events = []

    def sync_loop():
        cl = server.lambda_client()
        n = 0
        while time.time() < deadline:
            n += 1
            invoke(cl, "echo", {"n": n}, "sync", c)

    def async_loop():
        cl = server.lambda_client()
        while time.time() < deadline:
            rid = uuid.uuid4().hex[:12]
            try:
                r = cl.invoke(FunctionName="async", InvocationType="Event", Payload=json.dumps({"record": rid}))
                if r["StatusCode"] == 202:
                    acked_events.append(rid)
                    c.count(c.ok, "async")
                else:
                    c.error("async", f"status {r['StatusCode']}")
            except Exception as e:  # noqa: BLE001
                (c.count(c.throttled, "async") if throttled(e) else c.error("async", f"{type(e).__name__}: {e}"))
            time.sleep(0.05)

    def faulty_loop():
        cl = server.lambda_client()
        cases = [("slow", {"sleep": 3}, "Sandbox.Timedout", "timeout"), ("crashy", {"crash": 1}, "Runtime.ExitError", "crash"),
                 ("oom", {"oom": 1}, "Runtime.", "oom")]
        i = 0
        while time.time() < deadline:
            name, payload, error, kind = cases[i % len(cases)]
            invoke(cl, name, payload, kind, c, expect_error=error)
            invoke(cl, name, {"after": kind}, kind + "-recovery", c)
            i += 1

    def deploy_loop():
        cl = server.lambda_client()
        n = 0
        while time.time() < deadline:
            n += 1
            name = f"d-{n}"
            try:
                cl.create_function(FunctionName=name, PackageType="Image", Code={"ImageUri": image["v1"]},
                                   Role="arn:aws:iam::000000000000:role/soak", Timeout=10, MemorySize=128)
                wait_state(cl, name)
                invoke(cl, name, {"deploy": n}, "deploy-invoke", c)
                cl.update_function_code(FunctionName=name, ImageUri=image["v2"])
                wait_state(cl, name, want_update=True)
                invoke(cl, name, {"deploy": n}, "deploy-invoke", c, expect_variant="v2")
                cl.update_function_configuration(FunctionName=name, Environment={"Variables": {"DEPLOY_N": str(n)}})
                wait_state(cl, name, want_update=True)
                cl.delete_function(FunctionName=name)
                c.count(c.ok, "deploy")
            except Exception as e:  # noqa: BLE001
                c.error("deploy", f"{name}: {type(e).__name__}: {e}")
                try:
                    cl.delete_function(FunctionName=name)
                except Exception:  # noqa: BLE001, S110 - best effort clean-up of a failed cycle
                    pass

    def push_loop():
        reg = server.registry()
        n = 0
        while time.time() < deadline:
            n += 1
            repo = f"soak/p{n % 8}"
            try:
                status, rec, body = reg.push_random_image(repo, f"t{n}", 256 * 1024 + (n * 7919) % (2 * 1024 * 1024))
                if status != 201:
                    c.error("push", f"manifest PUT {status} {body[:200]!r}")
                    continue
                problem = reg.verify_image(rec)
                if problem:
                    c.error("push", problem)
                    continue
                status = reg.delete_manifest(repo, rec["manifest"])
                if status != 202:
                    c.error("push", f"manifest DELETE {status}")
                    continue
                c.count(c.ok, "push")
            except Exception as e:  # noqa: BLE001
                c.error("push", f"{type(e).__name__}: {e}")
            time.sleep(0.2)

    def sampler():
        start = time.time()
        with open(os.path.join(work, "samples.tsv"), "w") as out:
            out.write("\t".join(COLUMNS) + "\n")
            while not stop.is_set():
                row = sample(server, start)
                c.samples_rows = getattr(c, "samples_rows", []) + [row]
                out.write("\t".join(str(row[k]) for k in COLUMNS) + "\n")
                out.flush()
                print("sample " + " ".join(f"{k}={row[k]}" for k in COLUMNS), flush=True)
                stop.wait(args.sample)

    loops = [push_loop] if push_only else [sync_loop, sync_loop, async_loop, faulty_loop, deploy_loop, push_loop]
    threads = [threading.Thread(target=f, daemon=True) for f in loops]
    st = threading.Thread(target=sampler, daemon=True)
    st.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("load finished", flush=True)

    # Every acknowledged event ran (its RAN line is in logs.db), then everything is deleted.
    missing = wait_events(data, acked_events, timeout=300)
    for name in functions:
        client.delete_function(FunctionName=name)
    if args.settle > 0:
        print(f"settling {args.settle} s (the registry's GC interval and grace period)", flush=True)
        time.sleep(args.settle)
    # Deleting a function destroys its environments at once: nothing may wait for the idle timeout.
    leak_deadline = time.time() + 180
    held = server.held()
    while any(held.values()) and time.time() < leak_deadline:
        time.sleep(5)
        held = server.held()
    final = sample(server, time.time())
    stop.set()
    st.join()
    server.stop()
    after_stop = server.held()
    write_summary(work, args, c, acked_events, missing, held, final, after_stop, getattr(c, "samples_rows", []))


def sample(server, start):
    p = lb.process_stats(server.pid)
    held = server.held()
    return {"t_s": int(time.time() - start), "rss_mib": round(p["rss_kib"] / 1024, 1), "fds": p["fds"],
            "threads": p["threads"], "children": p["children"], "runc": len(held["runc"]), "mounts": len(held["mounts"]),
            "cgroups": len(held["cgroups"]), "sandbox_dirs": len(held["sandbox_dirs"]),
            "data_mib": round(lb.dir_size(server.data_dir) / 1048576, 1),
            "blobs_mib": round(lb.dir_size(os.path.join(server.data_dir, "blobs")) / 1048576, 1),
            "blob_files": sum(len(n) for _, _, n in os.walk(os.path.join(server.data_dir, "blobs"))),
            "load1": os.getloadavg()[0]}


def ran_ids(data):
    """Record ids whose RAN line reached logs.db."""
    path = os.path.join(data, "logs.db")
    if not os.path.exists(path):
        return set()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
        rows = db.execute("SELECT message FROM events WHERE message LIKE 'RAN %'").fetchall()
    return {m.split()[1] for (m,) in rows}


def wait_events(data, acked, timeout):
    deadline = time.time() + timeout
    while True:
        missing = set(acked) - ran_ids(data)
        if not missing or time.time() > deadline:
            return missing
        time.sleep(5)


def slope(rows, key):
    """Least-squares slope of key per 10 minutes over the run's samples after the first two minutes."""
    pts = [(r["t_s"], r[key]) for r in rows if r["t_s"] >= 120]
    if len(pts) < 3:
        return 0.0
    n = len(pts)
    mx = sum(x for x, _ in pts) / n
    my = sum(y for _, y in pts) / n
    den = sum((x - mx) ** 2 for x, _ in pts)
    return round(sum((x - mx) * (y - my) for x, y in pts) / den * 600, 2) if den else 0.0


def write_summary(work, args, c, acked, missing, held, final, after_stop, rows):
    lines = [f"# Soak {time.strftime('%Y-%m-%d %H:%M')} UTC: {args.minutes} min, loops {args.only}, "
             f"Registry:GcInterval {args.gc_interval or 'default'}, GcGracePeriod {args.gc_grace or 'default'}, "
             f"settled {args.settle} s before the last column", "", f"server: {lb.cli_dll()}", ""]
    lines.append("| kind | ok | throttled (429) | errors |")
    lines.append("|---|---|---|---|")
    for kind in sorted(set(c.ok) | set(c.throttled) | set(c.errors)):
        lines.append(f"| {kind} | {c.ok.get(kind, 0)} | {c.throttled.get(kind, 0)} | {c.errors.get(kind, 0)} |")
    lines += ["", f"async events acknowledged {len(acked)}, never ran {len(missing)}", ""]
    if rows:
        mid = rows[len(rows) // 2]
        lines.append("| resource | at 2 min | middle | last sample | slope per 10 min (after 2 min) | after delete |")
        lines.append("|---|---|---|---|---|---|")
        early = next((r for r in rows if r["t_s"] >= 120), rows[0])
        for k in COLUMNS[1:]:
            lines.append(f"| {k} | {early[k]} | {mid[k]} | {rows[-1][k]} | {slope(rows, k)} | {final[k]} |")
        loads = [r["load1"] for r in rows]
        lines += ["", f"load average (1 min): min {min(loads)}, median {sorted(loads)[len(loads) // 2]}, max {max(loads)}"]
    lines += ["", f"held after every function was deleted: {json.dumps(held)}", f"held after SIGTERM: {json.dumps(after_stop)}", ""]
    if c.samples:
        lines += ["Errors (first 50):", "", "```", *c.samples, "```"]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(work, "summary.md"), "w") as f:
        f.write(text)
    print(text)
    leaked = any(held.values()) or any(after_stop.values()) or missing
    sys.exit(1 if sum(c.errors.values()) or leaked else 0)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--work", default="/var/tmp/lamina-soak")
    p.add_argument("--sample", type=float, default=10)
    p.add_argument("--idle-timeout", default="00:10:00", help="Execution:IdleTimeout (default: the server's own)")
    p.add_argument("--settle", type=float, default=0, help="seconds to wait after the load before the final sample")
    p.add_argument("--only", choices=["all", "push"], default="all", help="push: the registry push-and-delete loop alone")
    p.add_argument("--gc-interval", help="Registry:GcInterval, e.g. 00:01:00 (default: the server's own)")
    p.add_argument("--gc-grace", help="Registry:GcGracePeriod, e.g. 00:02:00 (default: the server's own)")
    run(p.parse_args())
