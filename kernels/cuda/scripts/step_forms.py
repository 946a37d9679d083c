#!/usr/bin/env python3
"""Whole decode steps and prefills, eager versus fused, for a dense and a MoE model (issue 15, training data).

Models (random bf16 weights, fixed seed, no download):
  dense: Llama-3.1-8B, the model of llama_decode.py (llama_decode.Model: 32 layers, fused qkv and gate_up,
         Llama-3 RoPE, untied lm_head).
  moe:   Mixtral-8x7B shape with 4 layers instead of 32 (hidden 4096, 32/8 heads, head_dim 128, 8 experts of
         SwiGLU 14336, top-2 with Mixtral's routing: softmax over 8, top-2, renormalised; router weights
         random with seed 0; vocab 32000, RoPE theta 1e6, untied lm_head).

One step: embed; per layer  pre = rmsnorm + qkv GEMM + RoPE,  attention = K/V write into a static bf16 cache
[layers, 2, B, kvHeads, capacity, 128] + torch SDPA pinned to FLASH_ATTENTION (enable_gqa=True; causal
for prefill),  post = o-proj + residual + rmsnorm + MLP/MoE + residual;  final rmsnorm + lm_head (decode:
logits of every sequence; prefill: logits of each sequence's last token). Decode puts every sequence at
position `context` (attends over context + 1 cached positions, cache pre-filled with random values).

Forms (all run the same Python functions on the same inputs):
  eager       one kernel per op, launched from Python each step, no CUDA graph.
  eagerGraph  the same kernels captured once in a CUDA graph and replayed (launch gaps removed, no fusion).
  fused       pre, post (dense MLP or the whole MoE block) and final compiled with torch.compile
              (TorchInductor, mode --compile-mode, default "default": norms, RoPE, SiLU*mul, residual adds,
              routing softmax/top-k fused into Triton kernels; GEMMs stay cuBLAS extern kernels; dynamic
              token dimension after the first recompile), attention left eager between the compiled pieces
              (the vLLM piecewise split), and the whole step captured in one CUDA graph (static KV cache).
  eagerLoop   (MoE only) Hugging Face style experts: for each expert, torch.where over the top-k ids
              (a host sync), gather, two F.linear, index_add_; no CUDA graph possible.
  MoE eager/eagerGraph/fused use torch._grouped_mm over tokens sorted by expert (argsort, per-expert counts
  by scatter_add, int32 offsets; no host sync).

The router's per-expert token counts of each layer are recorded for every MoE configuration. For the dense
model at the --profile-batches, a torch.profiler kernel table (name, count, total device time per step,
category gemm / attention / elementwise+norm / fused-triton / copy+other) is recorded for eager and fused
(fused profiled without the graph; kernel times are the same, launch gaps are not). fused vs eager logits
are compared (relative difference) for every configuration.

usage: step_forms.py --out steps-eager-fused.json [--grid training|validation|fresh|smoke] [--parts dense,moe]
"""
import argparse
import math
import sys
import time
import traceback

import torch
import torch.nn.functional as F

import benchutil as bu
import llama_decode as ld

try:
    from torch.nn.attention import SDPBackend, sdpa_kernel
except Exception:
    SDPBackend = None
    sdpa_kernel = None

DT = torch.bfloat16
DEV = "cuda" if torch.cuda.is_available() else "cpu"

LLAMA = {"name": "llama-3.1-8b", "hidden": ld.HID, "layers": ld.LAYERS, "heads": ld.NH, "kvHeads": ld.NKV,
         "headDim": ld.HD, "intermediate": ld.INTER, "vocab": ld.VOCAB, "experts": 0, "topK": 0}
MIXTRAL = {"name": "mixtral-8x7b-4layers", "hidden": 4096, "layers": 4, "heads": 32, "kvHeads": 8, "headDim": 128,
           "intermediate": 14336, "vocab": 32000, "experts": 8, "topK": 2, "ropeTheta": 1e6,
           "note": "Mixtral-8x7B layer shapes, 4 of its 32 layers"}
SMOKE_DENSE = {"name": "smoke-dense", "hidden": 256, "layers": 2, "heads": 2, "kvHeads": 1, "headDim": 128,
               "intermediate": 512, "vocab": 1000, "experts": 0, "topK": 0}
SMOKE_MOE = {"name": "smoke-moe", "hidden": 256, "layers": 2, "heads": 2, "kvHeads": 1, "headDim": 128,
             "intermediate": 384, "vocab": 1000, "experts": 4, "topK": 2, "ropeTheta": 1e6}

GRIDS = {
    "training": {
        "dense": {"decode": [(b, c) for b in (1, 8, 32, 64, 128, 256) for c in (1024, 4096)],
                  "prefill": [(1, 512), (1, 2048), (1, 8192), (4, 2048)], "profile": [(128, 1024), (128, 4096), (256, 1024)]},
        "moe": {"decode": [(b, 2048) for b in (1, 8, 32, 128)], "prefill": [(1, 2048)], "profile": [(128, 2048)]},
    },
    "validation": {
        "dense": {"decode": [(b, c) for b in (4, 16, 48, 96, 192) for c in (2048, 6144)],
                  "prefill": [(1, 1024), (1, 4096), (2, 4096), (8, 1024)], "profile": []},
        "moe": {"decode": [(b, c) for b in (4, 16, 64, 192) for c in (1024, 4096)], "prefill": [(1, 4096), (2, 1024)],
                "profile": []},
    },
    # issue 15's second validation grid, measured after the freeze: batches and contexts off both earlier grids
    "fresh": {
        "dense": {"decode": [(b, c) for b in (2, 12, 40, 80, 160) for c in (3072, 7168)],
                  "prefill": [(1, 1536), (1, 6144), (3, 2048), (6, 768)], "profile": []},
        "moe": {"decode": [(b, c) for b in (2, 12, 48, 160) for c in (1536, 6144)], "prefill": [(1, 3072), (3, 1024)],
                "profile": []},
    },
    "smoke": {
        "dense": {"decode": [(1, 16), (2, 16), (4, 40)], "prefill": [(1, 32), (2, 16)], "profile": [(2, 16)]},
        "moe": {"decode": [(1, 16), (4, 16)], "prefill": [(1, 32)], "profile": []},
    },
}


def plain_inv_freq(theta, hd):
    return 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))


class Weights:
    """Same attribute layout as llama_decode.Model (emb, layers[{ln1,wqkv,wo,ln2,...}], norm, lm_head,
    inv_freq), for any config; MoE layers hold wr [E, hidden], w13 [E, 2*inter, hidden], w2 [E, hidden, inter]."""

    def __init__(self, c):
        g = torch.Generator(device=DEV)
        g.manual_seed(0)

        def w(*shape):
            return (torch.randn(*shape, device=DEV, dtype=torch.float32, generator=g) * 0.02).to(DT)

        H, NH, NKV, HD, I, V = c["hidden"], c["heads"], c["kvHeads"], c["headDim"], c["intermediate"], c["vocab"]
        self.emb = w(V, H)
        self.layers = []
        for _ in range(c["layers"]):
            L = {"ln1": torch.ones(H, device=DEV, dtype=DT), "wqkv": w((NH + 2 * NKV) * HD, H), "wo": w(H, NH * HD),
                 "ln2": torch.ones(H, device=DEV, dtype=DT)}
            if c["experts"]:
                E = c["experts"]
                L["wr"] = w(E, H)
                L["w13"] = w(E, 2 * I, H)
                L["w2"] = w(E, H, I)
            else:
                L["wgu"] = w(2 * I, H)
                L["wd"] = w(H, I)
            self.layers.append(L)
        self.norm = torch.ones(H, device=DEV, dtype=DT)
        self.lm_head = w(V, H)
        # Llama-3 scaled RoPE (llama_decode's, head_dim 128) unless the config names a plain theta
        self.inv_freq = plain_inv_freq(c["ropeTheta"], HD) if "ropeTheta" in c else ld.llama3_inv_freq()
        self.params = sum(t.numel() for t in [self.emb, self.norm, self.lm_head]) + sum(
            t.numel() for L in self.layers for t in L.values())


def moe_views(m):
    for L in m.layers:
        if "w13" in L:
            L["w13t"] = L["w13"].transpose(-2, -1)  # [E, hidden, 2*inter], column-major per expert
            L["w2t"] = L["w2"].transpose(-2, -1)    # [E, inter, hidden]


def rope_tables(m, positions, hd):
    ang = positions.to(torch.float64)[:, None] * m.inv_freq[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], dim=-1).to(device=DEV, dtype=DT)
    sin = torch.cat([ang.sin(), ang.sin()], dim=-1).to(device=DEV, dtype=DT)
    return cos.unsqueeze(1).contiguous(), sin.unsqueeze(1).contiguous()  # [T, 1, hd]


def make_fns(c):
    NH, NKV, HD, I, E, K = c["heads"], c["kvHeads"], c["headDim"], c["intermediate"], c["experts"], c["topK"]

    def rms(x, w):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + ld.EPS)).to(DT) * w

    def rope(x, cos, sin):
        x1, x2 = x[..., : HD // 2], x[..., HD // 2:]
        return x * cos + torch.cat([-x2, x1], dim=-1) * sin

    def pre(x, ln1, wqkv, cos, sin):
        h = rms(x, ln1)
        qkv = F.linear(h, wqkv)
        q = qkv[:, : NH * HD].view(-1, NH, HD)
        k = qkv[:, NH * HD: (NH + NKV) * HD].view(-1, NKV, HD)
        v = qkv[:, (NH + NKV) * HD:].view(-1, NKV, HD)
        return rope(q, cos, sin), rope(k, cos, sin), v

    def post(x, o, wo, ln2, wgu, wd):
        x = x + F.linear(o, wo)
        h = rms(x, ln2)
        g, u = F.linear(h, wgu).split(I, dim=-1)
        return x + F.linear(F.silu(g) * u, wd)

    def route(x, o, wo, ln2, wr):
        x = x + F.linear(o, wo)
        h = rms(x, ln2)
        probs = torch.softmax(F.linear(h, wr).float(), dim=-1)
        topw, topi = torch.topk(probs, K, dim=-1)
        topw = topw / topw.sum(-1, keepdim=True)
        return x, h, topw.to(DT), topi

    def experts_grouped(x, h, topw, topi, w13t, w2t):
        flat = topi.reshape(-1)
        order = torch.argsort(flat, stable=True)
        tok = torch.div(order, K, rounding_mode="floor")
        xs = h.index_select(0, tok)
        counts = torch.zeros(E, device=h.device, dtype=torch.int32).scatter_add_(
            0, flat, torch.ones_like(flat, dtype=torch.int32))
        offs = torch.cumsum(counts, 0, dtype=torch.int32)
        y = torch._grouped_mm(xs, w13t, offs=offs)
        g, u = y.split(I, dim=-1)
        y = torch._grouped_mm(F.silu(g) * u, w2t, offs=offs)
        y = y * topw.reshape(-1).index_select(0, order).unsqueeze(-1)
        return x + torch.zeros_like(x).index_add_(0, tok, y), counts

    def post_moe(x, o, wo, ln2, wr, w13t, w2t):
        x, h, topw, topi = route(x, o, wo, ln2, wr)
        return experts_grouped(x, h, topw, topi, w13t, w2t)

    def final(x, norm, lm_head):
        return F.linear(rms(x, norm), lm_head)

    def experts_loop(x, h, topw, topi, w13, w2):
        out = torch.zeros_like(h)
        for e in range(E):
            tok, slot = torch.where(topi == e)
            if tok.numel() == 0:
                continue
            g, u = F.linear(h[tok], w13[e]).split(I, dim=-1)
            y = F.linear(F.silu(g) * u, w2[e]) * topw[tok, slot].unsqueeze(-1)
            out.index_add_(0, tok, y)
        return x + out

    return {"pre": pre, "post": post, "route": route, "post_moe": post_moe, "final": final,
            "experts_loop": experts_loop, "rms": rms}


def compile_fns(fns, mode):
    out = dict(fns)
    for k in ("pre", "post", "post_moe", "final"):
        out[k] = torch.compile(fns[k], mode=mode)
    return out


def step(c, m, fns, kv, tokens, kind, B, n, cos, sin, moe_impl="grouped", rec=None):
    """kind 'decode': n = position (context); kind 'prefill': n = prompt length S."""
    NH, NKV, HD, HID = c["heads"], c["kvHeads"], c["headDim"], c["hidden"]
    x = m.emb[tokens.reshape(-1)]
    for li, L in enumerate(m.layers):
        q, k, v = fns["pre"](x, L["ln1"], L["wqkv"], cos, sin)
        kc, vc = kv[li, 0], kv[li, 1]
        if kind == "decode":
            kc[:, :, n] = k
            vc[:, :, n] = v
            o = F.scaled_dot_product_attention(q.unsqueeze(2), kc[:, :, : n + 1], vc[:, :, : n + 1], enable_gqa=True)
            o = o.reshape(B, NH * HD)
        else:
            kk = k.reshape(B, n, NKV, HD).transpose(1, 2)
            vv = v.reshape(B, n, NKV, HD).transpose(1, 2)
            kc[:, :, :n] = kk
            vc[:, :, :n] = vv
            o = F.scaled_dot_product_attention(q.reshape(B, n, NH, HD).transpose(1, 2), kk, vv, is_causal=True,
                                               enable_gqa=True)
            o = o.transpose(1, 2).reshape(B * n, NH * HD)
        if not c["experts"]:
            x = fns["post"](x, o, L["wo"], L["ln2"], L["wgu"], L["wd"])
        elif moe_impl == "loop":
            x, h, topw, topi = fns["route"](x, o, L["wo"], L["ln2"], L["wr"])
            x = fns["experts_loop"](x, h, topw, topi, L["w13"], L["w2"])
        else:
            x, counts = fns["post_moe"](x, o, L["wo"], L["ln2"], L["wr"], L["w13t"], L["w2t"])
            if rec is not None:
                rec.append(counts)
    if kind == "prefill":
        x = x.view(B, n, HID)[:, -1]
    return fns["final"](x, m.norm, m.lm_head)


CATS = [("attention", ("flash", "fmha", "attention", "cudnn", "sdpa", "softmax_rescale")),
        ("gemm", ("gemm", "nvjet", "cutlass", "xmma", "cublas", "sm90_", "sm80_", "splitk", "matmul", "wgmma",
                  "grouped")),
        ("fused-triton", ("triton_",)),
        ("copy+index", ("copy", "memcpy", "memset", "index", "gather", "scatter", "cat", "fill", "sort", "radix",
                        "cumsum", "scan", "topk", "where", "nonzero")),
        ("elementwise+norm", ("elementwise", "vectorized", "reduce", "unrolled", "pointwise", "norm", "mean",
                              "silu", "mul", "add", "pow", "rsqrt"))]


def category(name):
    n = name.lower()
    for cat, keys in CATS:
        if any(k in n for k in keys):
            return cat
    return "other"


def profile_kernels(fn, steps=3):
    from torch.profiler import ProfilerActivity, profile
    from torch.autograd import DeviceType

    fn(0)
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(steps):
            fn(0)
        torch.cuda.synchronize()
    agg = {}
    evs = prof.events()
    dev = [e for e in evs if getattr(e, "device_type", None) == DeviceType.CUDA]
    pairs = [(e.name, e.time_range.elapsed_us()) for e in dev]
    if not pairs:
        for e in evs:
            for k in getattr(e, "kernels", []) or []:
                pairs.append((k.name, getattr(k, "duration", 0.0)))
    for name, us in pairs:
        a = agg.setdefault(name, [0, 0.0])
        a[0] += 1
        a[1] += us
    total = sum(v[1] for v in agg.values())
    kernels = sorted(({"name": k[:300], "category": category(k), "countPerStep": v[0] / steps,
                       "secondsPerStep": v[1] * 1e-6 / steps} for k, v in agg.items()),
                     key=lambda r: -r["secondsPerStep"])
    cats = {}
    for r in kernels:
        cats[r["category"]] = cats.get(r["category"], 0.0) + r["secondsPerStep"]
    return {"steps": steps, "kernelSecondsPerStep": total * 1e-6 / steps, "kernelsPerStep": sum(v[0] for v in agg.values()) / steps,
            "byCategory": {k: {"secondsPerStep": v, "share": v / (total * 1e-6 / steps) if total else None}
                           for k, v in sorted(cats.items(), key=lambda kv: -kv[1])},
            "kernels": kernels[:60], "kernelsListed": min(60, len(kernels)), "distinctKernels": len(kernels)}


def run_model(c, grid, a, t0, deadline, doc, rows, skipped, profiles, save):
    torch.manual_seed(0)
    if c is LLAMA:
        m = ld.Model()  # llama_decode's model (its own seeding: torch.manual_seed(0) above)
    else:
        m = Weights(c)
    moe_views(m)
    if DEV == "cuda":
        torch.cuda.synchronize()
    NKV, HD, NL = c["kvHeads"], c["headDim"], c["layers"]
    weight_bytes = m.params * 2
    model_doc = dict(c)
    model_doc.update({"parameters": m.params, "weightBytes": weight_bytes, "weights": "random bf16 N(0, 0.02^2)"})
    doc.setdefault("models", []).append(model_doc)
    fns = make_fns(c)
    cfns = compile_fns(fns, a.compile_mode)
    fused_note = f"torch.compile(mode={a.compile_mode!r}) of pre, {'post_moe' if c['experts'] else 'post'}, final; " \
                 "attention eager (SDPA flash); whole step in one CUDA graph"
    gen = torch.Generator(device=DEV)
    gen.manual_seed(7)
    kv_per_token = NL * 2 * NKV * HD * 2
    confs = [("decode", b, n) for (b, n) in grid["decode"]] + [("prefill", b, n) for (b, n) in grid["prefill"]]
    by_batch = {}
    for kind, B, n in confs:
        by_batch.setdefault(B, []).append((kind, n))
    for B, items in by_batch.items():
        if DEV == "cuda":
            torch.cuda.empty_cache()
            free, _ = torch.cuda.mem_get_info()
        else:
            free = 8 << 30
        budget = free - a.margin_gb * (1 << 30)
        fit, cap = [], 0
        for kind, n in items:
            need_cap = n + 16
            if B * need_cap * kv_per_token <= budget:
                fit.append((kind, n))
                cap = max(cap, need_cap)
            else:
                skipped.append({"model": c["name"], "kind": kind, "batch": B, "n": n,
                                "reason": f"KV cache {B * need_cap * kv_per_token / 1e9:.1f} GB does not fit "
                                          f"(free {free / 1e9:.1f} GB)"})
                print(f"  {c['name']} {kind} B={B} n={n}: skipped (KV does not fit)", flush=True)
        if not fit:
            continue
        kv = torch.empty(NL, 2, B, NKV, cap, HD, device=DEV, dtype=DT)
        kv.uniform_(-1, 1)
        for kind, n in fit:
            if time.time() > deadline:
                skipped.append({"model": c["name"], "kind": kind, "batch": B, "n": n, "reason": "deadline"})
                continue
            T = B if kind == "decode" else B * n
            tokens = torch.randint(0, c["vocab"], (T,), device=DEV, generator=gen)
            pos = torch.full((T,), n, dtype=torch.int64) if kind == "decode" else torch.arange(n).repeat(B)
            cos, sin = rope_tables(m, pos, HD)
            row = {"model": c["name"], "kind": kind, "batch": B, "tokens": T, "dtype": "bf16",
                   ("context" if kind == "decode" else "promptLength"): n, "weightBytes": weight_bytes,
                   "kvCacheBytesRead": B * (n + 1) * kv_per_token if kind == "decode" else 0,
                   "kvCacheBytesWritten": T * kv_per_token, "attention": "torch SDPA, FLASH_ATTENTION pinned",
                   "forms": {}}
            forms = [("eager", fns, False, "grouped"), ("eagerGraph", fns, True, "grouped"),
                     ("fused", cfns, True, "grouped")]
            if c["experts"]:
                forms.insert(0, ("eagerLoop", fns, False, "loop"))
            logits = {}
            for fname, ff, graph, impl in forms:
                holder = {}

                def fn(i, ff=ff, impl=impl, holder=holder):
                    holder["y"] = step(c, m, ff, kv, tokens, kind, B, n, cos, sin, moe_impl=impl)

                try:
                    ctx = sdpa_kernel([SDPBackend.FLASH_ATTENTION]) if (SDPBackend is not None and DEV == "cuda") \
                        else _null()
                    with ctx:
                        tc = time.time()
                        fn(0)  # first call: compiles (fused) / builds handles
                        if DEV == "cuda":
                            torch.cuda.synchronize()
                        first = time.time() - tc
                        t = bu.time_op(fn, 1, a.samples, warmup=2, graph=graph, max_total_s=1.5)
                        if fname == "eager" and c["experts"]:
                            rec = []
                            step(c, m, fns, kv, tokens, kind, B, n, cos, sin, rec=rec)
                            row["expertTokenCounts"] = [r.tolist() for r in rec]
                            flat = [x for r in row["expertTokenCounts"] for x in r]
                            row["expertTokensMaxOverMean"] = max(flat) / (sum(flat) / len(flat)) if flat else None
                    logits[fname] = holder["y"].detach().clone()
                    row["forms"][fname] = {"seconds": t["median"], "p10": t["p10"], "p90": t["p90"],
                                           "samples": t["samples"], "cudaGraph": t["graph"],
                                           "repsPerSample": t["reps"], "firstCallSeconds": first,
                                           "logitsFinite": bool(torch.isfinite(logits[fname]).all().item())}
                    if fname == "fused":
                        row["forms"][fname]["what"] = fused_note
                except Exception as ex:
                    if DEV == "cuda":
                        torch.cuda.synchronize()
                    traceback.print_exc(limit=3)
                    row["forms"][fname] = {"error": bu.first_line(ex, 240)}
            base = logits.get("eager")
            if base is not None:
                row["logitsRelDiffVsEager"] = {k: bu.rel(v, base) for k, v in logits.items() if k != "eager"}
            fm = row["forms"]
            if "seconds" in fm.get("eager", {}) and "seconds" in fm.get("fused", {}):
                row["eagerOverFused"] = fm["eager"]["seconds"] / fm["fused"]["seconds"]
            if "seconds" in fm.get("eagerGraph", {}) and "seconds" in fm.get("fused", {}):
                row["eagerGraphOverFused"] = fm["eagerGraph"]["seconds"] / fm["fused"]["seconds"]
            rows.append(row)
            save()
            print(f"[{time.time() - t0:5.0f}s] {c['name']:22s} {kind:7s} B={B:3d} n={n:5d}: " + "  ".join(
                f"{k} {v['seconds'] * 1e3:8.3f} ms" if "seconds" in v else f"{k} FAILED" for k, v in fm.items())
                + f"  (first fused call {fm.get('fused', {}).get('firstCallSeconds', float('nan')):.1f} s)", flush=True)
            if (B, n) in grid["profile"] and kind == "decode" and DEV == "cuda" and time.time() < deadline:
                for fname, ff in (("eager", fns), ("fused", cfns)):
                    try:
                        with sdpa_kernel([SDPBackend.FLASH_ATTENTION]):
                            p = profile_kernels(lambda i, ff=ff: step(c, m, ff, kv, tokens, kind, B, n, cos, sin))
                        p.update({"model": c["name"], "kind": kind, "batch": B, "context": n, "form": fname,
                                  "note": "fused profiled without its CUDA graph" if fname == "fused" else
                                  "eager, no graph"})
                        profiles.append(p)
                        save()
                        print(f"    profile {fname}: " + ", ".join(
                            f"{k} {v['share'] * 100:.0f}%" for k, v in p["byCategory"].items()), flush=True)
                    except Exception as ex:
                        traceback.print_exc(limit=3)
                        profiles.append({"model": c["name"], "batch": B, "context": n, "form": fname,
                                         "error": bu.first_line(ex, 240)})
            del logits
        del kv
        if DEV == "cuda":
            torch.cuda.empty_cache()
    del m


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def raise_dynamo_limits():
    """Lets TorchInductor keep a compiled graph per shape of a grid (the default limit is 8)."""
    try:
        import torch._dynamo

        for k in ("cache_size_limit", "recompile_limit"):
            if hasattr(torch._dynamo.config, k):
                setattr(torch._dynamo.config, k, 64)
    except Exception:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--grid", default="training", choices=["training", "validation", "fresh", "smoke"])
    ap.add_argument("--parts", default="dense,moe")
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--compile-mode", default="default")
    ap.add_argument("--margin-gb", type=float, default=6.0)
    ap.add_argument("--deadline-s", type=float, default=200.0)
    a = ap.parse_args()
    t0 = time.time()
    raise_dynamo_limits()
    doc = bu.run_header("hwplan-step-forms", __file__)
    doc["grid"] = a.grid
    doc["method"] = bu.method_text({
        "forms": {"eager": "one kernel per op from Python, no CUDA graph",
                  "eagerGraph": "the eager kernels captured in one CUDA graph per step",
                  "fused": f"torch.compile(mode={a.compile_mode!r}) (TorchInductor) of the pieces between attention "
                           "calls (pre: rmsnorm+qkv+RoPE; post: o-proj+residual+rmsnorm+MLP or MoE block+residual; "
                           "final: rmsnorm+lm_head), attention eager SDPA flash, whole step in one CUDA graph",
                  "eagerLoop": "MoE only: per-expert torch.where loop (HF Mixtral style), no graph"},
        "graphPolicy": "eagerGraph and fused always captured (1 step per replay); eager and eagerLoop never",
        "warmup": "1 untimed first call (compilation; its wall time is firstCallSeconds) + 2 warm-up calls",
        "kvCache": "static bf16 [layers, 2, B, kvHeads, capacity, 128], uniform random; decode writes position "
                   "`context` and attends over context+1; prefill writes positions 0..S-1 and runs causal SDPA "
                   "on the fresh K/V",
        "moeDispatch": "argsort of top-k expert ids (stable), gather, torch._grouped_mm x2, weight, index_add_"})
    grids = GRIDS[a.grid]
    rows, skipped, profiles = [], [], []
    models = {"dense": LLAMA if a.grid != "smoke" else SMOKE_DENSE, "moe": MIXTRAL if a.grid != "smoke" else SMOKE_MOE}
    def save():
        bu.save(a.out, doc, rows=rows, skipped=skipped, profiles=profiles)

    parts = a.parts.split(",")
    for pi, part in enumerate(parts):
        # the dense part may use 70% of the time when the MoE part follows
        share = 0.7 if (part == "dense" and pi < len(parts) - 1) else 1.0
        deadline = t0 + share * a.deadline_s
        try:
            run_model(models[part], grids[part], a, t0, deadline, doc, rows, skipped, profiles, save)
        except Exception as ex:
            traceback.print_exc()
            skipped.append({"model": models[part]["name"], "reason": f"model failed: {bu.first_line(ex, 240)}"})
        bu.save(a.out, doc, rows=rows, skipped=skipped, profiles=profiles)
        if DEV == "cuda":
            torch.cuda.empty_cache()
    bu.save(a.out, doc, wall_since=t0, rows=rows, skipped=skipped, profiles=profiles)
    print(f"wrote {a.out}: {len(rows)} rows, {len(profiles)} profiles, {len(skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
