#!/usr/bin/env python3
"""Headline numbers of the fidelity measurements (no torch needed).

usage: fidelity_summary.py DIR [--suffix -validation]   reads prefill-attention, grouped-gemm, steps-eager-fused,
                                                          train-steps (.json) in DIR; prints the summary
"""
import json
import os
import statistics
import sys


def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def rng(xs):
    return (min(xs), max(xs)) if xs else (float("nan"), float("nan"))


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "."
    suf = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--suffix" else ""
    out = []
    p = out.append
    pa = load(d, f"prefill-attention{suf}.json")
    gg = load(d, f"grouped-gemm{suf}.json")
    st = load(d, f"steps-eager-fused{suf}.json")
    tr = load(d, f"train-steps{suf}.json")
    first = next(x for x in (pa, gg, st, tr) if x)
    dev, sw = first["device"], first["software"]
    p(f"device {dev['name']}, driver {dev.get('driver')}, torch {sw['torch']}, CUDA {sw['cuda']}, cuDNN {sw['cudnn']}, "
      f"triton {sw.get('triton')}")
    for name, doc in (("prefill-attention", pa), ("grouped-gemm", gg), ("steps-eager-fused", st), ("train-steps", tr)):
        if doc:
            pv = doc.get("provenance", {})
            p(f"  {name}{suf}.json: {doc['date']}, commit {str(pv.get('gitCommit'))[:12]}, grid {doc.get('grid')}, "
              f"{len(doc.get('rows', []))} rows, {len(doc.get('failures', []))} failures, "
              f"{len(doc.get('dropped', doc.get('skipped', [])))} dropped/skipped")
    p("")
    if pa:
        rows = pa["rows"]
        shapes = {(r["batch"], r["heads"], r["kvHeads"], r["seqLen"], r["headDimQk"]) for r in rows}
        fams = {}
        for s in shapes:
            f = "mla" if s[4] == 192 else ("mha" if s[1] == s[2] else ("mqa" if s[2] == 1 else "gqa"))
            fams[f] = fams.get(f, 0) + 1
        p(f"PREFILL ATTENTION (causal, bf16, SDPA): {len(shapes)} shapes {fams}, {len(rows)} rows (shape x backend)")
        for be in ("flash", "cudnn"):
            rb = [r for r in rows if r["backend"] == be]
            for label, sel in (("S >= 32k", lambda r: r["seqLen"] >= 32768 and r["family"] != "mla"),
                               ("S 4k-16k", lambda r: 4096 <= r["seqLen"] <= 16384 and r["family"] != "mla"),
                               ("S <= 1k", lambda r: r["seqLen"] <= 1024 and r["family"] != "mla")):
                for hd in (128, 64):
                    xs = [r for r in rb if sel(r) and r["headDimQk"] == hd]
                    if not xs:
                        continue
                    f = [r["forwardFlopsPerSecond"] / 1e12 for r in xs]
                    b = [r["backwardFlopsPerSecond"] / 1e12 for r in xs if r["backwardFlopsPerSecond"]]
                    ratio = [r["backwardSeconds"] / r["forwardSeconds"] for r in xs]
                    p(f"  {be:5s} hd{hd:3d} {label:8s}: fwd {med(f):4.0f} TFLOP/s (range {rng(f)[0]:.0f}-{rng(f)[1]:.0f}), "
                      f"bwd {med(b):4.0f} TFLOP/s, bwd/fwd time {med(ratio):.2f} (FLOP ratio 2.5), n={len(xs)}")
            xs = [r for r in rb if r["family"] == "mla"]
            if xs:
                f = [r["forwardFlopsPerSecond"] / 1e12 for r in xs if r["seqLen"] >= 4096]
                b = [r["backwardFlopsPerSecond"] / 1e12 for r in xs if r["seqLen"] >= 4096 and r["backwardFlopsPerSecond"]]
                vx = sorted({r["vHeadDimExecuted"] for r in xs})
                p(f"  {be:5s} MLA 192/128, S >= 4k: fwd {med(f):4.0f}, bwd {med(b):4.0f} TFLOP/s (v executed at {vx}; "
                  f"FLOPs count v=128)")
        byshape = {}
        for r in rows:
            byshape.setdefault((r["batch"], r["heads"], r["kvHeads"], r["seqLen"], r["headDimQk"]), {})[r["backend"]] = r
        sp_f = [v["flash"]["forwardSeconds"] / v["cudnn"]["forwardSeconds"] for v in byshape.values() if len(v) == 2]
        sp_b = [v["flash"]["backwardSeconds"] / v["cudnn"]["backwardSeconds"] for v in byshape.values() if len(v) == 2]
        p(f"  flash/cuDNN time ratio, all shapes: forward median {med(sp_f):.2f} (range {rng(sp_f)[0]:.2f}-{rng(sp_f)[1]:.2f}), "
          f"backward median {med(sp_b):.2f} (range {rng(sp_b)[0]:.2f}-{rng(sp_b)[1]:.2f})")
        gq = {}
        for r in rows:
            gq[(r["backend"], r["gqaMode"])] = gq.get((r["backend"], r["gqaMode"]), 0) + 1
        p(f"  GQA handling (rows): {gq}; flash refused v head dim 128 with q/k 192 (MLA rows padded v to 192), "
          f"cuDNN ran it natively")
        ce = [r["crossBackendRelDiff"]["output"] for r in rows if "crossBackendRelDiff" in r]
        re = [r["relErrVsMathFp32"] for r in rows if r.get("relErrVsMathFp32") is not None]
        p(f"  checks: flash vs cuDNN output rel. diff max {max(ce):.1e}; vs fp32 math max {max(re):.1e} "
          f"({len(re)} rows); all outputs finite: {all(r['outputsFinite'] for r in rows)}")
        p("")
    if gg:
        cb = gg.get("copyBandwidth") or {}
        copy = cb.get("bytesPerSecond", float("nan"))
        rows = gg["rows"]
        p(f"GROUPED GEMM (bf16, balanced routing): {len(rows)} configurations; copy reference {copy / 1e12:.2f} TB/s "
          f"(2 GiB copy_, read+write)")
        p("  expert-weight streaming, tokens/expert 1-8 (grouped / loop in a CUDA graph / loop from Python), TB/s, "
          "median over T in {1,2,4,8}:")
        mats = []
        for r in rows:
            if r["matrix"] not in mats:
                mats.append(r["matrix"])
        for m in mats:
            parts = []
            for E in sorted({r["experts"] for r in rows if r["matrix"] == m}):
                xs = [r for r in rows if r["matrix"] == m and r["experts"] == E and r["tokensPerExpert"] <= 8]
                g = med([r["grouped"]["weightBytesPerSecond"] for r in xs if "grouped" in r and "seconds" in r["grouped"]])
                lo = med([r["loop"]["weightBytesPerSecond"] for r in xs if "seconds" in r.get("loop", {})])
                ln = med([r["loopNoGraph"]["weightBytesPerSecond"] for r in xs if "seconds" in r.get("loopNoGraph", {})])
                parts.append(f"E={E}: {g / 1e12:.2f}/{lo / 1e12:.2f}/{ln / 1e12:.2f}")
            p(f"    {m:24s} " + "  ".join(parts))
        gs = [r["grouped"]["weightBytesPerSecond"] for r in rows if r["tokensPerExpert"] <= 8 and "seconds" in r.get("grouped", {})]
        p(f"  grouped at 1-8 tokens/expert: {min(gs) / 1e12:.2f}-{max(gs) / 1e12:.2f} TB/s = "
          f"{min(gs) / copy * 100:.0f}-{max(gs) / copy * 100:.0f}% of the copy bandwidth")
        big = [r for r in rows if r["tokensPerExpert"] == 1024 and "seconds" in r.get("grouped", {})]
        f = [r["grouped"]["flopsPerSecond"] / 1e12 for r in big]
        p(f"  grouped at 1024 tokens/expert: {min(f):.0f}-{max(f):.0f} TFLOP/s")
        lg = [r["loopOverGrouped"] for r in rows if "loopOverGrouped" in r]
        ln = [r["loopNoGraphOverGrouped"] for r in rows if "loopNoGraphOverGrouped" in r]
        p(f"  loop (graph) / grouped time: median {med(lg):.2f}, range {rng(lg)[0]:.2f}-{rng(lg)[1]:.2f}; "
          f"loop from Python / grouped: median {med(ln):.2f}, range {rng(ln)[0]:.2f}-{rng(ln)[1]:.2f}")
        ce = [r["groupedVsLoopRelErr"] for r in rows if r.get("groupedVsLoopRelErr") is not None]
        if ce:
            p(f"  check: grouped vs loop output rel. diff max {max(ce):.1e} ({len(ce)} configurations)")
        p("")
    if st:
        rows = st["rows"]
        p(f"WHOLE STEPS, eager vs fused ({len(rows)} configurations)")
        p("  model            kind     B     n    eager  eagerGraph   fused  [eagerLoop]  ms;  eager/fused  eagerGraph/fused")
        for r in rows:
            f = r["forms"]
            g = lambda k: f.get(k, {}).get("seconds", float("nan")) * 1e3
            n = r.get("context", r.get("promptLength"))
            extra = f"  {g('eagerLoop'):8.3f}" if "eagerLoop" in f else "          "
            p(f"  {r['model'][:16]:16s} {r['kind']:7s} {r['batch']:3d} {n:5d} {g('eager'):8.3f} {g('eagerGraph'):10.3f} "
              f"{g('fused'):8.3f}{extra}      {r.get('eagerOverFused', float('nan')):5.2f}      "
              f"{r.get('eagerGraphOverFused', float('nan')):5.2f}")
        for lab, sel in (("dense decode", lambda r: r["model"].startswith("llama") and r["kind"] == "decode"),
                         ("dense prefill", lambda r: r["model"].startswith("llama") and r["kind"] == "prefill"),
                         ("MoE decode", lambda r: r["model"].startswith("mixtral") and r["kind"] == "decode")):
            xs = [r["eagerGraphOverFused"] for r in rows if sel(r) and "eagerGraphOverFused" in r]
            p(f"  {lab}: eagerGraph/fused median {med(xs):.2f} (range {rng(xs)[0]:.2f}-{rng(xs)[1]:.2f})")
        for r in rows:
            if "expertTokensMaxOverMean" in r:
                p(f"  router {r['model']} {r['kind']} B={r['batch']}: busiest expert / mean tokens per expert "
                  f"{r['expertTokensMaxOverMean']:.2f} (over 4 layers x 8 experts)")
        for pr in st.get("profiles", []):
            if "byCategory" not in pr:
                continue
            cats = ", ".join(f"{k} {v['share'] * 100:.0f}%" for k, v in pr["byCategory"].items())
            p(f"  profile {pr['model']} B={pr['batch']} ctx={pr['context']} {pr['form']:5s}: {pr['kernelSecondsPerStep'] * 1e3:.2f} ms "
              f"of kernels/step, {pr['kernelsPerStep']:.0f} kernels: {cats}")
        p("")
    if tr:
        rows = tr["rows"]
        p(f"TRAINING STEPS ({len(rows)} configurations, {rows[0]['layers']} layers each)")
        p("  model               S     mb rc   prec  vocab   fwd ms   bwd ms  opt ms  TFLOP/s  params GiB  +AdamW GiB  peak GiB")
        for r in rows:
            m = r["memory"]
            p(f"  {r['model'][:18]:18s} {r['seqLen']:5d} {r['microBatch']:3d} {r['recompute']:4s} {r['precision']:4s} "
              f"{r['vocab']:6d} {r['forwardSeconds'] * 1e3:8.2f} {r['backwardSeconds'] * 1e3:8.2f} {r['optimizerSeconds'] * 1e3:7.2f} "
              f"{r['modelFlopsPerSecond'] / 1e12:7.0f} {m['afterModelBytes'] / 2**30:10.2f} {m['afterFirstStepBytes'] / 2**30:11.2f} "
              f"{m['peakStepBytes'] / 2**30:9.2f}")
        bf = [r["backwardSeconds"] / r["forwardSeconds"] for r in rows if r["recompute"] == "none"]
        bfr = [r["backwardSeconds"] / r["forwardSeconds"] for r in rows if r["recompute"] == "full"]
        p(f"  backward/forward time: no recompute median {med(bf):.2f}, full recompute median {med(bfr):.2f}")
        p("")
    text = "\n".join(out)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
