#!/usr/bin/env python3
"""Time the EfficientNet-Lite0 ONNX model with onnxruntime (Python) and print JSON.

Baseline for the Swift embedder benchmark. Run it with the venv that
Deploy/fetch-models creates:

    .models/.venv/bin/python Deploy/models/bench_onnxruntime.py                # random inputs
    .models/.venv/bin/python Deploy/models/bench_onnxruntime.py --images DIR   # JPEG/PNG files

Inference only is timed (one sess.run per batch); image decoding and preprocessing,
when --images is given, are timed separately. Single-threaded by default
(intra_op_num_threads=1, inter_op_num_threads=1).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.join(os.path.dirname(os.path.dirname(HERE)), ".models",
                             "efficientnet-lite0", "efficientnet_lite0.onnx")
IMAGE_EXTS = (".jpg", ".jpeg", ".png")


def cpu_name():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_images(directory, limit):
    sys.path.insert(0, HERE)
    sys.dont_write_bytecode = True  # no __pycache__ inside the repository
    from export_lite0_onnx import preprocess  # same preprocessing as the export checks

    files = sorted(os.path.join(directory, n) for n in os.listdir(directory)
                   if n.lower().endswith(IMAGE_EXTS))[:limit]
    if not files:
        sys.exit(f"bench_onnxruntime: no {'/'.join(IMAGE_EXTS)} files in {directory}")
    times, arrays = [], []
    for path in files:
        t = time.perf_counter()
        arrays.append(preprocess(path)[0])
        times.append((time.perf_counter() - t) * 1e3)
    return files, np.stack(arrays).astype(np.float32), statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--images", help="directory of JPEG/PNG images (default: random inputs)")
    ap.add_argument("--batch", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--runs", type=int, default=30, help="timed runs per batch size")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="intra_op_num_threads")
    a = ap.parse_args()

    import onnxruntime as ort

    if not os.path.isfile(a.model):
        sys.exit(f"bench_onnxruntime: {a.model} not found; run Deploy/fetch-models first")
    with open(a.model, "rb") as f:
        model_sha = hashlib.sha256(f.read()).hexdigest()

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = a.threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    t = time.perf_counter()
    sess = ort.InferenceSession(a.model, opts, providers=["CPUExecutionProvider"])
    load_ms = (time.perf_counter() - t) * 1e3

    result = {
        "model": os.path.relpath(a.model),
        "model_version_id": f"efficientnet-lite0-imagenet@{model_sha[:12]}",
        "onnxruntime": ort.__version__,
        "python": platform.python_version(),
        "cpu": cpu_name(),
        "cpu_count": os.cpu_count(),
        "intra_op_num_threads": a.threads,
        "session_load_ms": round(load_ms, 1),
        "warmup_runs": a.warmup,
        "timed_runs": a.runs,
    }
    if a.images:
        files, pool, prep_ms = load_images(a.images, max(a.batch))
        result["inputs"] = f"{len(files)} images from {a.images}"
        result["preprocess_ms_per_image_median"] = round(prep_ms, 2)
    else:
        rng = np.random.default_rng(0)
        pool = rng.uniform(-1, 1, (max(a.batch), 3, 224, 224)).astype(np.float32)
        result["inputs"] = "random uniform [-1, 1]"

    result["batches"] = {}
    for bs in a.batch:
        idx = np.arange(bs) % len(pool)
        x = np.ascontiguousarray(pool[idx])
        for _ in range(a.warmup):
            sess.run(["features"], {"input": x})
        times = []
        for _ in range(a.runs):
            t = time.perf_counter()
            sess.run(["features"], {"input": x})
            times.append((time.perf_counter() - t) * 1e3)
        med = statistics.median(times)
        result["batches"][str(bs)] = {
            "median_ms_per_batch": round(med, 2),
            "median_ms_per_image": round(med / bs, 2),
            "min_ms_per_batch": round(min(times), 2),
            "max_ms_per_batch": round(max(times), 2),
            "images_per_second": round(1000.0 * bs / med, 1),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
