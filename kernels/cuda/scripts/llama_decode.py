#!/usr/bin/env python3
"""Time one Llama-3.1-8B decode step in plain PyTorch with random bf16 weights.

Architecture (as published for Llama-3.1-8B): hidden 4096, 32 layers, 32 query heads, 8 KV heads,
head_dim 128, MLP intermediate 14336 (SwiGLU), vocab 128256, RMSNorm eps 1e-5, RoPE theta 500000
with the Llama-3 frequency scaling, untied lm_head. Weights are random (no download; timing only).
QKV and gate/up projections are fused into one matrix each (as serving engines do).

A static KV cache [layers, 2, B, 8, capacity, 128] is pre-filled with random values; one step
embeds one new token per sequence, writes its K/V at position `context`, attends over
context + 1 positions with torch SDPA (enable_gqa=True, backend fixed by a probe and recorded),
and produces logits for the whole vocabulary. The step is captured in a CUDA graph and replayed.

usage: llama_decode.py --out llama31-8b-decode-step.json [--batches 1,8,16,32,64] [--contexts 1024,2048,4096,8192]
"""
import argparse
import json
import math
import sys

import torch
import torch.nn.functional as F

import benchutil as bu

try:
    from torch.nn.attention import SDPBackend, sdpa_kernel
except Exception:
    SDPBackend = None
    sdpa_kernel = None

HID, LAYERS, NH, NKV, HD, INTER, VOCAB = 4096, 32, 32, 8, 128, 14336, 128256
EPS, THETA = 1e-5, 500000.0
DT = torch.bfloat16


def llama3_inv_freq():
    inv = 1.0 / (THETA ** (torch.arange(0, HD, 2, dtype=torch.float64) / HD))
    factor, low, high, orig = 8.0, 1.0, 4.0, 8192
    low_wl, high_wl = orig / low, orig / high
    out = []
    for f in inv.tolist():
        wl = 2 * math.pi / f
        if wl < high_wl:
            out.append(f)
        elif wl > low_wl:
            out.append(f / factor)
        else:
            s = (orig / wl - low) / (high - low)
            out.append((1 - s) * f / factor + s * f)
    return torch.tensor(out, dtype=torch.float64)


class Model:
    def __init__(self):
        def w(*shape):
            return torch.randn(*shape, device="cuda", dtype=DT) * 0.02

        self.emb = w(VOCAB, HID)
        self.layers = []
        for _ in range(LAYERS):
            self.layers.append({
                "ln1": torch.ones(HID, device="cuda", dtype=DT),
                "wqkv": w((NH + 2 * NKV) * HD, HID),
                "wo": w(HID, NH * HD),
                "ln2": torch.ones(HID, device="cuda", dtype=DT),
                "wgu": w(2 * INTER, HID),
                "wd": w(HID, INTER),
            })
        self.norm = torch.ones(HID, device="cuda", dtype=DT)
        self.lm_head = w(VOCAB, HID)
        self.inv_freq = llama3_inv_freq()
        self.params = sum(t.numel() for t in [self.emb, self.norm, self.lm_head]) + sum(
            t.numel() for L in self.layers for t in L.values())

    def rope_tables(self, pos):
        ang = pos * self.inv_freq
        cos = torch.cat([ang.cos(), ang.cos()]).to(device="cuda", dtype=DT)
        sin = torch.cat([ang.sin(), ang.sin()]).to(device="cuda", dtype=DT)
        return cos, sin


def rms(x, w):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + EPS)).to(DT) * w


def rope(x, cos, sin):
    x1, x2 = x[..., : HD // 2], x[..., HD // 2:]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin


def decode_step(m, kv, tokens, pos, cos, sin):
    B = tokens.shape[0]
    x = m.emb[tokens]
    for li, L in enumerate(m.layers):
        h = rms(x, L["ln1"])
        qkv = F.linear(h, L["wqkv"])
        q = qkv[:, : NH * HD].view(B, NH, HD)
        k = qkv[:, NH * HD: (NH + NKV) * HD].view(B, NKV, HD)
        v = qkv[:, (NH + NKV) * HD:].view(B, NKV, HD)
        q = rope(q, cos, sin)
        k = rope(k, cos, sin)
        kc, vc = kv[li, 0], kv[li, 1]  # [B, NKV, cap, HD]
        kc[:, :, pos] = k
        vc[:, :, pos] = v
        o = F.scaled_dot_product_attention(q.unsqueeze(2), kc[:, :, : pos + 1], vc[:, :, : pos + 1], enable_gqa=True)
        x = x + F.linear(o.reshape(B, NH * HD), L["wo"])
        h = rms(x, L["ln2"])
        g, u = F.linear(h, L["wgu"]).split(INTER, dim=-1)
        x = x + F.linear(F.silu(g) * u, L["wd"])
    return F.linear(rms(x, m.norm), m.lm_head)


def probe_backend():
    if SDPBackend is None:
        return None, "default"
    base = torch.randn(2, NKV, 300, HD, device="cuda", dtype=DT)
    q = torch.randn(2, NH, 1, HD, device="cuda", dtype=DT)
    order = [("flash", SDPBackend.FLASH_ATTENTION), ("efficient", SDPBackend.EFFICIENT_ATTENTION)]
    if hasattr(SDPBackend, "CUDNN_ATTENTION"):
        order.append(("cudnn", SDPBackend.CUDNN_ATTENTION))
    order.append(("math", SDPBackend.MATH))
    for name, be in order:
        try:
            with sdpa_kernel([be]):
                F.scaled_dot_product_attention(q, base[:, :, :257], base[:, :, :257], enable_gqa=True)
            torch.cuda.synchronize()
            return be, name
        except Exception:
            torch.cuda.synchronize()
    return None, "default"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--batches", default="1,8,16,32,64")
    ap.add_argument("--contexts", default="1024,2048,4096,8192")
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--margin-gb", type=float, default=4.0)
    a = ap.parse_args()
    batches = [int(x) for x in a.batches.split(",")]
    contexts = sorted(int(x) for x in a.contexts.split(","))

    torch.manual_seed(0)
    doc = bu.header("hwplan-llama-decode-step")
    doc["device"] = bu.device_info(0)
    be, be_name = probe_backend()
    m = Model()
    torch.cuda.synchronize()
    doc["model"] = {"name": "llama-3.1-8b", "hidden": HID, "layers": LAYERS, "heads": NH, "kvHeads": NKV,
                    "headDim": HD, "intermediate": INTER, "vocab": VOCAB, "ropeTheta": THETA,
                    "ropeScaling": "llama3 (factor 8, low 1, high 4, original 8192)", "tiedEmbeddings": False,
                    "parameters": m.params, "weightBytes": m.params * 2, "weights": "random bf16 (N(0, 0.02^2))",
                    "fusedProjections": "qkv and gate_up fused"}
    attention = f"torch SDPA (enable_gqa=True, backend {be_name}) over a static bf16 KV cache sliced to context+1"
    doc["method"] = {"timer": "cudaEvent", "cudaGraphs": True, "statistic": "median", "samples": a.samples,
                     "step": "embed 1 token/sequence, 32 layers, final norm, lm_head logits for the full vocab "
                             "(no sampling); K/V of the new token written at position `context`",
                     "kvCacheInit": "uniform random", "attention": attention}
    rows, skipped = [], []
    kv_per_token = LAYERS * 2 * NKV * HD * 2  # bytes per token per sequence
    for B in batches:
        torch.cuda.empty_cache()
        free, _ = torch.cuda.mem_get_info()
        budget = free - a.margin_gb * (1 << 30)
        fit = [c for c in contexts if B * (c + 16) * kv_per_token <= budget]
        for c in contexts:
            if c not in fit:
                skipped.append({"model": "llama-3.1-8b", "batch": B, "context": c,
                                "kvCacheBytes": B * (c + 1) * kv_per_token,
                                "reason": f"KV cache does not fit next to the weights (free {free / 1e9:.1f} GB)"})
                print(f"  llama B={B:2d} ctx={c:5d}: skipped (KV {B * (c + 1) * kv_per_token / 1e9:.1f} GB)", flush=True)
        if not fit:
            continue
        cap = max(fit) + 16
        kv = torch.empty(LAYERS, 2, B, NKV, cap, HD, device="cuda", dtype=DT)
        kv.uniform_(-1, 1)
        tokens = torch.randint(0, VOCAB, (B,), device="cuda")
        for c in fit:
            cos, sin = m.rope_tables(c)
            out_holder = {}

            def fn(i, c=c, cos=cos, sin=sin):
                out_holder["logits"] = decode_step(m, kv, tokens, c, cos, sin)

            try:
                if be is not None:
                    with sdpa_kernel([be]):
                        t = bu.time_graph(fn, 1, a.samples, target_s=1e-3, max_r=8)
                else:
                    t = bu.time_graph(fn, 1, a.samples, target_s=1e-3, max_r=8)
            except Exception as ex:
                torch.cuda.synchronize()
                skipped.append({"model": "llama-3.1-8b", "batch": B, "context": c,
                                "reason": f"failed: {type(ex).__name__}: {str(ex)[:200]}"})
                print(f"  llama B={B:2d} ctx={c:5d}: FAILED {ex}", flush=True)
                continue
            finite = bool(torch.isfinite(out_holder["logits"]).all().item())
            weight_b = m.params * 2
            kv_b = B * (c + 1) * kv_per_token
            rows.append({"model": "llama-3.1-8b", "dtype": "bf16", "batch": B, "context": c,
                         "seconds": t["median"], "samples": t["samples"], "cudaGraphs": t["graph"],
                         "repsPerSample": t["reps"], "attention": attention,
                         "weightBytes": weight_b, "kvCacheBytesRead": kv_b,
                         "bytesPerSecondLowerBound": (weight_b + kv_b) / t["median"], "logitsFinite": finite})
            print(f"  llama B={B:2d} ctx={c:5d}: {t['median'] * 1e3:8.3f} ms  "
                  f"({(weight_b + kv_b) / t['median'] / 1e12:.2f} TB/s weights+KV) graph={t['graph']}", flush=True)
            del out_holder
        del kv
        torch.cuda.empty_cache()
    doc["decodeStep"] = rows
    doc["skipped"] = skipped
    with open(a.out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    sys.exit(main())
