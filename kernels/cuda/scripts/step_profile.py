#!/usr/bin/env python3
"""Kernel tables and launch gaps of whole steps (issue 15, fidelity II: training data for the step model).

For each configuration (model, decode/prefill, batch, context or prompt length) of the chosen set this
times the step as step_forms.py does (eager: no graph; eagerGraph: the eager kernels in one CUDA graph;
fused: TorchInductor pieces in one CUDA graph) and records, from torch.profiler's CUPTI trace:

  * eager   one un-graphed eager step (kernel durations, grids, blocks);
  * graph   one replay of the eager step's CUDA graph (what the step model's `eager` form stands for):
            kernel durations as replayed, the step's span (first kernel start to last kernel end) and the
            idle time between kernels (span minus the union of kernel intervals);
  * fused   one replay of the fused step's CUDA graph (the model's `compiled` form).

Per kernel: name, category (step_forms.category), calls per step, device seconds per step, grid and block
of its first call. Per trace: kernel seconds, span, gaps, kernels per step. The MoE rows also carry the
router's per-expert token counts of each layer (eager step). Models and step code are step_forms.py's
(random bf16 weights, seed 0; Mixtral-8x7B shapes with 4 layers; Llama-3.1-8B with 32 layers).

usage: step_profile.py --out step-profiles.json [--set train|train2|validation|validation3|validation4|validation5|validation6|validation7|validation8|validation9|validation10|validation11|validation12|smoke] [--deadline-s 400]
"""
import argparse
import json
import os
import sys
import tempfile
import time
import traceback

import torch

import benchutil as bu
import step_forms as sf

# Profiled configurations. "train": the shapes whose profiles the model may be fitted to (issue 15's MoE
# prefill and small-batch decode misses, the dense decode near the flash split threshold and the dense
# eager prefill). "validation": steps no grid has measured, run only after the model is frozen.
SETS = {
    "train": {
        "moe": {"decode": [(1, 2048), (2, 2048), (4, 2048), (8, 2048), (16, 2048), (4, 512)],
                "prefill": [(1, 512), (1, 2048), (1, 8192), (4, 1024)]},
        "dense": {"decode": [(8, 6144), (12, 6144), (16, 6144), (20, 6144), (24, 6144), (16, 2048)],
                  "prefill": [(1, 2048), (1, 8192), (4, 2048)]},
    },
    "validation": {
        "moe": {"decode": [(3, 2560), (5, 1024), (6, 5120), (10, 3584), (24, 2560), (96, 1280)],
                "prefill": [(1, 1536), (1, 5120), (2, 2560)]},
        "dense": {"decode": [(5, 2560), (14, 5120), (18, 3584), (28, 7168), (56, 2560), (112, 1536)],
                  "prefill": [(1, 2560), (1, 5120), (2, 3072), (5, 1024)]},
    },
    # after freeze III (2026-12-06): batches, contexts and prompt lengths in no earlier set or grid
    "validation3": {
        "moe": {"decode": [(2, 3072), (7, 1536), (12, 4096), (36, 2304), (48, 1024), (160, 768)],
                "prefill": [(1, 1024), (1, 3584), (3, 1536)]},
        "dense": {"decode": [(3, 4096), (10, 1536), (26, 3072), (40, 4096), (72, 2048), (144, 1024)],
                  "prefill": [(1, 1536), (1, 3584), (3, 2048), (6, 768)]},
    },
    # after freeze IV (2026-12-06, the grouped GEMM's per-SM streaming rate): batches, contexts and
    # prompt lengths in no earlier set or grid
    "validation4": {
        "moe": {"decode": [(9, 2816), (20, 1792), (30, 3328), (64, 640), (100, 1152), (200, 896)],
                "prefill": [(1, 640), (1, 2816), (2, 1792)]},
        "dense": {"decode": [(6, 3328), (22, 2816), (32, 1792), (48, 4608), (96, 1152), (128, 896)],
                  "prefill": [(1, 1280), (1, 4608), (2, 1792), (4, 896)]},
    },
    # freeze IV's second validation (declared 2026-12-06 before any measurement): batches, contexts and
    # prompt lengths in no earlier set or grid
    "validation5": {
        "moe": {"decode": [(11, 2304), (26, 1536), (40, 2944), (80, 704), (128, 1408), (176, 1024)],
                "prefill": [(1, 896), (1, 3072), (2, 2304)]},
        "dense": {"decode": [(4, 3840), (15, 2304), (36, 1408), (60, 3072), (88, 1664), (176, 768)],
                  "prefill": [(1, 1792), (1, 4096), (3, 1280), (6, 640)]},
    },
    # the validation of session 14's later changes (declared 2026-12-06 23:50 UTC, before any of them
    # was measured): batches, contexts and prompt lengths in no earlier set or grid
    "validation6": {
        "moe": {"decode": [(13, 1664), (34, 2432), (56, 1216), (72, 2688), (144, 576), (240, 448)],
                "prefill": [(1, 1152), (1, 3328), (3, 1408)]},
        "dense": {"decode": [(7, 2944), (19, 1920), (44, 2176), (68, 1344), (104, 2560), (160, 1216)],
                  "prefill": [(1, 2304), (1, 5632), (2, 2816), (5, 1152)]},
    },
    # the validation of freeze VIII (the H100's own grouped-GEMM and prefill-attention fits; declared
    # 2026-12-07 before any measurement): batches, contexts and prompt lengths in no earlier set or grid,
    # as many steps as validation6 and of the same sizes
    "validation7": {
        "moe": {"decode": [(17, 1984), (42, 1472), (52, 2624), (84, 1088), (120, 960), (224, 608)],
                "prefill": [(1, 1600), (1, 3712), (2, 2368)]},
        "dense": {"decode": [(21, 3200), (27, 1856), (50, 2112), (76, 1472), (116, 2624), (168, 1088)],
                  "prefill": [(1, 3456), (1, 4864), (2, 1984), (7, 832)]},
    },
    # the validation of freeze X (the cooperative grouped-GEMM kernel's epilogue a tile; declared
    # 2026-12-07 07:00 UTC before any measurement): batches, contexts and prompt lengths in no earlier set
    # or grid, one MoE prefill more than validation7 (freeze X moves the MoE prefills most)
    "validation8": {
        "moe": {"decode": [(25, 2240), (38, 1312), (58, 1888), (90, 832), (136, 672), (208, 544)],
                "prefill": [(1, 1472), (1, 4352), (2, 2112), (4, 1216)]},
        "dense": {"decode": [(29, 2752), (31, 3968), (46, 1600), (62, 1728), (124, 1376), (184, 736)],
                  "prefill": [(1, 2688), (1, 5376), (2, 2496), (6, 960)]},
    },
    # the validation of freeze XI (prefill routing dispersion; a grouped GEMM inside a step faster than
    # back to back; declared 2026-12-07 11:15 UTC before any measurement): batches, contexts and prompt
    # lengths in no earlier set or grid, six MoE prefills (freeze XI moves only MoE prefill steps)
    "validation9": {
        "moe": {"decode": [(15, 2496), (46, 1184), (66, 1760), (98, 736), (152, 608), (216, 480)],
                "prefill": [(1, 1344), (1, 2432), (1, 4992), (2, 1664), (3, 1088), (4, 1472)]},
        "dense": {"decode": [(23, 3136), (35, 2048), (54, 1536), (80, 1920), (132, 1248), (192, 672)],
                  "prefill": [(1, 2176), (1, 6016), (2, 2624), (8, 704)]},
    },
    # the validation of freeze XII (decode on FlashAttention-2's one-split kernel: ceil(CTAs / SMs)
    # CTAs on the busiest SM; declared 2026-12-07 13:10 UTC before any measurement): (batch, context)
    # pairs and prompt lengths in no earlier set or grid; decode batches from 11 to 170, most with a
    # few CTAs past a multiple of the 132 SMs (8 KV heads a sequence), where freeze XII moves most
    "validation10": {
        "moe": {"decode": [(18, 2080), (33, 1440), (35, 1952), (50, 1120), (67, 928), (170, 528)],
                "prefill": [(1, 1856), (1, 4480), (2, 1408), (3, 1216)]},
        "dense": {"decode": [(11, 2720), (33, 2272), (37, 1696), (51, 1824), (67, 1568), (100, 1056),
                             (134, 1008)],
                  "prefill": [(1, 2944), (1, 5888), (2, 2240), (6, 800)]},
    },
    # the validation of freeze XVIII (the small-tile grouped kernel's clusters: an expert routed more
    # rows than one cluster of 64-row tiles holds reads its weights once more a cluster; declared
    # 2026-12-07 19:00 UTC before any measurement): MoE prefills of 288 to 736 tokens (72 to 184 rows an
    # expert on average, around the 128-row switch between the two grouped kernels, which no step grid
    # since validation4 reached), and MoE decodes; (batch, context) pairs and prompt lengths in no
    # earlier set or grid; no dense step (freeze XVIII moves none)
    "validation11": {
        "moe": {"decode": [(22, 1184), (44, 864), (60, 1504), (96, 704)],
                "prefill": [(1, 288), (1, 352), (1, 416), (1, 448), (1, 480), (2, 232), (3, 168),
                            (4, 120), (1, 544), (1, 736)]},
        "dense": {"decode": [], "prefill": []},
    },
    # the validation of freeze XIX (whole-step intervals from measured steps, split conformal;
    # declared 2026-12-07 18:40 UTC before any measurement, after freeze XIX): dense and MoE decodes and
    # prefills, (batch, context) pairs and prompt lengths in no earlier set or grid
    "validation12": {
        "moe": {"decode": [(14, 1632), (27, 2208), (41, 1056), (63, 1376), (110, 832), (188, 592)],
                "prefill": [(1, 1728), (1, 3904), (2, 1184), (3, 1312)]},
        "dense": {"decode": [(9, 3712), (17, 2464), (39, 1952), (58, 1632), (86, 1184), (122, 928),
                             (150, 736)],
                  "prefill": [(1, 3200), (1, 5248), (2, 2784), (5, 1472)]},
    },
    # training steps for the small MoE prefills (declared 2026-12-07 19:20 UTC before any measurement):
    # Mixtral-8x7B prefills of 192 to 400 tokens (48 to 100 rows an expert on average, one small-tile
    # cluster an expert), where validation11's 288- and 352-token prefills were 8-9 % fast; training
    # data, for the model's form; no dense step
    "train2": {
        "moe": {"decode": [],
                "prefill": [(1, 192), (1, 256), (1, 320), (1, 384), (1, 400), (2, 144), (2, 176),
                            (3, 112)]},
        "dense": {"decode": [], "prefill": []},
    },
    "smoke": {
        "moe": {"decode": [(1, 16), (4, 16)], "prefill": [(1, 32)]},
        "dense": {"decode": [(2, 16)], "prefill": [(1, 32)]},
    },
}


def trace_kernels(run, steps):
    """Profiles `steps` calls of run() and returns the CUPTI kernel/memcpy/memset events of the trace."""
    from torch.profiler import ProfilerActivity, profile

    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(steps):
            run()
        torch.cuda.synchronize()
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        prof.export_chrome_trace(path)
        with open(path) as f:
            tr = json.load(f)
    finally:
        os.remove(path)
    evs = [e for e in tr.get("traceEvents", []) if e.get("ph") == "X"
           and e.get("cat") in ("kernel", "gpu_memcpy", "gpu_memset")]
    evs.sort(key=lambda e: float(e["ts"]))
    return evs


def summarize(evs, steps):
    if not evs:
        return {"error": "no device events in the trace"}
    agg = {}
    for e in evs:
        a = agg.setdefault(e["name"], {"n": 0, "us": 0.0, "grid": e.get("args", {}).get("grid"),
                                       "block": e.get("args", {}).get("block")})
        a["n"] += 1
        a["us"] += float(e["dur"])
    # span and idle time: union of the kernel intervals over the traced steps
    busy, cur_s, cur_e = 0.0, None, None
    for e in evs:
        s, d = float(e["ts"]), float(e["dur"])
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                busy += cur_e - cur_s
            cur_s, cur_e = s, s + d
        else:
            cur_e = max(cur_e, s + d)
    busy += cur_e - cur_s
    span = max(float(e["ts"]) + float(e["dur"]) for e in evs) - float(evs[0]["ts"])
    kernels = sorted(({"name": k[:300], "category": sf.category(k), "countPerStep": v["n"] / steps,
                       "secondsPerStep": v["us"] * 1e-6 / steps, "grid": v["grid"], "block": v["block"]}
                      for k, v in agg.items()), key=lambda r: -r["secondsPerStep"])
    cats = {}
    for r in kernels:
        cats[r["category"]] = cats.get(r["category"], 0.0) + r["secondsPerStep"]
    total = sum(r["secondsPerStep"] for r in kernels)
    return {"steps": steps, "kernelsPerStep": len(evs) / steps, "kernelSecondsPerStep": total,
            "busySecondsPerStep": busy * 1e-6 / steps, "spanSecondsPerStep": span * 1e-6 / steps,
            "gapSecondsPerStep": (span - busy) * 1e-6 / steps,
            "byCategory": {k: v for k, v in sorted(cats.items(), key=lambda kv: -kv[1])},
            "kernels": kernels}


def graph_of(fn):
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(2):
            fn()
    torch.cuda.current_stream().wait_stream(s)
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        fn()
    g.replay()
    torch.cuda.synchronize()
    return g


def run_model(c, confs, a, t0, rows, save):
    torch.manual_seed(0)
    m = sf.ld.Model() if c is sf.LLAMA else sf.Weights(c)
    sf.moe_views(m)
    torch.cuda.synchronize()
    NKV, HD, NL = c["kvHeads"], c["headDim"], c["layers"]
    fns = sf.make_fns(c)
    cfns = sf.compile_fns(fns, "default")
    kv_per_token = NL * 2 * NKV * HD * 2
    gen = torch.Generator(device="cuda")
    gen.manual_seed(7)
    for kind, B, n in confs:
        if time.time() - t0 > a.deadline_s:
            rows.append({"model": c["name"], "kind": kind, "batch": B, "n": n, "skipped": "deadline"})
            continue
        torch.cuda.empty_cache()
        cap = n + 16
        kv = torch.empty(NL, 2, B, NKV, cap, HD, device="cuda", dtype=sf.DT)
        kv.uniform_(-1, 1)
        T = B if kind == "decode" else B * n
        tokens = torch.randint(0, c["vocab"], (T,), device="cuda", generator=gen)
        pos = torch.full((T,), n, dtype=torch.int64) if kind == "decode" else torch.arange(n).repeat(B)
        cos, sin = sf.rope_tables(m, pos, HD)
        row = {"model": c["name"], "kind": kind, "batch": B, "tokens": T,
               ("context" if kind == "decode" else "promptLength"): n,
               "kvCacheBytesRead": B * (n + 1) * kv_per_token if kind == "decode" else 0, "forms": {},
               "profiles": {}}
        try:
            with sf.sdpa_kernel([sf.SDPBackend.FLASH_ATTENTION]):
                def eager():
                    return sf.step(c, m, fns, kv, tokens, kind, B, n, cos, sin)

                def fused():
                    return sf.step(c, m, cfns, kv, tokens, kind, B, n, cos, sin)

                if c["experts"]:
                    rec = []
                    sf.step(c, m, fns, kv, tokens, kind, B, n, cos, sin, rec=rec)
                    row["expertTokenCounts"] = [r.tolist() for r in rec]
                for fname, fn, graph in (("eager", eager, False), ("eagerGraph", eager, True),
                                         ("fused", fused, True)):
                    fn()
                    torch.cuda.synchronize()
                    t = bu.time_op(lambda i, fn=fn: fn(), 1, a.samples, warmup=2, graph=graph, max_total_s=1.0)
                    row["forms"][fname] = {"seconds": t["median"], "p10": t["p10"], "p90": t["p90"],
                                           "repsPerSample": t["reps"], "cudaGraph": t["graph"]}
                row["profiles"]["eager"] = summarize(trace_kernels(eager, 2), 2)
                ge = graph_of(eager)
                row["profiles"]["graph"] = summarize(trace_kernels(ge.replay, 3), 3)
                del ge
                gf = graph_of(fused)
                row["profiles"]["fused"] = summarize(trace_kernels(gf.replay, 3), 3)
                del gf
        except Exception as ex:
            traceback.print_exc(limit=4)
            row["error"] = sf.first_line(ex)
        rows.append(row)
        save()
        fm = row["forms"]
        pg = row["profiles"].get("graph", {})
        print(f"[{time.time() - t0:5.0f}s] {c['name']:22s} {kind:7s} B={B:3d} n={n:5d}: " + "  ".join(
            f"{k} {v['seconds'] * 1e3:8.3f} ms" for k, v in fm.items())
            + (f"  graph trace: kernels {pg['kernelSecondsPerStep'] * 1e3:.3f} ms, span "
               f"{pg['spanSecondsPerStep'] * 1e3:.3f} ms, gaps {pg['gapSecondsPerStep'] * 1e3:.3f} ms, "
               f"{pg['kernelsPerStep']:.0f} kernels" if "kernelSecondsPerStep" in pg else ""), flush=True)
        del kv
        torch.cuda.empty_cache()
    del m
    torch.cuda.empty_cache()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--set", default="train", choices=sorted(SETS))
    ap.add_argument("--parts", default="moe,dense")
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--deadline-s", type=float, default=400.0)
    a = ap.parse_args()
    t0 = time.time()
    sf.raise_dynamo_limits()
    doc = bu.run_header("hwplan-step-profile", __file__)
    doc["set"] = a.set
    doc["method"] = bu.method_text({
        "forms": "as step_forms.py: eager (no graph), eagerGraph (eager kernels in one CUDA graph), fused "
                 "(torch.compile default of pre/post/final, SDPA flash attention eager, one CUDA graph)",
        "profiles": "torch.profiler (CUPTI) chrome trace: eager = 2 un-graphed steps; graph = 3 replays of "
                    "the eager step's graph; fused = 3 replays of the fused step's graph; per step: kernel "
                    "seconds, span (first start to last end) and gaps (span minus union of kernel intervals)"})
    rows = []

    def save():
        bu.save(a.out, doc, rows=rows)

    models = {"moe": sf.MIXTRAL, "dense": sf.LLAMA} if a.set != "smoke" else {"moe": sf.SMOKE_MOE,
                                                                              "dense": sf.SMOKE_DENSE}
    for part in a.parts.split(","):
        s = SETS[a.set][part]
        confs = [("decode", b, n) for b, n in s["decode"]] + [("prefill", b, n) for b, n in s["prefill"]]
        try:
            run_model(models[part], confs, a, t0, rows, save)
        except Exception as ex:
            traceback.print_exc()
            rows.append({"model": models[part]["name"], "error": f"model failed: {sf.first_line(ex)}"})
    bu.save(a.out, doc, wall_since=t0, rows=rows)
    print(f"wrote {a.out}: {len(rows)} rows in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
