#!/usr/bin/env python3
"""Time causal prefill attention, forward and forward+backward, through torch SDPA (issue 15, training data).

Layout (batch, heads, seq, head_dim), bf16, is_causal=True. Backends are pinned one at a time with
torch.nn.attention.sdpa_kernel: FLASH_ATTENTION (PyTorch's FlashAttention-2 kernels) and
CUDNN_ATTENTION. GQA/MQA (kvHeads < heads) is passed as enable_gqa=True with K/V of kvHeads heads;
a backend that refuses that is retried on K/V expanded to `heads` heads (repeat_interleave before timing,
gradients taken w.r.t. the expanded tensors, so only the attention kernels are timed) and the row says
gqaMode "expanded". MLA prefill (DeepSeek-V3: 128 heads, q/k head dim 192, v head dim 128) is tried with
v at 128 first; a backend that refuses different q/k and v head dims is retried with v zero-padded to 192
(vHeadDimExecuted 192; FLOPs in the row still count v at 128).

Each row times forward (out = sdpa(q, k, v)) and forward+backward (out = sdpa(...);
autograd.grad(out, (q, k, v), dO)); backwardSeconds = forwardBackward - forward (medians).
FLOPs count the causal half exactly: forward B*H*S*(S+1)*(Dqk+Dv), backward B*H*S*(S+1)*(3*Dqk+2*Dv)
(QK^T recomputed, dP, dV, dQ, dK).

Correctness: every output and dq is checked finite; flash and cuDNN outputs (and dq) of the same inputs
are compared (crossBackendRelDiff), and where B*H*S^2 <= 2^28 the forward output is compared with the
math backend on fp32-upcast inputs (relErrVsMathFp32).

Grids: --grid training (the committed training set) and --grid validation (disjoint sequence lengths,
head configurations and batches, to be measured only after the model is frozen). --dry-run prints the
grid and a time estimate without a GPU; --smoke runs three tiny shapes (logic check, any device).

usage: prefill_attention.py --out prefill-attention.json [--grid training|validation|fresh|post2|post3|post4|post5] [--backends flash,cudnn]
                            [--deadline-s 170] [--samples 10]
"""
import argparse
import random
import sys
import time
import warnings

import torch
import torch.nn.functional as F

import benchutil as bu

try:
    from torch.nn.attention import SDPBackend, sdpa_kernel
except Exception:  # very old torch
    SDPBackend = None
    sdpa_kernel = None

# SDPA explains every refused backend in a UserWarning; refusals are recorded in the rows instead
warnings.filterwarnings("ignore", category=UserWarning)

DT = torch.bfloat16
DEV = "cuda" if torch.cuda.is_available() else "cpu"

# (heads, kvHeads, headDimQk, headDimV, family)
TRAIN_CONFIGS = [
    (8, 1, 128, 128), (8, 8, 128, 128), (32, 8, 128, 128), (32, 32, 128, 128), (64, 8, 128, 128),
    (128, 8, 128, 128), (128, 128, 128, 128),
    (8, 1, 64, 64), (32, 8, 64, 64), (32, 32, 64, 64), (128, 8, 64, 64),
]
TRAIN_SEQS = [512, 1024, 2048, 3072, 4096, 8192, 12288, 16384, 32768, 49152, 65536, 131072]
TRAIN_MLA_SEQS = [512, 1024, 2048, 4096, 8192, 16384, 32768]

VALID_CONFIGS = [
    (16, 16, 128, 128), (40, 8, 128, 128), (96, 8, 128, 128), (24, 8, 128, 128),
    (16, 4, 64, 64), (64, 8, 64, 64), (48, 48, 64, 64), (16, 2, 128, 128),
]
VALID_SEQS = [768, 1536, 2560, 6144, 10240, 24576, 98304]
VALID_MLA_SEQS = [1536, 6144, 24576]

# --grid fresh (issue 15, second validation, measured after the model frozen at the commit in the
# file's provenance): head configurations, sequence lengths and batches off both earlier grids
FRESH_CONFIGS = [
    (28, 4, 128, 128), (12, 12, 128, 128), (56, 8, 128, 128), (20, 4, 64, 64),
    (36, 6, 64, 64), (80, 8, 128, 128),
]
FRESH_SEQS = [640, 1280, 1792, 3584, 7168, 14336, 20480, 81920]
FRESH_MLA_SEQS = [1280, 3584, 14336]

# --grid post2 (issue 15, validation after freeze II at 7c6c441, measured 2026-12-06): head configurations,
# sequence lengths and batches in none of the training, validation and fresh grids (Qwen3-235B 64/4,
# Qwen3-30B-A3B 32/4, Gemma-3-27B 32/16, StarCoder 48/1 MQA, and head dim 64 at 16/8 and 20/20)
POST2_CONFIGS = [
    (64, 4, 128, 128), (32, 4, 128, 128), (32, 16, 128, 128), (48, 1, 128, 128),
    (16, 8, 64, 64), (20, 20, 64, 64),
]
POST2_SEQS = [896, 2304, 4608, 9216, 18432, 40960, 73728]
POST2_MLA_SEQS = [2304, 9216]

# --grid post3 (issue 15, validation after freeze III, measured 2026-12-06): head configurations,
# sequence lengths and batches in none of the earlier grids (24/8 and 56/8 GQA, 40/40 MHA, head dim 64
# at 12/4)
POST3_CONFIGS = [(24, 8, 128, 128), (56, 8, 128, 128), (40, 40, 128, 128), (12, 4, 64, 64)]
POST3_SEQS = [1152, 2688, 3840, 5632, 11264, 22528]
POST3_MLA_SEQS = [1920, 4864]

# --grid post4 (issue 15, validation of the H100's own prefill-attention fits, freeze VIII: the same model
# forms with constants fitted on the H100's training grid; declared 2026-12-07 before any measurement):
# head configurations, sequence lengths and batches in none of the earlier grids, from the repository's
# model configs: Falcon-7B's 71-head MQA at head dim 64, Qwen3-235B-A22B's 64/4 on two tensor-parallel
# ranks (32/2), gpt-oss's 64/8 at head dim 64 on two ranks (32/4), Llama-3.1-8B's 32/8 on two ranks (16/4)
POST4_CONFIGS = [(71, 1, 64, 64), (32, 2, 128, 128), (32, 4, 64, 64), (16, 4, 128, 128)]
POST4_SEQS = [1408, 2944, 4352, 6656, 13312, 26624]
POST4_MLA_SEQS = [2176, 5376]

# --grid post5 (issue 15, validation of freeze XIII: tiles at head dims above 128 run wideHeadFactor slower;
# declared 2026-12-07 14:40 UTC before any measurement): head configurations, sequence lengths and batches
# in none of the earlier grids, twice post4's MLA rows (freeze XIII moves the head dim 192 rows): 48/8 and
# 10/2 GQA at 128, 28/28 MHA at 64, 24/3 GQA at 64
POST5_CONFIGS = [(48, 8, 128, 128), (10, 2, 128, 128), (28, 28, 64, 64), (24, 3, 64, 64)]
POST5_SEQS = [1664, 3456, 5120, 7424, 15360, 30720]
POST5_MLA_SEQS = [1664, 3456, 7424, 12800]

FWD_FLOP_CAP = 1.2e13       # ~30 ms of flash forward: keeps forward+backward under ~100 ms
LONG_FLOP_CAP = 4.0e13      # S >= 65536 at 8 heads only (a few long-context points)


def fwd_flops(B, H, S, dqk, dv):
    return B * H * S * (S + 1) * (dqk + dv)


def bwd_flops(B, H, S, dqk, dv):
    return B * H * S * (S + 1) * (3 * dqk + 2 * dv)


def family(H, Hkv, dqk, dv):
    if dqk != dv:
        return "mla"
    if Hkv == H:
        return "mha"
    if Hkv == 1:
        return "mqa"
    return "gqa"


def admissible(B, H, S, dqk, dv):
    f = fwd_flops(B, H, S, dqk, dv)
    if f <= FWD_FLOP_CAP:
        return True
    return S >= 65536 and H <= 8 and B == 1 and f <= LONG_FLOP_CAP


def batches_for(S, choices):
    """B = 1 and the largest power of two with B*S <= 16384 (at most 16)."""
    big = 1
    while big * 2 <= 16 and big * 2 * S <= 16384:
        big *= 2
    return sorted(b for b in {1, big} if b in choices)


def held_out(shapes, configs, seqs, batches, skip, long_seq, long_heads, mla_seqs, mla_batches, mla_tokens):
    """Appends a held-out grid: every (config, S, B) not skipped that is admissible, or B = 1 at the
    long sequence for at most long_heads heads within LONG_FLOP_CAP; then MLA at mla_seqs x mla_batches
    (forward FLOPs <= 4.5e13 and B*S <= mla_tokens when given)."""
    for (H, Hkv, dqk, dv) in configs:
        for S in seqs:
            for B in batches:
                if skip(B, S):
                    continue
                if admissible(B, H, S, dqk, dv) or (S == long_seq and H <= long_heads and B == 1 and
                                                    fwd_flops(B, H, S, dqk, dv) <= LONG_FLOP_CAP):
                    shapes.append((B, H, Hkv, S, dqk, dv))
    for S in mla_seqs:
        for B in mla_batches:
            if fwd_flops(B, 128, S, 192, 128) <= 4.5e13 and (mla_tokens is None or B * S <= mla_tokens):
                shapes.append((B, 128, 128, S, 192, 128))


def grid(name):
    shapes = []
    if name == "training":
        for (H, Hkv, dqk, dv) in TRAIN_CONFIGS:
            for S in TRAIN_SEQS:
                for B in batches_for(S, {1, 2, 4, 8, 16}):
                    if admissible(B, H, S, dqk, dv):
                        shapes.append((B, H, Hkv, S, dqk, dv))
        for S in TRAIN_MLA_SEQS:
            for B in batches_for(S, {1, 2, 4, 8, 16}):
                if fwd_flops(B, 128, S, 192, 128) <= (4.5e13 if S == 32768 else FWD_FLOP_CAP):
                    shapes.append((B, 128, 128, S, 192, 128))
    elif name == "validation":
        held_out(shapes, VALID_CONFIGS, VALID_SEQS, (1, 3, 6, 12),
                 lambda B, S: B * S > 3 * 12288 or (B > 1 and S > 12288), 98304, 16,
                 VALID_MLA_SEQS, (1, 3), 24576)
    elif name == "fresh":
        held_out(shapes, FRESH_CONFIGS, FRESH_SEQS, (1, 5, 10),
                 lambda B, S: B > 1 and (B * S > 5 * 7168 or S > 14336), 81920, 20,
                 FRESH_MLA_SEQS, (1, 5), 20480)
    elif name == "post2":
        held_out(shapes, POST2_CONFIGS, POST2_SEQS, (1, 4, 7),
                 lambda B, S: B > 1 and (B * S > 7 * 4608 or S > 18432), 73728, 20,
                 POST2_MLA_SEQS, (1, 2), None)
    elif name == "post3":
        held_out(shapes, POST3_CONFIGS, POST3_SEQS, (1, 3, 6),
                 lambda B, S: B > 1 and (B * S > 6 * 3840 or S > 11264), 22528, 20,
                 POST3_MLA_SEQS, (1, 3), None)
    elif name == "post4":
        held_out(shapes, POST4_CONFIGS, POST4_SEQS, (1, 5, 9),
                 lambda B, S: B > 1 and (B * S > 9 * 2944 or S > 13312), 26624, 20,
                 POST4_MLA_SEQS, (1, 5), None)
    elif name == "post5":
        held_out(shapes, POST5_CONFIGS, POST5_SEQS, (1, 3, 5),
                 lambda B, S: B > 1 and (B * S > 5 * 3456 or S > 7424), 30720, 20,
                 POST5_MLA_SEQS, (1, 3), None)
    elif name == "smoke":
        shapes = [(2, 4, 2, 128, 64, 64), (1, 4, 4, 256, 128, 128), (1, 4, 4, 128, 192, 128)]
    else:
        raise SystemExit(f"unknown grid {name}")
    # fixed shuffle: if the deadline cuts the tail, the dropped shapes are spread over all families
    rng = random.Random(15)
    rng.shuffle(shapes)
    return shapes


def estimate_seconds(shapes, nback=2):
    """Rough wall time: flash ~350 TFLOP/s forward, ~250 backward, 8 calls per measurement, 0.3 s set-up."""
    tot = 0.0
    for (B, H, Hkv, S, dqk, dv) in shapes:
        tf = fwd_flops(B, H, S, dqk, dv) / 350e12 + 20e-6
        tb = bwd_flops(B, H, S, dqk, dv) / 250e12 + 40e-6
        per = max(8 * tf, 0.02) + max(8 * (tf + tb), 0.03)
        tot += nback * per + 0.3
    return tot


def backend_list(names):
    out = []
    for n in names:
        if SDPBackend is None:
            out.append((n, None))
        elif n == "flash":
            out.append((n, SDPBackend.FLASH_ATTENTION))
        elif n == "cudnn" and hasattr(SDPBackend, "CUDNN_ATTENTION"):
            out.append((n, SDPBackend.CUDNN_ATTENTION))
        elif n == "efficient":
            out.append((n, SDPBackend.EFFICIENT_ATTENTION))
        elif n == "math":
            out.append((n, SDPBackend.MATH))
        else:
            print(f"  backend {n} not available in this torch", flush=True)
    return out


def run_shape(shape, backends, l2, samples, max_total_s):
    B, H, Hkv, S, dqk, dv = shape
    G = H // Hkv
    per_set = 2 * (B * H * S * dqk + B * Hkv * S * (dqk + dv)) * 2  # inputs + grads, bf16
    nrot = bu.rotation_count(per_set, l2, max_rot=4)
    gen = torch.Generator(device=DEV)
    gen.manual_seed(1000 + B * 7 + S + H * 13 + Hkv * 17 + dqk)

    def rnd(*shp):
        return torch.randn(*shp, device=DEV, dtype=torch.float32, generator=gen).to(DT)

    qs = [rnd(B, H, S, dqk).requires_grad_() for _ in range(nrot)]
    ks = [rnd(B, Hkv, S, dqk).requires_grad_() for _ in range(nrot)]
    vs = [rnd(B, Hkv, S, dv).requires_grad_() for _ in range(nrot)]
    dos = [rnd(B, H, S, dv) for _ in range(nrot)]
    cache = {}

    def variant(gqa_mode, vpad):
        key = (gqa_mode, vpad)
        if key in cache:
            return cache[key]
        if gqa_mode == "expanded" or vpad:
            kk, vv, dd = [], [], []
            for i in range(nrot):
                k = ks[i].detach()
                v = vs[i].detach()
                d = dos[i]
                if vpad:
                    v = F.pad(v, (0, vpad - dv))
                    d = F.pad(d, (0, vpad - dv))
                if gqa_mode == "expanded":
                    k = k.repeat_interleave(G, dim=1)
                    v = v.repeat_interleave(G, dim=1)
                kk.append(k.contiguous().requires_grad_())
                vv.append(v.contiguous().requires_grad_())
                dd.append(d.contiguous())
            cache[key] = (kk, vv, dd)
        else:
            cache[key] = (ks, vs, dos)
        return cache[key]

    rows, fails = [], []
    outs = {}
    gqa_modes = ["native"] if G == 1 else ["enable_gqa", "expanded"]
    vpads = [0] if dqk == dv else [0, dqk]
    for name, be in backends:
        done = False
        errors = []
        for vpad in vpads:
            for gm in gqa_modes:
                kk, vv, dd = variant(gm, vpad)
                kw = {"is_causal": True}
                if gm == "enable_gqa":
                    kw["enable_gqa"] = True

                def fwd(i, kk=kk, vv=vv, kw=kw):
                    return F.scaled_dot_product_attention(qs[i], kk[i], vv[i], **kw)

                def fwdbwd(i, kk=kk, vv=vv, dd=dd, kw=kw):
                    o = F.scaled_dot_product_attention(qs[i], kk[i], vv[i], **kw)
                    return torch.autograd.grad(o, (qs[i], kk[i], vv[i]), dd[i])

                try:
                    ctx = sdpa_kernel([be]) if be is not None else _null()
                    with ctx:
                        o = fwd(0)
                        g = torch.autograd.grad(o, (qs[0], kk[0], vv[0]), dd[0])
                        if DEV == "cuda":
                            torch.cuda.synchronize()
                        finite = bool(torch.isfinite(o).all().item()) and bool(torch.isfinite(g[0]).all().item())
                        o_ref = o.detach()[..., :dv]
                        outs[name] = (o_ref, g[0].detach())
                        del o, g
                        tf = bu.time_op(fwd, nrot, samples, max_total_s=max_total_s)
                        tfb = bu.time_op(fwdbwd, nrot, samples, max_total_s=max_total_s)
                except Exception as ex:
                    if DEV == "cuda":
                        torch.cuda.synchronize()
                    errors.append(f"{gm}{'/vpad' + str(vpad) if vpad else ''}: {bu.first_line(ex)}")
                    continue
                ff, fb = fwd_flops(B, H, S, dqk, dv), bwd_flops(B, H, S, dqk, dv)
                tb = tfb["median"] - tf["median"]
                row = {"family": family(H, Hkv, dqk, dv), "backend": name, "dtype": "bf16", "causal": True,
                       "batch": B, "heads": H, "kvHeads": Hkv, "seqLen": S, "headDimQk": dqk, "headDimV": dv,
                       "vHeadDimExecuted": vpad or dv, "gqaMode": gm, "inputSets": nrot,
                       "forward": _t(tf), "forwardBackward": _t(tfb),
                       "forwardSeconds": tf["median"], "forwardBackwardSeconds": tfb["median"],
                       "backwardSeconds": tb, "flopsForward": ff, "flopsBackward": fb,
                       "forwardFlopsPerSecond": ff / tf["median"],
                       "backwardFlopsPerSecond": fb / tb if tb > 0 else None,
                       "outputsFinite": finite}
                rows.append(row)
                done = True
                break
            if done:
                break
        if not done:
            fails.append({"batch": B, "heads": H, "kvHeads": Hkv, "seqLen": S, "headDimQk": dqk, "headDimV": dv,
                          "backend": name, "errors": errors})
        elif errors:
            rows[-1]["refusedModes"] = errors
    # cross-backend and reference checks (same inputs, set 0)
    names = [n for n in outs]
    if len(names) >= 2:
        a, b = outs[names[0]], outs[names[1]]
        d = {"pair": f"{names[0]}-{names[1]}", "output": bu.rel(a[0], b[0]), "dq": bu.rel(a[1], b[1])}
        for r in rows:
            r["crossBackendRelDiff"] = d
    if B * H * S * S <= (1 << 28) and outs:
        try:
            q32 = qs[0].detach().double() if DEV == "cpu" else qs[0].detach().float()
            k32 = ks[0].detach().to(q32.dtype)
            v32 = vs[0].detach().to(q32.dtype)
            if G > 1:
                k32 = k32.repeat_interleave(G, dim=1)
                v32 = v32.repeat_interleave(G, dim=1)
            ctx = sdpa_kernel([SDPBackend.MATH]) if SDPBackend is not None else _null()
            with ctx:
                ref = F.scaled_dot_product_attention(q32, k32, v32, is_causal=True)
            for r in rows:
                r["relErrVsMathFp32"] = bu.rel(outs[r["backend"]][0], ref)
            del ref, q32, k32, v32
        except Exception as ex:
            for r in rows:
                r["relErrVsMathFp32"] = None
                r["referenceError"] = bu.first_line(ex)
    del qs, ks, vs, dos, cache, outs
    return rows, fails


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def _t(t):
    return {"median": t["median"], "p10": t["p10"], "p90": t["p90"], "samples": t["samples"],
            "repsPerSample": t["reps"], "cudaGraph": t["graph"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--grid", default="training", choices=["training", "validation", "fresh", "post2", "post3", "post4", "post5", "smoke"])
    ap.add_argument("--backends", default="flash,cudnn")
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--max-total-s", type=float, default=0.8, help="timed part of one measurement, at most")
    ap.add_argument("--deadline-s", type=float, default=170.0)
    ap.add_argument("--dry-run", action="store_true")
    a = ap.parse_args()
    t0 = time.time()
    shapes = grid(a.grid)
    fams = {}
    for s in shapes:
        f = family(s[1], s[2], s[4], s[5])
        fams[f] = fams.get(f, 0) + 1
    print(f"prefill attention: grid {a.grid}, {len(shapes)} shapes {fams}, "
          f"estimated {estimate_seconds(shapes, len(a.backends.split(','))):.0f} s", flush=True)
    if a.dry_run:
        for s in sorted(shapes, key=lambda s: (s[4], s[1], s[2], s[3], s[0])):
            print("  B=%2d H=%3d Hkv=%3d S=%6d Dqk=%3d Dv=%3d  fwd %.2e FLOP" % (s + (fwd_flops(s[0], s[1], s[3], s[4], s[5]),)))
        return 0
    torch.manual_seed(0)
    doc = bu.run_header("hwplan-prefill-attention", __file__)
    doc["grid"] = a.grid
    doc["method"] = bu.method_text({
        "op": "torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True[, enable_gqa=True])",
        "layout": "q [B,H,S,Dqk], k [B,Hkv,S,Dqk], v [B,Hkv,S,Dv], bf16, contiguous",
        "backendPinning": "torch.nn.attention.sdpa_kernel([backend]) per measurement",
        "gqa": "enable_gqa=True with Hkv heads; 'expanded' = K/V repeat_interleave'd to H heads before timing",
        "mla": "Dqk 192 / Dv 128 tried natively; 'vHeadDimExecuted' 192 = v (and dO) zero-padded to 192",
        "forwardBackward": "out = sdpa(...); torch.autograd.grad(out, (q, k, v), dO) with random dO; "
                           "backwardSeconds = median(forwardBackward) - median(forward)",
        "flops": "forward B*H*S*(S+1)*(Dqk+Dv), backward B*H*S*(S+1)*(3*Dqk+2*Dv) (exact causal half)",
        "l2Rotation": "up to 4 input sets when one set is smaller than 4x L2",
        "samples": f"up to {a.samples} per measurement, fewer (>= 5) when one call is long "
                   f"(timed part <= {a.max_total_s} s)"})
    l2 = doc["device"].get("l2Bytes", 50 << 20)
    backends = backend_list(a.backends.split(","))
    doc["backends"] = [n for n, _ in backends]
    rows, fails, dropped = [], [], []
    for idx, shape in enumerate(shapes):
        if time.time() - t0 > a.deadline_s:
            dropped.append(dict(zip(["batch", "heads", "kvHeads", "seqLen", "headDimQk", "headDimV"], shape)))
            continue
        ts = time.time()
        try:
            r, f = run_shape(shape, backends, l2, a.samples, a.max_total_s)
        except Exception as ex:  # OOM or anything else: keep going
            if DEV == "cuda":
                torch.cuda.synchronize()
            r, f = [], [{"batch": shape[0], "heads": shape[1], "kvHeads": shape[2], "seqLen": shape[3],
                         "headDimQk": shape[4], "headDimV": shape[5], "backend": "all", "errors": [bu.first_line(ex)]}]
        bu.empty_cache()
        rows += r
        fails += f
        desc = "  ".join(f"{x['backend']} f {x['forwardSeconds'] * 1e3:8.3f} b {x['backwardSeconds'] * 1e3:8.3f} ms "
                         f"({x['forwardFlopsPerSecond'] / 1e12:5.0f}/{(x['backwardFlopsPerSecond'] or 0) / 1e12:4.0f} TF"
                         f"{'' if x['gqaMode'] != 'expanded' else ' exp'}{' vpad' if x['vHeadDimExecuted'] != x['headDimV'] else ''})"
                         for x in r)
        err = "  ".join(f"{x['backend']} FAILED" for x in f)
        print(f"[{idx + 1:3d}/{len(shapes)} {time.time() - t0:5.0f}s] B={shape[0]:2d} H={shape[1]:3d} Hkv={shape[2]:3d} "
              f"S={shape[3]:6d} D={shape[4]}/{shape[5]}: {desc} {err} ({time.time() - ts:.1f}s)", flush=True)
        if (idx + 1) % 10 == 0:  # partial results survive a kill
            bu.save(a.out, doc, rows=rows, failures=fails, dropped=dropped)
    doc.update({"rows": rows, "failures": fails, "dropped": dropped, "partial": False,
                "shapesPlanned": len(shapes), "shapesMeasured": len({(r["batch"], r["heads"], r["kvHeads"], r["seqLen"],
                                                                      r["headDimQk"]) for r in rows}),
                "wallSeconds": time.time() - t0})
    bu.write_json(a.out, doc)
    print(f"wrote {a.out}: {len(rows)} rows, {len(fails)} failures, {len(dropped)} shapes dropped by the deadline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
