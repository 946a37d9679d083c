#!/usr/bin/env python3
"""Print the summary table and target verdicts from the JSON files of one run.

usage: summarize.py DIR   (reads cuda-harness.json, llama31-8b-decode-step.json, nccl.json if present)
"""
import json
import os
import sys


def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return None
    try:
        with open(p) as f:
            return json.load(f)
    except Exception as ex:
        print(f"{name}: unreadable ({ex})")
        return None


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "."
    h = load(d, "cuda-harness.json")
    out = []
    p = out.append
    if h:
        dev = h.get("device", {})
        p(f"device: {dev.get('name')}  driver {dev.get('driver')}  SMs {dev.get('sms')}  "
          f"mem {dev.get('memoryBytes', 0) / 2**30:.1f} GiB  L2 {dev.get('l2Bytes', 0) / 2**20:.0f} MiB")
        bw = {r["kernel"]: r for r in h.get("bandwidth", [])}
        for k in ("read", "copy", "write"):
            if k in bw:
                p(f"bandwidth {k:5s}: {bw[k]['bytesPerSecond'] / 1e12:6.3f} TB/s  ({bw[k]['seconds'] * 1e3:.3f} ms, "
                  f"{bw[k]['bytes'] / 2**30:.0f} GiB counted)")
        read = bw.get("read", {}).get("bytesPerSecond")
        g = [r for r in h.get("gemm", []) if "flopsPerSecond" in r]
        for dt in ("bf16", "fp8"):
            rs = [r for r in g if r["dtype"] == dt]
            if rs:
                b = max(rs, key=lambda r: r["flopsPerSecond"])
                errs = [r["relativeError"] for r in rs if r.get("relativeError") is not None]
                p(f"gemm {dt:4s} best: {b['flopsPerSecond'] / 1e12:7.1f} TFLOP/s at M={b['m']} N={b['n']} K={b['k']}"
                  f"  (checked relerr max {max(errs) if errs else float('nan'):.2e})")
        da = h.get("decodeAttention", [])
        if da:
            p("decode attention (ours vs SDPA):")
            p(f"  {'H':>3} {'Hkv':>3} {'B':>3} {'S':>6} {'splits':>6} {'ours us':>9} {'GB/s':>7} {'%read':>6} "
              f"{'sdpa us':>9} {'speedup':>7} {'relerr':>8}  {'variant':16s} sdpa backend")
            for r in da:
                frac = r["bytesPerSecond"] / read if read else float("nan")
                p(f"  {r['heads']:3d} {r['kvHeads']:3d} {r['batch']:3d} {r['context']:6d} {r['splits']:6d} "
                  f"{r['seconds'] * 1e6:9.2f} {r['bytesPerSecond'] / 1e9:7.0f} {100 * frac:5.1f}% "
                  f"{r.get('sdpaSeconds', float('nan')) * 1e6:9.2f} {r.get('speedupVsSdpa', float('nan')):7.2f} "
                  f"{r.get('relativeError') if r.get('relativeError') is not None else float('nan'):8.1e}  "
                  f"{r.get('variant', '-'):16s} {r.get('sdpaBackend', '-')}")
        ml = h.get("mlaDecode", [])
        if ml:
            p("MLA decode:")
            for r in ml:
                frac = r["bytesPerSecond"] / read if read else float("nan")
                re = r.get("relativeError")
                p(f"  B={r['batch']:3d} S={r['context']:6d} splits={r['splits']:4d} {r['seconds'] * 1e6:9.2f} us "
                  f"{r['bytesPerSecond'] / 1e9:7.0f} GB/s {100 * frac:5.1f}% read  "
                  f"{r['flopsPerSecond'] / 1e12:6.1f} TFLOP/s  relerr {re if re is not None else float('nan'):.1e}  "
                  f"{r.get('variant', '')}")
                wg = [(v, k) for k, v in r.get("splitTuning", {}).items() if k.startswith("wgmma")]
                if wg:
                    v, k = min(wg)
                    we = r.get("wgmmaRelativeError", r.get("relativeError") if r.get("variant", "").startswith("wgmma") else None)
                    p(f"      best wgmma: {v * 1e6:9.2f} us ({k})  relerr {we if we is not None else float('nan'):.1e}")
        # targets
        p("targets:")
        if da and read:
            maxbs = max(r["batch"] * r["context"] for r in da)
            big = [r for r in da if r["batch"] * r["context"] == maxbs]
            for r in big:
                p(f"  T1 decode >= 90% read BW at B*S={maxbs}: H={r['heads']} Hkv={r['kvHeads']}: "
                  f"{100 * r['bytesPerSecond'] / read:.1f}%  -> {'met' if r['bytesPerSecond'] >= 0.9 * read else 'MISSED'}")
            sp = [r for r in da if r.get("speedupVsSdpa") is not None]
            if sp:
                w = min(sp, key=lambda r: r["speedupVsSdpa"])
                p(f"  T2 never slower than SDPA: min speedup {w['speedupVsSdpa']:.2f} at H={w['heads']} "
                  f"Hkv={w['kvHeads']} B={w['batch']} S={w['context']}  -> {'met' if w['speedupVsSdpa'] >= 1 else 'MISSED'}"
                  f" ({sum(1 for r in sp if r['speedupVsSdpa'] < 1)} of {len(sp)} rows slower)")
            mq = [r for r in sp if r["kvHeads"] == 1 and r["heads"] == 32 and r["batch"] == 1 and r["context"] >= 16384]
            for r in mq:
                p(f"  T3 MQA B=1 S={r['context']}: {r['speedupVsSdpa']:.2f}x SDPA -> "
                  f"{'met' if r['speedupVsSdpa'] >= 2 else 'MISSED'}")
        if ml and read:
            big = [r for r in ml if r["batch"] * r["context"] >= 65536]
            if big:
                lo = min(big, key=lambda r: r["bytesPerSecond"])
                hi = max(big, key=lambda r: r["bytesPerSecond"])
                p(f"  T4 MLA >= 80% read BW at B*S>=64k: min {100 * lo['bytesPerSecond'] / read:.1f}% "
                  f"(B={lo['batch']} S={lo['context']}), max {100 * hi['bytesPerSecond'] / read:.1f}% "
                  f"(B={hi['batch']} S={hi['context']}) -> {'met' if lo['bytesPerSecond'] >= 0.8 * read else 'MISSED'}")
    ll = load(d, "llama31-8b-decode-step.json")
    if ll:
        p("llama-3.1-8b decode step (ms):")
        for r in ll.get("decodeStep", []):
            p(f"  B={r['batch']:3d} ctx={r['context']:5d}: {r['seconds'] * 1e3:8.3f} ms")
        for r in ll.get("skipped", []):
            p(f"  B={r['batch']:3d} ctx={r['context']:5d}: skipped ({r['reason'][:60]})")
    nc = load(d, "nccl.json")
    if nc:
        p("nccl (busBW GB/s):")
        for r in nc.get("collectives", []):
            if r["bytes"] in (1 << 20, 1 << 24, 1 << 28, 1 << 30):
                p(f"  {r['op']:14s} {r['bytes'] / 2**20:6.0f} MiB  {r['busBytesPerSecond'] / 1e9:7.1f} GB/s")
    txt = "\n".join(out)
    print(txt)
    with open(os.path.join(d, "summary.txt"), "w") as f:
        f.write(txt + "\n")


if __name__ == "__main__":
    main()
