# runc vs crun on the same config.json: wall time of create + start and the CPU it costs, variants interleaved.
# Usage: python3 bench/coldstart/runtime-variants.py N CONFIG_JSON [--breakdown]   (root; runc, crun, busybox-static)
#   CONFIG_JSON: a Lamina sandbox's bundle/config.json (DATA/execution/sandboxes/<id>/bundle/config.json of a running
#   server): namespaces, capabilities, seccomp, cgroup limits, masked paths kept; the rootfs becomes a static
#   busybox, the process /bin/true, the control and agent mounts go.
#   --breakdown (measurement only) adds each runtime without the seccomp filter, and `runc run --detach` (one CLI
#   process start less than create + start; what session 5's runc-variants.py measured).
#   --agent-filter BPF LOADER adds each runtime with no seccomp section and the first process installing BPF (the
#   profile Lamina compiled: <data>/seccomp/*.bpf) before exec'ing /bin/true, as lamina-init does with --seccomp
#   (Execution:SeccompInAgent); LOADER: a static build of tests/Lamina.Sandbox.Tests/Fixtures/seccomp-init.c.
# crun is started as Lamina starts it on this host (src/Lamina.Sandbox/Runc/RuncCli.cs): on a hybrid cgroup host
# with a controller on cgroup2 (HybridCgroups), `crun create` runs under `unshare --mount` with the cgroup2 mount
# unmounted; "crun create+start, direct" is left out there (crun refuses), kept on other hosts.
# Per start: wall (first CLI call until start returns); CLI CPU (utime+stime of every CLI process, from
# RUSAGE_CHILDREN; includes unshare/sh/umount for crun); cgroup CPU (cpuacct.usage of the container's cgroup:
# the runtime's init side in the container, the exec, /bin/true).
import json, os, shutil, subprocess, resource, tempfile, time, statistics, sys
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
config = sys.argv[2] if len(sys.argv) > 2 else '/tmp/cs2-lamina-config.json'
base = tempfile.mkdtemp(prefix='lamina-runtime-variants-')
rootfs = f'{base}/rootfs'
os.makedirs(f'{rootfs}/bin'); [os.makedirs(f'{rootfs}/{d}') for d in ('proc', 'dev', 'sys', 'tmp', 'run')]
shutil.copy('/bin/busybox', f'{rootfs}/bin/busybox'); os.symlink('busybox', f'{rootfs}/bin/true')
c = json.load(open(config))
c['root'] = {'path': rootfs, 'readonly': True}
c['mounts'] = [m for m in c['mounts'] if m['destination'] not in ('/run/lamina', '/opt/lamina/lamina-init')]
c['process']['args'] = ['/bin/true']
parent = 'lamina-runtime-bench'

def hybrid():
    try:
        return os.path.ismount('/sys/fs/cgroup/unified') and open('/sys/fs/cgroup/unified/cgroup.controllers').read().strip() != ''
    except OSError:
        return False

def bundle(name, runtime, seccomp=True, agent_filter=False):
    d = f'{base}/{name}'; os.makedirs(d, exist_ok=True)
    cc = json.loads(json.dumps(c))
    if not seccomp: cc['linux'].pop('seccomp', None)
    if agent_filter: cc['process']['args'] = ['/seccomp-init', '--seccomp', '/filter.bpf', '/bin/true']
    cc['linux']['cgroupsPath'] = f'/{parent}/{name}'
    # RuntimeSpecAdapter: crun 1.8.1 cannot write a quota of -1; a new cgroup's quota is -1 already.
    if runtime == 'crun' and cc['linux']['resources'].get('cpu', {}).get('quota', 0) < 0: del cc['linux']['resources']['cpu']['quota']
    json.dump(cc, open(f'{d}/config.json', 'w')); return d

def create_cmd(binary, state, d, cid, hide):
    cmd = [binary, '--root', state, 'create', '--bundle', d, cid]
    if hide: return ['/usr/bin/unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c', 'umount -l /sys/fs/cgroup/unified && exec "$@"', 'sh'] + cmd
    return cmd

# name → (binary, bundle, hide the cgroup2 mount, `run --detach` instead of create + start)
variants = {'runc create+start': ('/usr/sbin/runc', bundle('runc', 'runc'), False, False)}
if hybrid(): variants['crun create+start (unshare, as Lamina here)'] = ('/usr/bin/crun', bundle('crun', 'crun'), True, False)
else: variants['crun create+start'] = ('/usr/bin/crun', bundle('crun', 'crun'), False, False)
if '--breakdown' in sys.argv:  # measurement only: the seccomp filter's share under each runtime, and runc's one-call start
    variants['runc, no seccomp'] = ('/usr/sbin/runc', bundle('runcns', 'runc', False), False, False)
    variants['crun, no seccomp'] = ('/usr/bin/crun', bundle('crunns', 'crun', False), hybrid(), False)
    variants['runc run --detach'] = ('/usr/sbin/runc', bundle('runcrun', 'runc'), False, True)
if '--agent-filter' in sys.argv:  # the filter compiled once by Lamina, installed by the sandbox's first process
    bpf, loader = sys.argv[sys.argv.index('--agent-filter') + 1:][:2]
    shutil.copy(bpf, f'{rootfs}/filter.bpf'); shutil.copy(loader, f'{rootfs}/seccomp-init')
    variants['runc, filter loaded by the first process'] = ('/usr/sbin/runc', bundle('runcaf', 'runc', False, True), False, False)
    variants['crun, filter loaded by the first process'] = ('/usr/bin/crun', bundle('crunaf', 'crun', False, True), hybrid(), False)
res = {k: ([], [], []) for k in variants}
for i in range(-2, N):
    for name, (binary, d, hide, detach) in variants.items():
        cid = f'rv-{i + 2}'
        state = f'{base}/state-{os.path.basename(d)}'
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        if detach:
            subprocess.run([binary, '--root', state, 'run', '--detach', '--bundle', d, cid], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            subprocess.run(create_cmd(binary, state, d, cid, hide), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run([binary, '--root', state, 'start', cid], check=True)
        wall = (time.perf_counter() - t) * 1000
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cli = ((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)) * 1000
        cg = f'/sys/fs/cgroup/cpuacct/{parent}/{os.path.basename(d)}/cpuacct.usage'
        for _ in range(200):  # /bin/true exits at once; its CPU is final when the cgroup is empty
            if open(cg.replace('cpuacct.usage', 'cgroup.procs')).read().strip() == '': break
            time.sleep(0.005)
        init = int(open(cg).read()) / 1e6
        subprocess.run([binary, '--root', state, 'delete', '-f', cid], check=True)
        if i >= 0:
            res[name][0].append(wall); res[name][1].append(cli); res[name][2].append(init)
print(f'{N} rounds (2 warm-up), variants interleaved, load {open("/proc/loadavg").read().split()[:3]}')
print(subprocess.run(['/usr/sbin/runc', '--version'], capture_output=True, text=True).stdout.split('\n')[0] + '; ' +
      subprocess.run(['/usr/bin/crun', '--version'], capture_output=True, text=True).stdout.split('\n')[0])
for k, (w, a, b) in res.items():
    print(f'  {k:44s} wall p50 {statistics.median(w):6.1f} ms (min {min(w):5.1f})   CPU/start: CLI {statistics.mean(a):5.1f} ms + cgroup {statistics.mean(b):5.1f} ms = {statistics.mean(a) + statistics.mean(b):5.1f} ms')
shutil.rmtree(base, ignore_errors=True)
for h in os.listdir('/sys/fs/cgroup'):
    for name in ('runc', 'crun', 'runcns', 'crunns', 'runcrun', 'runcaf', 'crunaf'):
        try: os.rmdir(f'/sys/fs/cgroup/{h}/{parent}/{name}')
        except OSError: pass
    try: os.rmdir(f'/sys/fs/cgroup/{h}/{parent}')
    except OSError: pass
