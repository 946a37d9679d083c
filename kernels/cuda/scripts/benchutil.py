"""Shared helpers for the PyTorch side of the hwplan CUDA measurements.

Timing follows the native harness: warm up, estimate, capture R back-to-back calls
(rotating among input sets) into one CUDA graph, replay it `samples` times, each replay
timed with CUDA events; a sample is replay time / R; the reported value is the median.
"""
import datetime
import math
import os
import socket
import subprocess

import torch

TOOL_VERSION = "0.1.0"


def iso_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def driver_version():
    try:
        import pynvml  # nvidia-ml-py

        pynvml.nvmlInit()
        v = pynvml.nvmlSystemGetDriverVersion()
        pynvml.nvmlShutdown()
        return v.decode() if isinstance(v, bytes) else v
    except Exception:
        pass
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30).stdout.strip().splitlines()
        return out[0] if out else ""
    except Exception:
        return ""


def device_info(index=0):
    p = torch.cuda.get_device_properties(index)
    info = {
        "name": torch.cuda.get_device_name(index),
        "driver": driver_version(),
        "cudaRuntime": torch.version.cuda,
        "computeCapability": f"{p.major}.{p.minor}",
        "sms": p.multi_processor_count,
        "memoryBytes": p.total_memory,
    }
    l2 = getattr(p, "L2_cache_size", None)
    if l2:
        info["l2Bytes"] = l2
    return info


def header(tool):
    return {
        "status": "ok",
        "tool": tool,
        "toolVersion": TOOL_VERSION,
        "date": iso_now(),
        "host": {"hostname": socket.gethostname()},
        "software": {"torch": torch.__version__, "cuda": torch.version.cuda,
                     "cudnn": torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None},
    }


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return float("nan")
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def rotation_count(bytes_per_set, l2_bytes, max_rot=16):
    if bytes_per_set <= 0:
        return 1
    return max(1, min(max_rot, math.ceil(4.0 * l2_bytes / bytes_per_set)))


def time_graph(fn, nrot=1, samples=30, target_s=1e-3, max_r=256, warmup=3, use_graph=True):
    """fn(i) enqueues one operation on input set i. Returns dict(median, samples, reps, graph)."""
    nrot = max(1, nrot)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for i in range(warmup):
            fn(i % nrot)
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    e0 = torch.cuda.Event(enable_timing=True)
    e1 = torch.cuda.Event(enable_timing=True)
    nest = 4
    e0.record()
    for i in range(nest):
        fn(i % nrot)
    e1.record()
    e1.synchronize()
    est = max(1e-7, e0.elapsed_time(e1) * 1e-3 / nest)
    reps = max(1, min(max_r, math.ceil(target_s / est)))
    if reps > 1 and nrot > 1:
        reps = ((reps + nrot - 1) // nrot) * nrot
    graph = None
    if use_graph:
        try:
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                for i in range(reps):
                    fn(i % nrot)
            graph.replay()
            graph.replay()
            torch.cuda.synchronize()
        except Exception as ex:  # some backends refuse capture: fall back to back-to-back launches
            print(f"    graph capture failed ({type(ex).__name__}: {str(ex)[:120]}); timing back-to-back", flush=True)
            graph = None
            torch.cuda.synchronize()
    evs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(samples)]
    for a, b in evs:
        a.record()
        if graph is not None:
            graph.replay()
        else:
            for i in range(reps):
                fn(i % nrot)
        b.record()
    torch.cuda.synchronize()
    xs = [a.elapsed_time(b) * 1e-3 / reps for a, b in evs]
    used_graph = graph is not None
    del graph
    return {"median": median(xs), "samples": xs, "reps": reps, "graph": used_graph}
