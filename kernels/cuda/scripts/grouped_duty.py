#!/usr/bin/env python3
"""Does a grouped GEMM run faster between other kernels than back to back? (issue 15, a question, not a grid)

Inside whole MoE prefill steps the grouped GEMM (torch._grouped_mm) of Mixtral-8x7B ran about 10 % faster
than the model fitted on grouped_gemm.py's back-to-back rows predicts, on the H100 and the H200, once its
tiles are counted from the real routed rows; the standalone rows of the same shapes at 1 to 4 ms were
predicted only 2 to 4 % slow. One explanation is power: back to back, tensor-core work holds the board at
its power limit and the SM clock drops; in a step, memory-bound kernels between the GEMMs let it recover.
This script tests that directly. Each setting times the same balanced grouped GEMM per kernel from
torch.profiler's CUPTI trace, while nvidia-smi samples the SM clock and board power every 20 ms:

  back-to-back   the GEMM again and again, nothing between (how grouped_gemm.py times it)
  copy-gap       each GEMM followed by a device-to-device copy that takes about as long (memory-bound work)
  sleep-gap      each GEMM followed by torch.cuda._sleep for about as long (one CTA spinning: near idle)
  sleep-gap-3x   a sleep three times the GEMM's time

Shapes: Mixtral-8x7B's fused gate/up (n 28672, k 4096) and down (n 4096, k 14336) projections at 8 experts x
1056 rows (2 to 3 ms, a 4224-token prefill's), and its w1/w3 at 128 experts x 1024 rows (about 24 ms).

The H100 run of 2026-12-07 11:07 UTC (kernels/cuda/results/h100-sxm/grouped-duty.json) used 71cadc6's copy
(its sha256 in duty-env.txt), which parsed the trace itself; the script now takes step_profile.trace_kernels,
which also counts memsets among the other kernels.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchutil as bu  # noqa: E402
from step_profile import trace_kernels  # noqa: E402

SHAPES = [
    ("mixtral-8x7b gate+up fused", 8, 1056, 28672, 4096),
    ("mixtral-8x7b down", 8, 1056, 4096, 14336),
    ("mixtral-8x7b w1/w3 x128", 128, 1024, 14336, 4096),
]
MODES = ["back-to-back", "copy-gap", "sleep-gap", "sleep-gap-3x"]


def sampler(path):
    f = open(path, "w")
    p = subprocess.Popen(["nvidia-smi", "--query-gpu=clocks.sm,power.draw,temperature.gpu",
                          "--format=csv,noheader,nounits", "-lms", "20"], stdout=f, stderr=subprocess.DEVNULL)
    return p, f


def read_samples(path):
    clocks, power, temp = [], [], []
    with open(path) as f:
        for line in f:
            parts = [x.strip() for x in line.split(",")]
            try:
                clocks.append(float(parts[0]))
                power.append(float(parts[1]))
                temp.append(float(parts[2]))
            except (ValueError, IndexError):
                pass
    def med(xs):
        return statistics.median(xs) if xs else None
    return {"samples": len(clocks), "smClockMHzMedian": med(clocks), "smClockMHzMin": min(clocks) if clocks else None,
            "powerWMedian": med(power), "powerWMax": max(power) if power else None, "temperatureCMedian": med(temp)}


def kernel_durations(run, iters):
    """The grouped GEMM's and the other kernels' durations over `iters` calls of run(), from the CUPTI trace."""
    evs = trace_kernels(run, iters)
    gemm = [float(e["dur"]) * 1e-6 for e in evs if "GroupProblemShape" in e.get("name", "")]
    other = [float(e["dur"]) * 1e-6 for e in evs if "GroupProblemShape" not in e.get("name", "")]
    return gemm, other


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--warm-s", type=float, default=1.5)
    ap.add_argument("--measure-s", type=float, default=1.0)
    args = ap.parse_args()
    t0 = time.time()
    dev = torch.device("cuda")
    doc = bu.run_header("grouped_duty.py", __file__)
    doc["method"] = ("per-kernel durations from torch.profiler (CUPTI) over about --measure-s seconds of the setting, "
                     "after --warm-s seconds of it; launches from Python, no CUDA graph (the GEMMs are 1 to 24 ms); "
                     "nvidia-smi -lms 20 samples the SM clock and power over the measured interval")
    # cycles of torch.cuda._sleep a second, measured
    s0, s1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda._sleep(1000)
    s0.record()
    torch.cuda._sleep(20_000_000)
    s1.record()
    torch.cuda.synchronize()
    cycles_per_s = 20_000_000 / (s0.elapsed_time(s1) * 1e-3)
    doc["sleepCyclesPerSecond"] = cycles_per_s
    rows = []
    for name, e, t, n, k in SHAPES:
        x = torch.randn(e * t, k, device=dev, dtype=torch.bfloat16)
        w = torch.randn(e, n, k, device=dev, dtype=torch.bfloat16)
        wt = w.transpose(-2, -1)
        offs = torch.arange(1, e + 1, device=dev, dtype=torch.int32) * t

        def gemm():
            return torch._grouped_mm(x, wt, offs=offs)

        # the GEMM's own time back to back, to size the gaps
        for _ in range(3):
            gemm()
        torch.cuda.synchronize()
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        for _ in range(10):
            gemm()
        b.record()
        torch.cuda.synchronize()
        g_s = a.elapsed_time(b) * 1e-3 / 10
        # a copy of about the GEMM's time at about 2.5 TB/s each way
        copy_bytes = int(min(8e9, max(64e6, g_s * 1.25e12)))
        src = torch.empty(copy_bytes // 2, device=dev, dtype=torch.bfloat16)
        dst = torch.empty_like(src)
        sleep_cycles = int(g_s * cycles_per_s)
        gaps = {
            "back-to-back": lambda: None,
            "copy-gap": lambda: dst.copy_(src),
            "sleep-gap": lambda: torch.cuda._sleep(sleep_cycles),
            "sleep-gap-3x": lambda: torch.cuda._sleep(3 * sleep_cycles),
        }
        for mode in MODES:
            gap = gaps[mode]

            def run():
                gemm()
                gap()

            per_iter = g_s * {"back-to-back": 1, "copy-gap": 2, "sleep-gap": 2, "sleep-gap-3x": 4}[mode]
            warm_iters = max(3, int(args.warm_s / per_iter))
            iters = max(5, int(args.measure_s / per_iter))
            for _ in range(warm_iters):
                run()
            torch.cuda.synchronize()
            fd, spath = tempfile.mkstemp(suffix=".csv")
            os.close(fd)
            proc, fh = sampler(spath)
            try:
                gemm_d, other_d = kernel_durations(run, iters)
            finally:
                proc.terminate()
                proc.wait()
                fh.close()
            smi = read_samples(spath)
            os.remove(spath)
            row = {"matrix": name, "experts": e, "tokensPerExpert": t, "n": n, "k": k, "mode": mode,
                   "iterations": iters, "gemmKernels": len(gemm_d),
                   "gemmSecondsMedian": statistics.median(gemm_d) if gemm_d else None,
                   "gemmSecondsP10": bu.quantile(gemm_d, 0.1) if gemm_d else None,
                   "gemmSecondsP90": bu.quantile(gemm_d, 0.9) if gemm_d else None,
                   "gapSecondsMedian": statistics.median(other_d) if other_d else None,
                   "flops": 2.0 * e * t * n * k, **smi}
            if gemm_d:
                row["tflops"] = row["flops"] / row["gemmSecondsMedian"] / 1e12
            rows.append(row)
            print(json.dumps({kk: row[kk] for kk in ("matrix", "mode", "gemmSecondsMedian", "smClockMHzMedian",
                                                     "powerWMedian")}), flush=True)
        del x, w, wt, src, dst
        torch.cuda.empty_cache()
    doc["rows"] = rows
    bu.save(args.out, doc, wall_since=t0)


if __name__ == "__main__":
    main()
