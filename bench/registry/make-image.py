#!/usr/bin/env python3
"""Writes an OCI image layout for the registry benchmark.

usage: make-image.py OUT_DIR SEED [--scale N]

Tags in OUT_DIR/index.json:
  v1  base layers (3 random + 1 compressible text) + app layer A
  v2  the same base layers + app layer B   (the "re-push sharing base layers" case)
Every layer's content depends on SEED, so layouts made with different seeds share no blob.
Sizes at --scale 1 (MiB, uncompressed): random 48+48+48, text 64, app 16.
"""
import gzip, hashlib, io, json, os, random, sys, tarfile

MIB = 1 << 20


def write_blob(out, data, media_type):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(data)}


def layer(out, path, content, level):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(path)
        info.size = len(content)
        info.mtime = 1704067200
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(content))
    tar_bytes = raw.getvalue()
    gz = gzip.compress(tar_bytes, compresslevel=level, mtime=0)
    desc = write_blob(out, gz, "application/vnd.oci.image.layer.v1.tar+gzip")
    return desc, "sha256:" + hashlib.sha256(tar_bytes).hexdigest()


def text(seed, size):
    """Log-like text that gzip shrinks about 4x: a pool of random lines, each prefixed by a counter."""
    rng = random.Random(seed)
    words = ["lambda", "layer", "registry", "digest", "manifest", "blob", "tag", "push", "pull", "image"]
    pool = [" ".join(rng.choice(words) for _ in range(8)) for _ in range(4096)]
    parts, total, i = [], 0, 0
    while total < size:
        line = f"{seed} {i} {pool[rng.randrange(4096)]}\n"
        parts.append(line)
        total += len(line)
        i += 1
    return "".join(parts).encode()[:size]


def image(out, layers, tag, index):
    config = {
        "created": "2024-01-01T00:00:00Z", "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": [d for _, d in layers]},
    }
    cdesc = write_blob(out, json.dumps(config).encode(), "application/vnd.oci.image.config.v1+json")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": cdesc, "layers": [l for l, _ in layers]}
    mdesc = write_blob(out, json.dumps(manifest).encode(), manifest["mediaType"])
    index["manifests"].append(dict(mdesc, annotations={"org.opencontainers.image.ref.name": tag}))
    return sum(l["size"] for l, _ in layers) + cdesc["size"] + mdesc["size"]


def main():
    out, seed = sys.argv[1], int(sys.argv[2])
    scale = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--scale" else 1.0
    os.makedirs(os.path.join(out, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    mib = lambda n: int(n * scale * MIB)
    base = [layer(out, f"base/random{i}.bin", os.urandom(mib(48)), 1) for i in range(3)]
    base.append(layer(out, "base/text.txt", text(seed, mib(64)), 6))
    app_a = layer(out, "app/app.bin", os.urandom(mib(16)), 1)
    app_b = layer(out, "app/app.bin", os.urandom(mib(16)), 1)
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []}
    sizes = {"v1": image(out, base + [app_a], "v1", index), "v2": image(out, base + [app_b], "v2", index),
             "v2_new_bytes": app_b[0]["size"]}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)
    json.dump(sizes, sys.stdout)


if __name__ == "__main__":
    main()
