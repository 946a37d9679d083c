"""OpenBLAS sgemm through Debian's python3-numpy: the practical limit for GEMM on this CPU.

Prints one JSON object: the BLAS numpy uses, and the median GFLOP/s of C = A @ B (fp32, square)
over repeated calls, with the spread. Run with /usr/bin/python3 (Debian's numpy, linked to the
system BLAS that update-alternatives selects; bench/cpu/run.sh installs OpenBLAS for it).
"""

import json
import os
import statistics
import sys
import time

import numpy as np


def blas_name():
    try:
        cfg = np.show_config(mode="dicts")  # numpy >= 1.25
        return json.dumps(cfg.get("Build Dependencies", {}).get("blas", {}))
    except TypeError:
        pass
    target = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
    return os.path.realpath(target) if os.path.exists(target) else "unknown"


def bench(n, seconds=3.0):
    rng = np.random.default_rng(1)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    c = a @ b
    t_end = time.perf_counter() + 1.0  # warm-up
    while time.perf_counter() < t_end:
        c = a @ b
    samples = []
    t_end = time.perf_counter() + seconds
    while time.perf_counter() < t_end or len(samples) < 5:
        t0 = time.perf_counter()
        c = a @ b
        samples.append(time.perf_counter() - t0)
    assert c.dtype == np.float32
    flops = 2.0 * n * n * n
    med = statistics.median(samples)
    return {
        "n": n,
        "medianSeconds": med,
        "flopsPerSecond": flops / med,
        "minFlopsPerSecond": flops / max(samples),
        "maxFlopsPerSecond": flops / min(samples),
        "samples": len(samples),
    }


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [1024]
    out = {
        "numpy": np.__version__,
        "blas": blas_name(),
        "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "sgemm": [bench(n) for n in sizes],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
