#!/usr/bin/env python3
"""Training steps of Llama-shaped decoder layers in plain PyTorch: forward, backward and AdamW step timed
separately, with and without full activation recompute, with peak memory (issue 17, training data).

Model: N (default 4) Llama decoder layers (RMSNorm, fused qkv, RoPE, causal SDPA pinned to FLASH_ATTENTION
with enable_gqa=True, o-proj, RMSNorm, fused gate_up, SiLU*up, down, residual adds), random weights N(0, 0.02^2),
random input hidden states [micro-batch, seq, hidden]. Loss: mean of the squared fp32 output (layers-only
configs), or, with vocab > 0, an embedding in front and final RMSNorm + untied lm_head + fp32 cross-entropy
over random labels behind (logits upcast to fp32 as Hugging Face does).
  hidden 4096, 32 heads, 8 kv heads, head_dim 128, ffn 14336  (Llama-3.1-8B layers)
  hidden 2048, 32 heads, 8 kv heads, head_dim 64,  ffn 8192   (Llama-3.2-1B layers)
Precision:
  amp   fp32 parameters, gradients and AdamW state; forward under torch.autocast(bfloat16) (PyTorch AMP,
        16 bytes/parameter of weights+grads+Adam); no GradScaler (bf16).
  bf16  parameters, gradients and AdamW state in bf16, no autocast.
Recompute: none, or full = torch.utils.checkpoint.checkpoint(layer, ..., use_reentrant=False) per layer.
Optimizer: torch.optim.AdamW(lr 1e-4, weight_decay 0.1) with PyTorch's default implementation for CUDA
tensors (recorded), then zero_grad(set_to_none=True) inside the optimizer phase.

Per configuration: 1 warm-up step (creates the optimizer state), then --steps timed steps. Each phase is
bracketed by CUDA events; the peak of each phase is torch.cuda.max_memory_allocated after
torch.cuda.reset_peak_memory_stats at the phase start. Recorded: memory after model creation (parameters),
after the first step (parameters + optimizer state), at the end of the forward (+ saved activations), the
peak of each phase and of the step, and max_memory_reserved.

usage: train_step.py --out train-steps.json [--grid training|validation|smoke] [--deadline-s 100] [--steps 3]
"""
import argparse
import gc
import sys
import time
import traceback

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint as ckpt

import benchutil as bu

try:
    from torch.nn.attention import SDPBackend, sdpa_kernel
except Exception:
    SDPBackend = None
    sdpa_kernel = None

DEV = "cuda" if torch.cuda.is_available() else "cpu"
EPS = 1e-5

L8B = {"name": "llama3.1-8b-layers", "hidden": 4096, "heads": 32, "kvHeads": 8, "headDim": 128, "ffn": 14336}
L1B = {"name": "llama3.2-1b-layers", "hidden": 2048, "heads": 32, "kvHeads": 8, "headDim": 64, "ffn": 8192}
SMOKE = {"name": "smoke", "hidden": 256, "heads": 4, "kvHeads": 2, "headDim": 64, "ffn": 512}


def grid(name, layers):
    out = []
    if name == "training":
        for m in (L8B, L1B):
            for seq in (2048, 8192):
                for mb in (1, 2, 4):
                    for rc in ("none", "full"):
                        for prec in ("amp", "bf16"):
                            out.append((m, layers, seq, mb, rc, prec, 0))
        for mb in (1, 2):
            for rc in ("none", "full"):
                out.append((L1B, layers, 8192, mb, rc, "amp", 128256))
    elif name == "validation":
        for m in (L8B, L1B):
            for seq in (4096,):
                for mb in (1, 3):
                    for rc in ("none", "full"):
                        for prec in ("amp", "bf16"):
                            out.append((m, layers + 2, seq, mb, rc, prec, 0))
        out.append((L8B, layers, 16384, 1, "full", "amp", 0))
        out.append((L1B, layers, 4096, 2, "none", "amp", 128256))
    elif name == "smoke":
        for rc in ("none", "full"):
            for prec in ("amp", "bf16"):
                out.append((SMOKE, 2, 64, 2, rc, prec, 0))
        out.append((SMOKE, 2, 64, 1, "none", "amp", 1000))
    else:
        raise SystemExit(f"unknown grid {name}")
    return out


def rope_tables(seq, hd, theta=500000.0):
    inv = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    ang = torch.arange(seq, dtype=torch.float64)[:, None] * inv[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], -1).to(DEV, torch.bfloat16)
    sin = torch.cat([ang.sin(), ang.sin()], -1).to(DEV, torch.bfloat16)
    return cos, sin


def rms(x, w):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + EPS)).to(x.dtype) * w


def rope(x, cos, sin):
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin


class Layer(nn.Module):
    def __init__(self, c, dtype):
        super().__init__()
        H, NH, NKV, HD, I = c["hidden"], c["heads"], c["kvHeads"], c["headDim"], c["ffn"]
        self.c = c

        def w(*shape):
            return nn.Parameter(torch.randn(*shape, device=DEV, dtype=dtype) * 0.02)

        self.ln1 = nn.Parameter(torch.ones(H, device=DEV, dtype=dtype))
        self.wqkv = w((NH + 2 * NKV) * HD, H)
        self.wo = w(H, NH * HD)
        self.ln2 = nn.Parameter(torch.ones(H, device=DEV, dtype=dtype))
        self.wgu = w(2 * I, H)
        self.wd = w(H, I)

    def forward(self, x, cos, sin):
        c = self.c
        NH, NKV, HD, I = c["heads"], c["kvHeads"], c["headDim"], c["ffn"]
        B, S, _ = x.shape
        h = rms(x, self.ln1)
        qkv = F.linear(h, self.wqkv)
        q = qkv[..., : NH * HD].view(B, S, NH, HD).transpose(1, 2)
        k = qkv[..., NH * HD: (NH + NKV) * HD].view(B, S, NKV, HD).transpose(1, 2)
        v = qkv[..., (NH + NKV) * HD:].view(B, S, NKV, HD).transpose(1, 2)
        q = rope(q, cos, sin)
        k = rope(k, cos, sin)
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=NKV < NH)
        x = x + F.linear(o.transpose(1, 2).reshape(B, S, NH * HD), self.wo)
        h = rms(x, self.ln2)
        g, u = F.linear(h, self.wgu).split(I, dim=-1)
        return x + F.linear(F.silu(g) * u, self.wd)


class Model(nn.Module):
    def __init__(self, c, layers, dtype, vocab):
        super().__init__()
        self.layers = nn.ModuleList([Layer(c, dtype) for _ in range(layers)])
        self.vocab = vocab
        if vocab:
            H = c["hidden"]
            self.emb = nn.Parameter(torch.randn(vocab, H, device=DEV, dtype=dtype) * 0.02)
            self.norm = nn.Parameter(torch.ones(H, device=DEV, dtype=dtype))
            self.lm_head = nn.Parameter(torch.randn(vocab, H, device=DEV, dtype=dtype) * 0.02)

    def forward(self, inp, cos, sin, recompute, labels=None):
        x = self.emb[inp] if self.vocab else inp
        for L in self.layers:
            if recompute == "full":
                x = ckpt.checkpoint(L, x, cos, sin, use_reentrant=False)
            else:
                x = L(x, cos, sin)
        if self.vocab:
            logits = F.linear(rms(x, self.norm), self.lm_head).float()
            return F.cross_entropy(logits.view(-1, self.vocab), labels.view(-1))
        return x.float().pow(2).mean()


def model_flops(c, layers, seq, mb, vocab):
    """Model FLOPs of one training step (forward + backward, no recompute): 6 * matmul params * tokens plus
    the causal attention (forward S(S+1)*2*hd per head and sequence, backward 2.5x)."""
    H, NH, NKV, HD, I = c["hidden"], c["heads"], c["kvHeads"], c["headDim"], c["ffn"]
    per_layer = H * (NH + 2 * NKV) * HD + NH * HD * H + 3 * H * I
    tokens = seq * mb
    dense = 6 * (per_layer * layers + (vocab * H if vocab else 0)) * tokens
    att_f = mb * NH * seq * (seq + 1) * 2 * HD * layers
    return dense + 3.5 * att_f, dense, att_f


def mem():
    return torch.cuda.memory_allocated() if DEV == "cuda" else 0


def peak():
    return torch.cuda.max_memory_allocated() if DEV == "cuda" else 0


def reset_peak():
    if DEV == "cuda":
        torch.cuda.reset_peak_memory_stats()


class _Ev:
    """CUDA event, or a host clock on CPU (logic checks only)."""

    def __init__(self):
        self.e = torch.cuda.Event(enable_timing=True) if DEV == "cuda" else None
        self.t = 0.0

    def record(self):
        if self.e is not None:
            self.e.record()
        else:
            self.t = time.perf_counter()

    def seconds_to(self, other):
        if self.e is not None:
            return self.e.elapsed_time(other.e) * 1e-3
        return other.t - self.t


def run_config(cfg, steps):
    c, layers, seq, mb, rc, prec, vocab = cfg
    dtype = torch.float32 if prec == "amp" else torch.bfloat16
    gc.collect()
    if DEV == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.synchronize()
    base = mem()
    reset_peak()
    torch.manual_seed(0)
    model = Model(c, layers, dtype, vocab)
    nparams = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1)
    if DEV == "cuda":
        torch.cuda.synchronize()
    mem_model = mem() - base
    cos, sin = rope_tables(seq, c["headDim"])
    g = torch.Generator(device=DEV)
    g.manual_seed(1)
    if vocab:
        inp = torch.randint(0, vocab, (mb, seq), device=DEV, generator=g)
        labels = torch.randint(0, vocab, (mb, seq), device=DEV, generator=g)
    else:
        inp = (torch.randn(mb, seq, c["hidden"], device=DEV, generator=g)).to(dtype)
        labels = None
    data_bytes = mem() - base - mem_model

    def fwd():
        if prec == "amp":
            with torch.autocast(device_type=DEV, dtype=torch.bfloat16):
                return model(inp, cos, sin, rc, labels)
        return model(inp, cos, sin, rc, labels)

    recs = []
    mem_after_first = None
    for s in range(1 + steps):
        ev = [_Ev() for _ in range(4)]
        reset_peak()
        ev[0].record()
        loss = fwd()
        ev[1].record()
        pk_f, after_f = peak() - base, mem() - base
        reset_peak()
        loss.backward()
        ev[2].record()
        pk_b = peak() - base
        reset_peak()
        opt.step()
        opt.zero_grad(set_to_none=True)
        ev[3].record()
        pk_o = peak() - base
        if DEV == "cuda":
            torch.cuda.synchronize()
        lv = float(loss.item())
        del loss
        if s == 0:
            mem_after_first = mem() - base
            continue
        recs.append({"forward": ev[0].seconds_to(ev[1]), "backward": ev[1].seconds_to(ev[2]),
                     "optimizer": ev[2].seconds_to(ev[3]), "peakForward": pk_f, "peakBackward": pk_b,
                     "peakOptimizer": pk_o, "allocatedAfterForward": after_f, "loss": lv})
    fu, fe = opt.defaults.get("fused"), opt.defaults.get("foreach")
    impl = "fused" if fu else ("foreach" if fe else ("for-loop" if fe is False else
                                                      "default (foreach=None, fused=None: PyTorch picks foreach for CUDA tensors)"))
    reserved = torch.cuda.max_memory_reserved() if DEV == "cuda" else 0
    del model, opt, inp, labels, cos, sin
    gc.collect()
    fl, fl_dense, fl_att = model_flops(c, layers, seq, mb, vocab)

    def st(key):
        xs = [r[key] for r in recs]
        d = bu.stats(xs)
        d["samples"] = xs
        return d

    f, b, o = st("forward"), st("backward"), st("optimizer")
    tot = [r["forward"] + r["backward"] + r["optimizer"] for r in recs]
    row = {"model": c["name"], "hidden": c["hidden"], "heads": c["heads"], "kvHeads": c["kvHeads"],
           "headDim": c["headDim"], "ffn": c["ffn"], "layers": layers, "vocab": vocab, "seqLen": seq,
           "microBatch": mb, "tokens": seq * mb, "recompute": rc, "precision": prec, "parameters": nparams,
           "forward": f, "backward": b, "optimizer": o, "step": bu.stats(tot),
           "forwardSeconds": f["median"], "backwardSeconds": b["median"], "optimizerSeconds": o["median"],
           "stepSeconds": bu.median(tot),
           "modelFlopsPerStep": fl, "modelFlopsDense": fl_dense, "attentionForwardFlops": fl_att,
           "modelFlopsPerSecond": fl / bu.median(tot),
           "memory": {"baselineBytes": base, "afterModelBytes": mem_model, "inputBytes": data_bytes,
                      "afterFirstStepBytes": mem_after_first,
                      "allocatedAfterForwardBytes": max(r["allocatedAfterForward"] for r in recs),
                      "peakForwardBytes": max(r["peakForward"] for r in recs),
                      "peakBackwardBytes": max(r["peakBackward"] for r in recs),
                      "peakOptimizerBytes": max(r["peakOptimizer"] for r in recs),
                      "peakStepBytes": max(max(r["peakForward"], r["peakBackward"], r["peakOptimizer"]) for r in recs),
                      "maxReservedBytes": reserved,
                      "note": "bytes above the allocation before the model was built; peaks via "
                              "reset_peak_memory_stats at each phase start"},
           "optimizerImpl": impl, "lossFinite": all(r["loss"] == r["loss"] and abs(r["loss"]) < float("inf") for r in recs)}
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--grid", default="training", choices=["training", "validation", "smoke"])
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--deadline-s", type=float, default=100.0)
    a = ap.parse_args()
    t0 = time.time()
    cfgs = grid(a.grid, a.layers)
    print(f"train steps: grid {a.grid}, {len(cfgs)} configurations", flush=True)
    doc = bu.run_header("hwplan-train-step", __file__)
    doc["grid"] = a.grid
    doc["method"] = bu.method_text({
        "warmup": "1 untimed training step per configuration (creates the AdamW state)",
        "statistic": f"median, p10, p90 over {a.steps} timed steps per phase (raw samples kept)",
        "graphs": "none (phases are milliseconds to seconds long)",
        "phases": "forward (incl. loss), backward (loss.backward()), optimizer (AdamW.step + zero_grad(set_to_none))",
        "attention": "SDPA pinned to FLASH_ATTENTION, is_causal=True, enable_gqa=True",
        "precision": {"amp": "fp32 params/grads/AdamW state, torch.autocast(bfloat16) forward, no GradScaler",
                      "bf16": "bf16 params/grads/AdamW state, no autocast"},
        "recompute": {"none": "all activations saved",
                      "full": "torch.utils.checkpoint.checkpoint(layer, use_reentrant=False) per layer"},
        "memory": "torch.cuda.memory_allocated / max_memory_allocated with reset_peak_memory_stats per phase"})
    rows, fails, dropped = [], [], []
    for i, cfg in enumerate(cfgs):
        c, layers, seq, mb, rc, prec, vocab = cfg
        key = {"model": c["name"], "layers": layers, "seqLen": seq, "microBatch": mb, "recompute": rc,
               "precision": prec, "vocab": vocab}
        if time.time() - t0 > a.deadline_s:
            dropped.append(key)
            continue
        ts = time.time()
        try:
            ctx = sdpa_kernel([SDPBackend.FLASH_ATTENTION]) if (SDPBackend is not None and DEV == "cuda") else _null()
            with ctx:
                r = run_config(cfg, a.steps)
            rows.append(r)
            m = r["memory"]
            print(f"[{i + 1:2d}/{len(cfgs)} {time.time() - t0:5.0f}s] {c['name']:20s} L={layers} S={seq:5d} mb={mb} "
                  f"rc={rc:4s} {prec:4s} V={vocab:6d}: fwd {r['forwardSeconds'] * 1e3:8.2f} bwd "
                  f"{r['backwardSeconds'] * 1e3:8.2f} opt {r['optimizerSeconds'] * 1e3:7.2f} ms  "
                  f"{r['modelFlopsPerSecond'] / 1e12:5.0f} TF/s  model {m['afterModelBytes'] / 2**30:6.2f} GiB  "
                  f"+opt {m['afterFirstStepBytes'] / 2**30:6.2f}  peak {m['peakStepBytes'] / 2**30:6.2f} GiB "
                  f"({time.time() - ts:.1f}s)", flush=True)
        except Exception as ex:
            traceback.print_exc(limit=3)
            key["error"] = bu.first_line(ex)
            fails.append(key)
            gc.collect()
            if DEV == "cuda":
                torch.cuda.synchronize()
                torch.cuda.empty_cache()
        bu.save(a.out, doc, rows=rows, failures=fails, dropped=dropped)
    return bu.finish(a.out, doc, t0, rows, fails, dropped)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


if __name__ == "__main__":
    sys.exit(main())
