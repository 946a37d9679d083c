"""Shared helpers for the PyTorch side of the hwplan CUDA measurements.

Timing follows the native harness: warm up, estimate, capture R back-to-back calls
(rotating among input sets) into one CUDA graph, replay it `samples` times, each replay
timed with CUDA events; a sample is replay time / R; the reported value is the median.
"""
import datetime
import hashlib
import json
import math
import os
import socket
import subprocess
import sys
import time

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
    if not torch.cuda.is_available():
        return {"name": "cpu (no CUDA device; logic check only)", "driver": ""}
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
    sw = {"torch": torch.__version__, "cuda": torch.version.cuda,
          "cudnn": torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None,
          "python": sys.version.split()[0]}
    try:
        import triton

        sw["triton"] = triton.__version__
    except Exception:
        sw["triton"] = None
    return {
        "status": "ok",
        "tool": tool,
        "toolVersion": TOOL_VERSION,
        "date": iso_now(),
        "host": {"hostname": socket.gethostname()},
        "software": sw,
    }


def provenance(script_path, argv=None):
    """Script name, its sha256, the git commit of the tree and the command line.

    $HWPLAN_GIT_COMMIT wins when set: a copied tree (the device tool's) can carry git metadata of an older
    base commit, so `git rev-parse HEAD` there is only the fallback."""
    commit = os.environ.get("HWPLAN_GIT_COMMIT", "")
    if not commit:
        try:
            out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10,
                                 cwd=os.path.dirname(os.path.abspath(script_path)))
            if out.returncode == 0 and out.stdout.strip():
                commit = out.stdout.strip()
        except Exception:
            pass
    try:
        with open(script_path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except Exception:
        digest = None
    helper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "benchutil.py")
    try:
        with open(helper, "rb") as f:
            helper_digest = hashlib.sha256(f.read()).hexdigest()
    except Exception:
        helper_digest = None
    return {"script": "kernels/cuda/scripts/" + os.path.basename(script_path), "scriptSha256": digest,
            "benchutilSha256": helper_digest, "gitCommit": commit or None,
            "argv": list(sys.argv if argv is None else argv)}


def quantile(xs, q):
    """Linear-interpolation quantile (numpy's default) of a list."""
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return float("nan")
    pos = q * (n - 1)
    lo = int(math.floor(pos))
    hi = min(n - 1, lo + 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def stats(xs):
    return {"median": median(xs), "p10": quantile(xs, 0.1), "p90": quantile(xs, 0.9), "n": len(xs)}


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


def warm_up(fn, nrot, warmup):
    """Runs fn(i % nrot) warmup times on a side stream (lazy compilation and autotuning stay out of the
    timed stream), then waits for it."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for i in range(warmup):
            fn(i % nrot)
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()


def capture(fn, nrot, reps):
    """A CUDA graph of reps back-to-back calls fn(i % nrot)."""
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for i in range(reps):
            fn(i % nrot)
    return g


def time_graph(fn, nrot=1, samples=30, target_s=1e-3, max_r=256, warmup=3, use_graph=True):
    """fn(i) enqueues one operation on input set i. Returns dict(median, samples, reps, graph)."""
    nrot = max(1, nrot)
    warm_up(fn, nrot, warmup)
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
            graph = capture(fn, nrot, reps)
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


def time_op(fn, nrot=1, samples=10, warmup=2, graph="auto", graph_below_s=2e-3, target_s=1e-3, max_r=64,
            max_total_s=1.5, min_samples=5):
    """Time fn(i) (i = input set, rotating over nrot sets) with CUDA events.

    Warm-up calls run first (on a side stream, so lazy compilation and autotuning stay out), then one call
    is timed to estimate t. graph: True = always capture, False = never, "auto" = capture only when
    t < graph_below_s. Captured: R back-to-back calls (R*t ~ target_s, R <= max_r, a multiple of nrot) in
    one CUDA graph, each sample one replay / R. Not captured: each sample one call between events, calls
    back to back. The number of samples shrinks (not below min_samples) so the timed part stays under
    max_total_s. Returns median, p10, p90 (seconds per call), samples, reps, graph, estimate.
    On CPU (no CUDA) it falls back to perf_counter around synchronous calls (for logic checks only).
    """
    nrot = max(1, nrot)
    if not torch.cuda.is_available():
        for i in range(warmup):
            fn(i % nrot)
        xs = []
        for i in range(min(samples, 3)):
            t0 = time.perf_counter()
            fn(i % nrot)
            xs.append(time.perf_counter() - t0)
        out = stats(xs)
        out.update({"samples": xs, "reps": 1, "graph": False, "estimate": xs[0]})
        return out
    warm_up(fn, nrot, warmup)
    e0 = torch.cuda.Event(enable_timing=True)
    e1 = torch.cuda.Event(enable_timing=True)
    e0.record()
    fn(0)
    e1.record()
    e1.synchronize()
    est = max(1e-7, e0.elapsed_time(e1) * 1e-3)
    use_graph = bool(graph) if graph != "auto" else est < graph_below_s
    reps = 1
    g = None
    if use_graph:
        reps = max(1, min(max_r, math.ceil(target_s / est)))
        if nrot > 1:
            reps = ((reps + nrot - 1) // nrot) * nrot
        try:
            g = capture(fn, nrot, reps)
            g.replay()
            torch.cuda.synchronize()
        except Exception as ex:
            print(f"    graph capture failed ({type(ex).__name__}: {str(ex)[:160]}); timing back-to-back", flush=True)
            g = None
            reps = 1
            torch.cuda.synchronize()
    n = max(min_samples, min(samples, int(max_total_s / max(est * reps, 1e-9))))
    evs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(n)]
    k = 0
    for a, b in evs:
        a.record()
        if g is not None:
            g.replay()
        else:
            fn(k % nrot)
            k += 1
        b.record()
    torch.cuda.synchronize()
    xs = [a.elapsed_time(b) * 1e-3 / reps for a, b in evs]
    out = stats(xs)
    out.update({"samples": xs, "reps": reps, "graph": g is not None, "estimate": est})
    del g
    return out


def method_text(extra=None):
    m = {"timer": "CUDA events (torch.cuda.Event)",
         "warmup": "2 calls on a side stream (compilation, autotuning, handle creation excluded)",
         "estimate": "1 timed call",
         "graphs": "calls estimated under graph_below_s are captured R times back to back in one CUDA graph "
                   "(R*t ~ 1 ms, R <= 64), a sample = one replay / R; longer calls are timed one call per "
                   "sample, back to back, without a graph",
         "statistic": "median of the samples; p10 and p90 by linear interpolation; raw samples kept",
         "data": "uniform or normal random inputs, never zeros"}
    if extra:
        m.update(extra)
    return m


def rel(a, b):
    """Relative error |a - b| / |b| (Frobenius norms), in fp32; NaN when b is zero."""
    a = a.float()
    b = b.float()
    den = b.norm().item()
    return (a - b).norm().item() / den if den > 0 else float("nan")


def first_line(ex, width=200):
    """An exception as one line: its type and the first line of its message, cut at width characters."""
    msg = str(ex).strip().splitlines()
    return f"{type(ex).__name__}: {msg[0][:width] if msg else ''}"


def run_header(tool, script_path):
    """How a single-GPU run's document begins: header(tool), GPU 0's device_info and the script's
    provenance."""
    doc = header(tool)
    doc["device"] = device_info(0)
    doc["provenance"] = provenance(script_path)
    return doc


def save(path, doc, wall_since=None, **parts):
    """Writes doc with parts (rows, failures, ...) set: partial until the last write, which passes
    wall_since (the start time) and records the wall time since then."""
    doc.update(parts)
    doc["partial"] = wall_since is None
    if wall_since is not None:
        doc["wallSeconds"] = time.time() - wall_since
    write_json(path, doc)


def finish(path, doc, t0, rows, fails, dropped):
    """The last write of a run over a grid started at t0 (its rows, failures and the configurations the
    deadline dropped) and its closing line; returns the exit status, 0."""
    save(path, doc, wall_since=t0, rows=rows, failures=fails, dropped=dropped)
    print(f"wrote {path}: {len(rows)} rows, {len(fails)} failures, {len(dropped)} dropped by the deadline")
    return 0


def empty_cache():
    """Gives the caching allocator's free blocks back between configurations (nothing to do without CUDA)."""
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def write_json(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    os.replace(tmp, path)
