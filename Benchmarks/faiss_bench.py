#!/usr/bin/env python3
"""Faiss baseline for shoplook-index-bench: same files, same parameters, same JSON fields.

Creates/uses a private venv (Benchmarks/.venv) with faiss-cpu from PyPI, re-executing
itself inside it. Search runs with faiss.omp_set_num_threads(1) (and single-threaded
BLAS); training and adding use the default threads.
"""
import argparse
import json
import os
import subprocess
import sys
import time

FAISS_VERSION = "1.12.0"
HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")


def ensure_venv():
    py = os.path.join(VENV, "bin", "python")
    if os.path.abspath(sys.prefix) == os.path.abspath(VENV):
        return
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    try:
        subprocess.check_call([py, "-c", f"import faiss, numpy; assert faiss.__version__ == '{FAISS_VERSION}'"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        subprocess.check_call([py, "-m", "pip", "install", "-q", f"faiss-cpu=={FAISS_VERSION}", "numpy"])
    os.execv(py, [py] + sys.argv)


def read_vecs(path, dtype):
    import numpy as np
    raw = np.fromfile(path, dtype=np.int32)
    d = raw[0]
    return raw.reshape(-1, d + 1)[:, 1:].copy().view(dtype)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--index", default="ivfpq", choices=["ivfpq", "ivfpqfs", "ivfflat"])
    ap.add_argument("--nlist", type=int, default=1024)
    ap.add_argument("--m", type=int, default=32)
    ap.add_argument("--nbits", type=int, default=8)
    ap.add_argument("--nprobe", default="1,4,16,64")
    ap.add_argument("--fastscan", action="store_true", help="IndexIVFPQFastScan, 4-bit, m*nbits/4 sub-quantizers")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--metric", default=None)
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1234)
    a = ap.parse_args()

    import numpy as np
    import faiss

    meta = {}
    mp = os.path.join(a.data, "meta.txt")
    if os.path.exists(mp):
        for line in open(mp):
            if "=" in line:
                key, val = line.strip().split("=", 1)
                meta[key] = val
    metric_name = a.metric or meta.get("metric", "l2")
    metric = faiss.METRIC_INNER_PRODUCT if metric_name == "ip" else faiss.METRIC_L2
    xb = read_vecs(os.path.join(a.data, "base.fvecs"), np.float32)
    xq = read_vecs(os.path.join(a.data, "queries.fvecs"), np.float32)
    gt = read_vecs(os.path.join(a.data, "groundtruth.ivecs"), np.int32)
    d = xb.shape[1]
    print(f"faiss {faiss.__version__} ({faiss.get_compile_options()}), data {xb.shape}, metric {metric_name}",
          file=sys.stderr)

    quantizer = faiss.IndexFlatL2(d) if metric == faiss.METRIC_L2 else faiss.IndexFlatIP(d)
    if a.index == "ivfflat":
        index = faiss.IndexIVFFlat(quantizer, d, a.nlist, metric)
        name, m, nbits, bpv = "Faiss-IVFFlat", 0, 32, d * 4 + 8
    elif a.fastscan or a.index == "ivfpqfs":
        m = a.m * a.nbits // 4 if a.fastscan else a.m
        index = faiss.IndexIVFPQFastScan(quantizer, d, a.nlist, m, 4, metric)
        name, nbits, bpv = "Faiss-IVFPQFastScan", 4, m // 2 + 8
    else:
        index = faiss.IndexIVFPQ(quantizer, d, a.nlist, a.m, a.nbits, metric)
        name, m, nbits, bpv = "Faiss-IVFPQ", a.m, a.nbits, a.m * a.nbits // 8 + 8
    index.cp.niter = a.iterations
    index.cp.seed = a.seed
    t0 = time.perf_counter()
    index.train(xb)
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index.add(xb)
    add_s = time.perf_counter() - t0

    faiss.omp_set_num_threads(1)
    for nprobe in [int(v) for v in a.nprobe.split(",")]:
        index.nprobe = nprobe
        times = []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            _, ids = index.search(xq, a.k)
            times.append(time.perf_counter() - t0)
        hits = 0
        for q in range(len(xq)):
            hits += len(set(ids[q, :10].tolist()) & set(gt[q, :10].tolist()))
        recall = hits / (10.0 * len(xq))
        med = sorted(times)[len(times) // 2]
        print(json.dumps({"index": name, "nlist": a.nlist, "m": m, "nbits": nbits, "nprobe": nprobe, "rerank": 0,
                          "recall_at_10": round(recall, 4), "qps_single_thread": round(len(xq) / med, 1),
                          "train_s": round(train_s, 2), "add_s": round(add_s, 2), "bytes_per_vector": bpv}),
              flush=True)


if __name__ == "__main__":
    ensure_venv()
    main()
