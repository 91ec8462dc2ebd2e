"""Shared pieces of the crash and soak harnesses (bench/crash, bench/soak): the real `lamina server`
process, the stress function image, registry pushes over HTTP, and what the host holds for Lamina
(runc containers, mounts, cgroups, sandbox directories, processes).

Everything listens on and talks to 127.0.0.1 only."""

import base64
import gzip
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
# The Runtime API client header stress-runtime.c shares with the tests' C runtimes.
RUNTIME_API_DIR = os.path.join(REPO, "tests", "Lamina.Environments.Tests", "Fixtures")
CGROUP_ROOT = "/sys/fs/cgroup"


def cli_dll():
    """The Release build of the CLI that ./lamina builds (artifacts/lamina/lamina.dll)."""
    dll = os.environ.get("LAMINA_DLL") or os.path.join(REPO, "artifacts", "lamina", "lamina.dll")
    if not os.path.exists(dll):
        raise SystemExit(f"{dll} missing: run `dotnet build src/Lamina.Cli -c Release -o artifacts/lamina` (or ./lamina --help) first")
    return dll


def agent_binary():
    """lamina-init: $LAMINA_INIT_BINARY, artifacts/lamina-init/lamina-init, or the tests' /var/tmp cache."""
    given = os.environ.get("LAMINA_INIT_BINARY")
    if given:
        return given
    published = os.path.join(REPO, "artifacts", "lamina-init", "lamina-init")
    if os.path.exists(published):
        return published
    h = hashlib.sha256()
    root = os.path.join(REPO, "src", "Lamina.Agent")
    files = []
    for d, _, names in os.walk(root):
        if "/bin" in d or "/obj" in d:
            continue
        files += [os.path.join(d, n) for n in names if ".cs" in n]
    for f in sorted(files):
        with open(f, "rb") as fh:
            h.update(fh.read())
    cached = f"/var/tmp/lamina-init-aot-{h.hexdigest()[:16].upper()}/lamina-init"
    if not os.path.exists(cached):
        raise SystemExit("lamina-init not found: run ./lamina server once (it publishes artifacts/lamina-init) or set LAMINA_INIT_BINARY")
    return cached


class Server:
    """`dotnet lamina.dll server --port 0 --data-dir D` with auth on and execution on, as users run it."""

    def __init__(self, data_dir, cgroup_parent, extra_env=None):
        self.data_dir = data_dir
        self.cgroup_parent = cgroup_parent
        self.extra_env = extra_env or {}
        self.proc = None
        self.url = None
        self.log_path = data_dir.rstrip("/") + ".server.log"
        self.runc_root = os.path.join(data_dir, "execution", "runc")
        # Each OCI runtime keeps its containers under its own state root (DATA/execution/<runtime>): the server
        # runs with either (LAMINA__Execution__Runtime), and recovers the other's leftovers after a switch.
        self.runtime_roots = {rt: os.path.join(data_dir, "execution", rt) for rt in ("runc", "crun")}
        self.sandbox_dir = os.path.join(data_dir, "execution", "sandboxes")

    def start(self, timeout=180, kill_after=None):
        """Starts the server and waits until it listens; with kill_after, SIGKILLs it that many seconds
        after the exec instead (a kill during start-up and recovery) and returns without waiting."""
        env = dict(os.environ)
        env.update({
            "DOTNET_NOLOGO": "1",
            "LAMINA__Execution__Enabled": "true",
            "LAMINA__Execution__AgentBinary": agent_binary(),
            "LAMINA__Execution__CgroupParent": self.cgroup_parent,
        })
        env.update(self.extra_env)
        log = open(self.log_path, "ab")
        log.write(f"=== start {time.strftime('%H:%M:%S')}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(["dotnet", cli_dll(), "server", "--port", "0", "--data-dir", self.data_dir],
                                     stdout=subprocess.PIPE, stderr=log, env=env, start_new_session=True)
        deadline = time.time() + timeout
        found = threading.Event()

        def pump():
            for raw in self.proc.stdout:
                log.write(raw)
                log.flush()
                m = re.search(r"listening on (http://[^\s/]+)", raw.decode(errors="replace"))
                if m and not found.is_set():
                    self.url = m.group(1)
                    found.set()
            log.close()

        threading.Thread(target=pump, daemon=True).start()
        if kill_after is not None:
            time.sleep(kill_after)
            self.kill()
            return self
        while not found.wait(0.2):
            if self.proc.poll() is not None or time.time() > deadline:
                self.kill()
                raise RuntimeError(f"server did not start (exit {self.proc.returncode}); see {self.log_path}")
        return self

    @property
    def pid(self):
        return self.proc.pid

    def credentials(self):
        with open(os.path.join(self.data_dir, "credentials.json")) as f:
            c = json.load(f)
        key = c.get("accessKeyId") or c.get("AccessKeyId")
        secret = c.get("secretAccessKey") or c.get("SecretAccessKey")
        return key, secret

    def kill(self):
        """SIGKILL of the server process only: its sandboxes are left behind, as after an OOM kill."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(60)

    def stop(self, timeout=120):
        """SIGTERM: the graceful shutdown destroys every environment."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout)

    def aws_env(self):
        key, secret = self.credentials()
        return {"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": "us-east-1"}

    def lambda_client(self, read_timeout=60):
        import boto3
        from botocore.config import Config
        key, secret = self.credentials()
        return boto3.client("lambda", endpoint_url=self.url, region_name="us-east-1", aws_access_key_id=key,
                            aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 0}, connect_timeout=5, read_timeout=read_timeout))

    def registry(self):
        return Registry(self.url, *self.credentials())

    # --- what the host holds for this server -------------------------------------------------

    def runc_containers(self):
        """{id: init pid} of the containers in every runtime's state root (runc's and crun's)."""
        found = {}
        for runtime in self.runtime_roots:
            found.update(self.containers_of(runtime))
        return found

    def containers_of(self, runtime):
        """{id: init pid} from `RUNTIME --root <Lamina's root for it> list`, plus the root's directories."""
        root = self.runtime_roots[runtime]
        if not os.path.isdir(root):
            return {}
        found = {}
        for _ in range(5):
            # runc list fails while a container's state is being written: try again.
            try:
                out = subprocess.run([runtime, "--root", root, "list", "--format", "json"], capture_output=True, text=True)
            except FileNotFoundError:
                break
            if out.returncode == 0:
                found = {c["id"]: c.get("pid", 0) for c in json.loads(out.stdout or "null") or []}
                break
            time.sleep(0.1)
        # A container whose state the runtime could not read still has its directory in the root
        # (runc: state.json with init_process_pid; crun: status with pid).
        for d in os.listdir(root):
            if d not in found and os.path.isdir(os.path.join(root, d)):
                found[d] = 0
                for name, key in (("state.json", "init_process_pid"), ("status", "pid")):
                    try:
                        with open(os.path.join(root, d, name)) as f:
                            found[d] = json.load(f).get(key, 0)
                        break
                    except (OSError, ValueError):
                        pass
        return found

    def mounts(self):
        """Mount points under the data directory (overlay roots, binds) from /proc/self/mountinfo."""
        prefix = os.path.realpath(self.data_dir)
        with open("/proc/self/mountinfo") as f:
            return [line.split()[4] for line in f if line.split()[4].startswith(prefix)]

    def cgroups(self):
        """Child cgroups under Lamina's parent in every v1 hierarchy: ["memory/<id>", ...]."""
        found = []
        for controller in sorted(os.listdir(CGROUP_ROOT)):
            parent = os.path.join(CGROUP_ROOT, controller, self.cgroup_parent)
            if os.path.islink(os.path.join(CGROUP_ROOT, controller)) or not os.path.isdir(parent):
                continue
            found += [f"{controller}/{d}" for d in os.listdir(parent) if os.path.isdir(os.path.join(parent, d))]
        return found

    def cgroup_parents(self):
        """The hierarchies that still hold Lamina's cgroup parent: ["memory", ...] (a clean stop removes it)."""
        return sorted(c for c in os.listdir(CGROUP_ROOT)
                      if not os.path.islink(os.path.join(CGROUP_ROOT, c)) and os.path.isdir(os.path.join(CGROUP_ROOT, c, self.cgroup_parent)))

    def sandbox_dirs(self):
        return sorted(os.listdir(self.sandbox_dir)) if os.path.isdir(self.sandbox_dir) else []

    def held(self):
        """Everything the host holds for sandboxes of this data directory."""
        return {"runc": sorted(self.runc_containers()), "mounts": self.mounts(), "cgroups": self.cgroups(),
                "sandbox_dirs": self.sandbox_dirs()}

    def sweep_markers(self):
        """Marker files the stress function wrote in its sandboxes' /tmp: {"ran-ID-PID-N", ...}."""
        return set().union(*self.sweep_markers_by_runtime().values())

    def sweep_markers_by_runtime(self):
        """{runtime: marker files} of the containers in each runtime's state root."""
        return {rt: self._markers_in(self.containers_of(rt)) for rt in self.runtime_roots}

    @staticmethod
    def _markers_in(containers):
        markers = set()
        for _, pid in containers.items():
            tmp = f"/proc/{pid}/root/tmp"
            try:
                markers.update(n for n in os.listdir(tmp) if n.startswith("ran-"))
            except OSError:
                pass
        return markers


def process_stats(pid):
    """RSS (KiB), open fds, threads and direct children of one process."""
    stats = {"rss_kib": 0, "fds": 0, "threads": 0, "children": 0}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    stats["rss_kib"] = int(line.split()[1])
                elif line.startswith("Threads:"):
                    stats["threads"] = int(line.split()[1])
        stats["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            stats["children"] = len(f.read().split())
    except OSError:
        pass
    return stats


def dir_size(path):
    total = 0
    for d, _, names in os.walk(path):
        for n in names:
            try:
                total += os.lstat(os.path.join(d, n)).st_blocks * 512
            except OSError:
                pass
    return total


# --- the stress image ---------------------------------------------------------------------------

def _add_file(tar, path, data, mode=0o644):
    info = tarfile.TarInfo(path)
    info.size = len(data)
    info.mode = mode
    tar.addfile(info, io.BytesIO(data))


def _layer(files, dirs=(), links=()):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in dirs:
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if d == "tmp" else 0o755
            tar.addfile(info)
        for path, (data, mode) in files.items():
            _add_file(tar, path, data, mode)
        for path, target in links:
            info = tarfile.TarInfo(path)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    tar_bytes = raw.getvalue()
    gz = gzip.compress(tar_bytes, mtime=0)
    return gz, "sha256:" + hashlib.sha256(tar_bytes).hexdigest()


def build_stress_layout(layout_dir, variants=("v1", "v2")):
    """An OCI layout holding one image per variant tag: a base layer with the glibc lamina-init needs, and
    the stress runtime at /var/task/bootstrap (gcc -static), CMD ["/var/task/bootstrap"]."""
    os.makedirs(os.path.join(layout_dir, "blobs", "sha256"), exist_ok=True)

    def blob(data):
        hexd = hashlib.sha256(data).hexdigest()
        with open(os.path.join(layout_dir, "blobs", "sha256", hexd), "wb") as f:
            f.write(data)
        return {"digest": "sha256:" + hexd, "size": len(data)}

    libs = {}
    # A static lamina-init needs no libraries: ldd then says "not a dynamic executable" and exits 1.
    for line in subprocess.run(["ldd", agent_binary()], capture_output=True, text=True, check=False).stdout.splitlines():
        path = (line.split("=> ")[1] if "=> " in line else line.strip()).split(" ")[0]
        if path.startswith("/"):
            with open(os.path.realpath(path), "rb") as f:
                libs[path.lstrip("/")] = (f.read(), 0o755)
    base_gz, base_diff = _layer(libs, dirs=["tmp", "var", "var/task", "etc", "lib", "lib64", "lib/x86_64-linux-gnu"])
    base = blob(base_gz)
    entries = []
    for variant in variants:
        with tempfile.TemporaryDirectory() as work:
            exe = os.path.join(work, "bootstrap")
            subprocess.run(["gcc", "-static", "-O2", f'-DVARIANT="{variant}"', "-I", RUNTIME_API_DIR, "-o", exe,
                            os.path.join(HERE, "stress-runtime.c")], check=True)
            with open(exe, "rb") as f:
                fn_gz, fn_diff = _layer({"var/task/bootstrap": (f.read(), 0o755)})
        fn = blob(fn_gz)
        config = {"architecture": "amd64", "os": "linux",
                  "config": {"Cmd": ["/var/task/bootstrap"], "WorkingDir": "/var/task", "Env": ["PATH=/bin"]},
                  "rootfs": {"type": "layers", "diff_ids": [base_diff, fn_diff]}}
        cfg = blob(json.dumps(config).encode())
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": dict(cfg, mediaType="application/vnd.oci.image.config.v1+json"),
                    "layers": [dict(base, mediaType="application/vnd.oci.image.layer.v1.tar+gzip"),
                               dict(fn, mediaType="application/vnd.oci.image.layer.v1.tar+gzip")]}
        m = blob(json.dumps(manifest).encode())
        entries.append(dict(m, mediaType="application/vnd.oci.image.manifest.v1+json",
                            annotations={"org.opencontainers.image.ref.name": variant}))
    with open(os.path.join(layout_dir, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(layout_dir, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": entries}, f)


def skopeo_push(server, layout_dir, tag, repository):
    """skopeo copy oci:LAYOUT:TAG docker://HOST/REPOSITORY:TAG with the server's keys (Basic)."""
    key, secret = server.credentials()
    host = server.url.replace("http://", "")
    subprocess.run(["skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", f"{key}:{secret}",
                    f"oci:{layout_dir}:{tag}", f"docker://{host}/{repository}:{tag}"], check=True, timeout=600)
    return f"{host}/{repository}:{tag}"


# --- the registry API ---------------------------------------------------------------------------

class Registry:
    """Minimal OCI distribution client: monolithic blob uploads, manifests, pulls, deletes (Basic auth)."""

    def __init__(self, url, key, secret, timeout=60):
        self.url = url
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.timeout = timeout

    def request(self, method, path, body=None, headers=None):
        req = urllib.request.Request(self.url + path, data=body, method=method)
        req.add_header("Authorization", self.auth)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def push_blob(self, repo, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        status, headers, body = self.request("POST", f"/v2/{repo}/blobs/uploads/")
        if status != 202:
            raise RuntimeError(f"POST upload {status} {body[:200]!r}")
        location = headers["Location"]
        if location.startswith("http"):
            location = location[len(self.url):]
        sep = "&" if "?" in location else "?"
        status, _, body = self.request("PUT", f"{location}{sep}digest={digest}", data,
                                       {"Content-Type": "application/octet-stream"})
        if status != 201:
            raise RuntimeError(f"PUT blob {status} {body[:200]!r}")
        return {"digest": digest, "size": len(data)}

    def push_random_image(self, repo, tag, layer_size):
        """Pushes a config and one random layer and the manifest; returns (status of the manifest PUT, record)."""
        layer = os.urandom(layer_size)
        config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": {"tag": tag}},
                             "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        lb = self.push_blob(repo, layer)
        cb = self.push_blob(repo, config)
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": dict(cb, mediaType="application/vnd.oci.image.config.v1+json"),
                               "layers": [dict(lb, mediaType="application/vnd.oci.image.layer.v1.tar")]}).encode()
        status, _, body = self.request("PUT", f"/v2/{repo}/manifests/{tag}", manifest,
                                       {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
        record = {"repo": repo, "tag": tag, "manifest": "sha256:" + hashlib.sha256(manifest).hexdigest(),
                  "blobs": [lb, cb]}
        return status, record, body

    def verify_image(self, record):
        """None when the manifest (by tag and digest) and every blob come back whole; else what is wrong."""
        for ref in (record["tag"], record["manifest"]):
            status, _, body = self.request("GET", f"/v2/{record['repo']}/manifests/{ref}", None,
                                           {"Accept": "application/vnd.oci.image.manifest.v1+json"})
            if status != 200 or "sha256:" + hashlib.sha256(body).hexdigest() != record["manifest"]:
                return f"manifest {record['repo']}:{ref} -> {status}"
        for b in record["blobs"]:
            status, _, body = self.request("GET", f"/v2/{record['repo']}/blobs/{b['digest']}")
            if status != 200 or len(body) != b["size"] or "sha256:" + hashlib.sha256(body).hexdigest() != b["digest"]:
                return f"blob {record['repo']}@{b['digest']} -> {status}, {len(body)} bytes"
        return None

    def delete_manifest(self, repo, digest):
        status, _, _ = self.request("DELETE", f"/v2/{repo}/manifests/{digest}")
        return status
