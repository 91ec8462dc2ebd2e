# runc create+start vs runc run --detach, and the seccomp filter's share (measurement only; root).
# Usage: python3 bench/coldstart/runc-variants.py N CONFIG_JSON
#   CONFIG_JSON: a Lamina sandbox's bundle/config.json (DATA/execution/sandboxes/<id>/bundle/config.json of a running
#   server): its namespaces, cgroup limits and seccomp filter are kept; the rootfs becomes a static busybox, the
#   process /bin/true, the control and agent mounts go. Variants alternate each round; wall time per start.
import json, os, shutil, subprocess, tempfile, time, statistics, sys
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
config = sys.argv[2] if len(sys.argv) > 2 else '/tmp/cs2-lamina-config.json'
base = tempfile.mkdtemp(prefix='lamina-runc-variants-')
rootfs = f'{base}/rootfs'
if not os.path.exists(rootfs):
    os.makedirs(f'{rootfs}/bin'); [os.makedirs(f'{rootfs}/{d}') for d in ('proc','dev','sys','tmp','run')]
    shutil.copy('/bin/busybox', f'{rootfs}/bin/busybox'); os.symlink('busybox', f'{rootfs}/bin/true')
c = json.load(open(config))
c['root'] = {'path': rootfs, 'readonly': True}
c['mounts'] = [m for m in c['mounts'] if m['destination'] not in ('/run/lamina', '/opt/lamina/lamina-init')]
c['process']['args'] = ['/bin/true']
runc = ['/usr/sbin/runc', '--root', f'{base}/state']
def bundle(name, seccomp):
    d = f'{base}/{name}'; os.makedirs(d, exist_ok=True)
    cc = json.loads(json.dumps(c))
    if not seccomp: cc['linux'].pop('seccomp', None)
    cc['linux']['cgroupsPath'] = f'/cs2-runc-bench/{name}'
    json.dump(cc, open(f'{d}/config.json', 'w')); return d
variants = {'create+start': (bundle('a', True), False), 'run --detach': (bundle('b', True), True),
            'create+start, no seccomp': (bundle('c', False), False)}
res = {k: [] for k in variants}
for i in range(N):
    for name, (d, run) in variants.items():
        cid = f'cs2-{i}-{abs(hash(name)) % 1000}'
        t = time.perf_counter()
        if run: subprocess.run(runc + ['run', '--detach', '--bundle', d, cid], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            subprocess.run(runc + ['create', '--bundle', d, cid], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run(runc + ['start', cid], check=True)
        res[name].append((time.perf_counter() - t) * 1000)
        subprocess.run(runc + ['delete', '-f', cid], check=True)
print(f'runc {N} rounds, variants alternated, load {open("/proc/loadavg").read().split()[:3]}')
for k, v in res.items(): print(f'  {k:28s} p50 {statistics.median(v):7.1f} ms  min {min(v):6.1f} ms')
shutil.rmtree(base, ignore_errors=True)
for h in os.listdir('/sys/fs/cgroup'):
    try: os.rmdir(f'/sys/fs/cgroup/{h}/cs2-runc-bench')
    except OSError: pass
