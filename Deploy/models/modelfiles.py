#!/usr/bin/env python3
"""Standard-library helper for Deploy/fetch-models: extract wheel members, write and
check DIR/manifest.json, smoke-load the native libraries.

Needs only python3 (no virtual environment), so `Deploy/fetch-models --check` works
on a machine where the models were copied but never built.

Exit codes of `check`: 0 all files match, 1 a file is missing or corrupt (or the
manifest is unreadable), 2 the files match but were produced by another recipe
(pins or helper scripts changed) -- only when --recipe is given.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import shutil
import sys
import tempfile
import zipfile

MANIFEST = "manifest.json"
SCHEMA = 1


def sha256_file(path, bufsize=1 << 20):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(bufsize)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def die(msg, code=1):
    print(f"fetch-models: error: {msg}", file=sys.stderr)
    sys.exit(code)


# ---------------------------------------------------------------------------- extract


def cmd_extract(a):
    try:
        zf = zipfile.ZipFile(a.wheel)
    except (OSError, zipfile.BadZipFile) as e:
        die(f"cannot open wheel {a.wheel}: {e}")
    with zf:
        try:
            info = zf.getinfo(a.member)
        except KeyError:
            die(f"{os.path.basename(a.wheel)} has no member '{a.member}' "
                "(the package layout changed? check with: unzip -l WHEEL)")
        os.makedirs(os.path.dirname(os.path.abspath(a.dest)), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(a.dest)), prefix=".extract.")
        try:
            with os.fdopen(fd, "wb") as out, zf.open(info) as src:
                shutil.copyfileobj(src, out, 1 << 20)
            os.chmod(tmp, int(a.mode, 8))
            os.replace(tmp, a.dest)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


# ---------------------------------------------------------------------------- manifest


def cmd_write(a):
    root = os.path.abspath(a.dir)
    files = {}
    with open(a.provenance, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) != 2:
                die(f"{a.provenance}:{n}: expected 'relpath<TAB>source-json'")
            rel, source = parts[0], json.loads(parts[1])
            path = os.path.join(root, rel)
            if not os.path.isfile(path) or os.path.islink(path):
                die(f"{rel}: not a regular file")
            files[rel] = {"sha256": sha256_file(path), "size": os.path.getsize(path), "source": source}
    symlinks = {}
    for spec in a.symlink or []:
        rel, target = spec.split("=", 1)
        path = os.path.join(root, rel)
        if os.readlink(path) != target:
            die(f"{rel}: symlink points to {os.readlink(path)}, expected {target}")
        symlinks[rel] = target
    models = {}
    for spec in a.model or []:
        name, rel, prefix = spec.split("=", 2)
        if rel not in files:
            die(f"model {name}: {rel} is not among the manifest files")
        sha = files[rel]["sha256"]
        models[name] = {"file": rel, "sha256": sha, "version_id": f"{prefix}@{sha[:12]}"}
    if a.model_info:
        with open(a.model_info, encoding="utf-8") as f:
            extra = json.load(f)
        for name, info in extra.items():
            if name not in models:
                die(f"--model-info names unknown model {name}")
            models[name].update(info)
    manifest = {
        "schema": SCHEMA,
        "generator": "Deploy/fetch-models",
        "recipe": a.recipe,
        "files": dict(sorted(files.items())),
        "symlinks": dict(sorted(symlinks.items())),
        "models": models,
    }
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".manifest.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, os.path.join(root, MANIFEST))
    for name, m in models.items():
        print(f"  model {name}: {m['file']}  version id {m['version_id']}")


def load_manifest(root, fix):
    path = os.path.join(root, MANIFEST)
    if not os.path.isfile(path):
        die(f"{path} is missing: the model files were never fetched (or a fetch was interrupted).\n"
            f"  fix: run {fix}")
    try:
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
        if m.get("schema") != SCHEMA or not isinstance(m.get("files"), dict):
            raise ValueError(f"unknown manifest schema {m.get('schema')!r}")
        return m
    except (OSError, ValueError) as e:
        die(f"{path} is unreadable ({e}).\n  fix: run {fix}")


def cmd_check(a):
    root = os.path.abspath(a.dir)
    m = load_manifest(root, a.fix)
    bad = []
    for rel, info in m["files"].items():
        path = os.path.join(root, rel)
        if not os.path.exists(path):
            bad.append((rel, "missing"))
        elif os.path.islink(path) or not os.path.isfile(path):
            bad.append((rel, "not a regular file"))
        elif os.path.getsize(path) != info["size"]:
            bad.append((rel, f"size {os.path.getsize(path)} != {info['size']} in the manifest"))
        elif not a.quick and sha256_file(path) != info["sha256"]:
            bad.append((rel, f"sha256 differs from the manifest ({info['sha256'][:12]}...): corrupt or modified"))
    for rel, target in m.get("symlinks", {}).items():
        path = os.path.join(root, rel)
        if not os.path.islink(path):
            bad.append((rel, "missing symlink"))
        elif os.readlink(path) != target:
            bad.append((rel, f"symlink points to {os.readlink(path)}, expected {target}"))
        elif not os.path.exists(path):
            bad.append((rel, f"dangling symlink to {target}"))
    if bad:
        for rel, why in bad:
            print(f"fetch-models: error: {os.path.join(root, rel)}: {why}", file=sys.stderr)
        print(f"  fix: run {a.fix}", file=sys.stderr)
        sys.exit(1)
    if a.recipe and m.get("recipe") != a.recipe:
        if not a.silent:
            print("  files match the manifest, but the manifest was made by another recipe "
                  "(pinned versions or helper scripts changed)")
        sys.exit(2)
    if not a.silent:
        total = sum(i["size"] for i in m["files"].values())
        print(f"  {len(m['files'])} files ({total / 1e6:.1f} MB) and {len(m.get('symlinks', {}))} "
              f"symlinks match {os.path.join(root, MANIFEST)}")
        for name, info in m.get("models", {}).items():
            print(f"  model {name}: {info['file']}  version id {info['version_id']}")


# ---------------------------------------------------------------------------- smoke test


def cmd_smoke(a):
    """dlopen the native libraries as a process linking them would (dependencies resolve here)."""
    try:
        ort = ctypes.CDLL(os.path.abspath(a.onnxruntime))
        ort.OrtGetApiBase.restype = ctypes.POINTER(ctypes.c_void_p * 2)
        base = ort.OrtGetApiBase().contents
        version = ctypes.CFUNCTYPE(ctypes.c_char_p)(base[1])().decode()
    except (OSError, AttributeError) as e:
        die(f"cannot load {a.onnxruntime}: {e}")
    if version != a.onnxruntime_version:
        die(f"{a.onnxruntime} reports version {version}, expected {a.onnxruntime_version}")
    try:
        lrt = ctypes.CDLL(os.path.abspath(a.litert))
        for sym in ("LiteRtCreateModelFromFile", "LiteRtCreateCompiledModel", "LiteRtRunCompiledModel"):
            getattr(lrt, sym)
    except (OSError, AttributeError) as e:
        die(f"cannot load {a.litert} or find its C API: {e}")
    print(f"  dlopen ok: onnxruntime {version}, LiteRt C API")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("extract")
    p.add_argument("wheel")
    p.add_argument("member")
    p.add_argument("dest")
    p.add_argument("--mode", default="644")
    p.set_defaults(fn=cmd_extract)
    p = sub.add_parser("write")
    p.add_argument("--dir", required=True)
    p.add_argument("--provenance", required=True, help="TSV: relpath, source JSON")
    p.add_argument("--recipe", required=True)
    p.add_argument("--symlink", action="append", help="relpath=target")
    p.add_argument("--model", action="append", help="name=relpath=version-id-prefix")
    p.add_argument("--model-info", help="JSON {name: {extra fields}}")
    p.set_defaults(fn=cmd_write)
    p = sub.add_parser("check")
    p.add_argument("--dir", required=True)
    p.add_argument("--fix", required=True, help="command to suggest")
    p.add_argument("--recipe")
    p.add_argument("--quick", action="store_true", help="sizes only, no sha256")
    p.add_argument("--silent", action="store_true")
    p.set_defaults(fn=cmd_check)
    p = sub.add_parser("smoke")
    p.add_argument("--onnxruntime", required=True)
    p.add_argument("--onnxruntime-version", required=True)
    p.add_argument("--litert", required=True)
    p.set_defaults(fn=cmd_smoke)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
