# CPU time of one runc create + start (the runc CLI processes, and runc init + exec in the container's cgroup), with
# and without the seccomp filter. Usage: python3 bench/coldstart/runc-cpu.py CONFIG_JSON (see runtime-variants.py); root.
import json, os, shutil, subprocess, resource, tempfile, sys
N=20
base=tempfile.mkdtemp(prefix='cs2-cpu-')
rootfs=f'{base}/rootfs'; os.makedirs(f'{rootfs}/bin'); [os.makedirs(f'{rootfs}/{d}') for d in ('proc','dev','sys','tmp','run')]
shutil.copy('/bin/busybox', f'{rootfs}/bin/busybox'); os.symlink('busybox', f'{rootfs}/bin/sleep')
c=json.load(open(sys.argv[1] if len(sys.argv) > 1 else '/tmp/cs2-lamina-config.json')); c['root']={'path':rootfs,'readonly':True}
c['mounts']=[m for m in c['mounts'] if m['destination'] not in ('/run/lamina','/opt/lamina/lamina-init')]
c['process']['args']=['/bin/sleep','5']; c['linux']['cgroupsPath']='/cs2-cpu/x'
runc=['/usr/sbin/runc','--root',f'{base}/state']
def one(seccomp):
    cc=json.loads(json.dumps(c))
    if not seccomp: cc['linux'].pop('seccomp',None)
    json.dump(cc,open(f'{base}/config.json','w'))
    tot=0.0; init_cpu=0.0
    for i in range(N):
        cid=f'cpu{i}'
        r0=resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(runc+['create','--bundle',base,cid],check=True,stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
        subprocess.run(runc+['start',cid],check=True)
        r1=resource.getrusage(resource.RUSAGE_CHILDREN)
        tot+=(r1.ru_utime-r0.ru_utime)+(r1.ru_stime-r0.ru_stime)
        # the container's own cgroup CPU (runc init + exec), from cpuacct
        init_cpu+=int(open('/sys/fs/cgroup/cpuacct/cs2-cpu/x/cpuacct.usage').read())/1e9
        subprocess.run(runc+['delete','-f',cid],check=True)
    return tot/N*1000, init_cpu/N*1000
for s in (True, False):
    a,b=one(s); print(f'seccomp={s}: runc create+start CLI processes {a:.1f} ms CPU each; in the container cgroup (runc init, exec) {b:.1f} ms CPU')
print('load', open('/proc/loadavg').read().split()[:3])
shutil.rmtree(base, ignore_errors=True)
for h in os.listdir('/sys/fs/cgroup'):
    try: os.rmdir(f'/sys/fs/cgroup/{h}/cs2-cpu')
    except OSError: pass
