"""Writes an OCI image layout whose one layer is hostile, for the deploy tests.

usage: hostile_image.py DIR KIND   KIND: dotdot | abs | symlink | hardlink | device
The image carries package annotations so that mlci treats it as a package.
"""
import hashlib
import io
import json
import os
import sys
import tarfile


def blob(root, data):
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(root, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def layer(kind):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        ok = tarfile.TarInfo("model/model.pkl")
        ok.size = 2
        tar.addfile(ok, io.BytesIO(b"ok"))
        bad = tarfile.TarInfo({"dotdot": "model/../../escaped", "abs": "/tmp/escaped"}.get(kind, "model/evil"))
        if kind == "symlink":
            bad.type, bad.linkname = tarfile.SYMTYPE, "../../../etc"
        elif kind == "hardlink":
            bad.type, bad.linkname = tarfile.LNKTYPE, "../outside"
        elif kind == "device":
            bad.type, bad.devmajor, bad.devminor = tarfile.CHRTYPE, 1, 3
        else:
            bad.size = 4
        tar.addfile(bad, io.BytesIO(b"evil") if bad.size else None)
    return buf.getvalue()


def main():
    root, kind = sys.argv[1], sys.argv[2]
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    tar = layer(kind)
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers",
                                    "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]}}).encode()
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **blob(root, config)},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **blob(root, tar)}],
                "annotations": {"dev.mlci.kind": "package", "dev.mlci.name": "hostile"}}
    m = blob(root, json.dumps(manifest).encode())
    index = {"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", **m,
         "annotations": {"org.opencontainers.image.ref.name": kind}}]}
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump(index, f)


main()
