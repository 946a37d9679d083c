#!/usr/bin/env python3
"""NCCL collective bandwidth through torch.distributed (one process per GPU, launched by torchrun).

    NCCL_NVLS_ENABLE=0 torchrun --nproc_per_node=2 nccl_bench.py --out nccl.json

Sizes 1 MiB .. 1 GiB (powers of two), bf16. nccl-tests conventions:
  all-reduce      bytes = buffer size          busBW = algBW * 2(n-1)/n
  all-gather      bytes = total output size    busBW = algBW * (n-1)/n
  reduce-scatter  bytes = total input size     busBW = algBW * (n-1)/n
  send-recv       bytes = bytes each rank sends (to rank+1, receiving from rank-1 at the same time)
                  busBW = algBW
A sample is the mean time of `iters` back-to-back operations between two CUDA events after a
barrier; the sample used is the maximum over ranks. The reported value is the median sample.
"""
import os

# NVLink multicast (NVLS) must stay off on these shared hosts; set before NCCL initialises.
os.environ["NCCL_NVLS_ENABLE"] = "0"
os.environ["TORCH_SYMM_MEM_DISABLE_MULTICAST"] = "1"
os.environ["NVSHMEM_DISABLE_NVLS"] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

import benchutil as bu  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--min-bytes", type=int, default=1 << 20)
    ap.add_argument("--max-bytes", type=int, default=1 << 30)
    ap.add_argument("--samples", type=int, default=20)
    a = ap.parse_args()
    rank = int(os.environ["RANK"])
    world = int(os.environ["WORLD_SIZE"])
    local = int(os.environ.get("LOCAL_RANK", rank))
    torch.cuda.set_device(local)
    dev = torch.device("cuda", local)
    try:
        dist.init_process_group("nccl", device_id=dev)
    except TypeError:
        dist.init_process_group("nccl")
    n = world
    sizes = []
    s = a.min_bytes
    while s <= a.max_bytes:
        sizes.append(s)
        s *= 2
    el = 2  # bf16
    rows = []
    peer_next, peer_prev = (rank + 1) % n, (rank - 1) % n

    def make(op, size):
        if op == "all-reduce":
            t = torch.randn(size // el, device=dev, dtype=torch.bfloat16)
            return lambda: dist.all_reduce(t)
        if op == "all-gather":
            out = torch.empty(size // el, device=dev, dtype=torch.bfloat16)
            inp = torch.randn(size // el // n, device=dev, dtype=torch.bfloat16)
            return lambda: dist.all_gather_into_tensor(out, inp)
        if op == "reduce-scatter":
            inp = torch.randn(size // el, device=dev, dtype=torch.bfloat16)
            out = torch.empty(size // el // n, device=dev, dtype=torch.bfloat16)
            return lambda: dist.reduce_scatter_tensor(out, inp)
        if op == "send-recv":
            snd = torch.randn(size // el, device=dev, dtype=torch.bfloat16)
            rcv = torch.empty(size // el, device=dev, dtype=torch.bfloat16)

            def f():
                reqs = dist.batch_isend_irecv([dist.P2POp(dist.isend, snd, peer_next),
                                               dist.P2POp(dist.irecv, rcv, peer_prev)])
                for r in reqs:
                    r.wait()
            return f
        raise ValueError(op)

    factor = {"all-reduce": 2.0 * (n - 1) / n, "all-gather": (n - 1) / n, "reduce-scatter": (n - 1) / n,
              "send-recv": 1.0}
    # correctness spot check of all-reduce
    chk = torch.full((1024,), float(rank + 1), device=dev)
    dist.all_reduce(chk)
    allreduce_ok = bool(torch.allclose(chk, torch.full_like(chk, n * (n + 1) / 2)))

    for op in ["all-reduce", "all-gather", "reduce-scatter", "send-recv"]:
        for size in sizes:
            f = make(op, size)
            for _ in range(5):
                f()
            torch.cuda.synchronize()
            iters = 20 if size <= (16 << 20) else (10 if size <= (128 << 20) else 5)
            local_samples = []
            e0 = torch.cuda.Event(enable_timing=True)
            e1 = torch.cuda.Event(enable_timing=True)
            for _ in range(a.samples):
                dist.barrier()
                torch.cuda.synchronize()
                e0.record()
                for _ in range(iters):
                    f()
                e1.record()
                e1.synchronize()
                local_samples.append(e0.elapsed_time(e1) * 1e-3 / iters)
            t = torch.tensor(local_samples, device=dev, dtype=torch.float64)
            dist.all_reduce(t, op=dist.ReduceOp.MAX)
            samples = t.tolist()
            med = bu.median(samples)
            alg = size / med
            rows.append({"op": op, "gpus": n, "bytes": size, "dtype": "bf16", "seconds": med,
                         "algBytesPerSecond": alg, "busBytesPerSecond": alg * factor[op],
                         "itersPerSample": iters, "samples": samples})
            if rank == 0:
                print(f"  nccl {op:14s} {size / 1048576:7.0f} MiB  {med * 1e6:10.1f} us  "
                      f"alg {alg / 1e9:7.1f} GB/s  bus {alg * factor[op] / 1e9:7.1f} GB/s", flush=True)
            del f
            torch.cuda.empty_cache()

    if rank == 0:
        doc = bu.header("hwplan-nccl-bench")
        doc["devices"] = [bu.device_info(i) for i in range(torch.cuda.device_count())]
        doc["device"] = doc["devices"][0]
        doc["nccl"] = {"version": ".".join(str(x) for x in torch.cuda.nccl.version())
                       if hasattr(torch.cuda, "nccl") else None,
                       "NCCL_NVLS_ENABLE": os.environ.get("NCCL_NVLS_ENABLE"),
                       "allReduceCheck": allreduce_ok}
        topo = os.environ.get("HWPLAN_TOPOLOGY_FILE")
        if topo and os.path.exists(topo):
            with open(topo) as fh:
                doc["topology"] = fh.read()
        doc["method"] = {"timer": "cudaEvent", "launchOverhead": "back-to-back",
                         "statistic": "median over samples of the per-op mean; max over ranks per sample",
                         "conventions": "nccl-tests (busBW factors: all-reduce 2(n-1)/n, all-gather and "
                                        "reduce-scatter (n-1)/n, send-recv 1)",
                         "launcher": "torchrun, one process per GPU, torch.distributed NCCL backend"}
        doc["collectives"] = rows
        with open(a.out, "w") as fh:
            json.dump(doc, fh, separators=(",", ":"))
        print(f"wrote {a.out}")
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
