#!/usr/bin/env python3
"""Time cuBLAS batched GEMMs (torch.bmm) of the shapes hwplan's `Ops.batchedGemm` stands for (issue 15).

hwplan times every `Ops.batchedGemm` op (G independent GEMMs of one shape in one launch) with the
calibrated cuBLAS GEMM model (every group's tiles sharing the waves; since session 16 the output
written at the copy rate and the launch's fixed cost fitted on the train set), and the experts'
weight gradients (`Ops.balancedGroupedGemm`) with the grouped-GEMM model. Three op sets:
  attention  Megatron-LM's attention without FlashAttention (the training planner, Korthikanti et al.
             2022, Narayanan et al. 2021): Q K^T, P V and their backward GEMMs, G = sequences x heads,
             M and N the sequence, K the head dim (or the sequence);
  mla        MLA's absorbed projections at decode (DeepSeek-V2/V3): G = heads, M = decode sequences,
             q_nope x W_uk (K 128, N 512) and the latent output x W_uv (K 512, N 128);
  wgrad      the experts' weight gradients in training: G = experts, dW = dY^T X, M x N the expert's
             matrix, K the tokens an expert.
Each configuration is timed as torch.bmm(A, B) with A [G, M, K] and B [G, K, N] in the layout the op
has in the step (the transposed operand as a transposed view, as the frameworks pass it), bf16, in a
CUDA graph (R calls a replay, R t ~ 1 ms), with input sets rotated when they fit 4x in L2.

Sets (declared before any measurement; a validation row is never used to choose a model's form):
  train        shapes a model may be chosen or fitted on;
  validation   other sequence lengths, head dims, group counts and token counts, scored once after
               (seen since session 14: now fitting data like train);
  validation2  the validation of session 16's freeze (issue 15, branch bgemm7), declared before any
               measurement: shapes in neither set above, from the bundled model configs (Llama 3.1,
               Qwen2.5, Gemma 2, gpt-oss, DeepSeek-V2-Lite/V3, Qwen3 MoE, Mixtral);
  validation3  the validation of freeze IX's batched-GEMM model (issue 15, branch mla9: MLA's absorbed
               projections at small M), declared before any measurement: 8 MLA configurations (16 rows)
               and 3 attention configurations (12 rows) in no set above, from the bundled DeepSeek-V2,
               V2-Lite and V3 configs (MLA) and Llama 3.1-70B, Qwen2.5-72B and Gemma 2 (attention).

usage: batched_gemm.py --out batched-gemm.json [--set train|validation|validation2|validation3|both|smoke]
       [--deadline-s 60]
"""
import argparse
import sys
import time

import torch

import benchutil as bu

DT = torch.bfloat16
DEV = "cuda" if torch.cuda.is_available() else "cpu"


def attention(s, d, g):
    """Megatron attention GEMMs of one (sequence length, head dim, sequences x heads)."""
    return [("attention.qk", g, s, s, d, "nt"),     # Q [g,s,d] x K^T
            ("attention.pv", g, s, d, s, "nn"),     # P [g,s,s] x V [g,s,d]
            ("attention.dv", g, s, d, s, "tn"),     # P^T x dO
            ("attention.dq", g, s, d, s, "nn")]     # dS x K


def mla(heads, decodes):
    return [("attn.absorb_uk", heads, decodes, 512, 128, "nn"),
            ("attn.absorb_uv", heads, decodes, 128, 512, "nn")]


def wgrad(experts, n, k, tokens):
    # dW [n, k] = dY^T [n, T] x X [T, k]
    return [("expert.wgrad", experts, n, k, tokens, "tn")]


SETS = {
    "train": (attention(1024, 64, 64) + attention(2048, 128, 32) + attention(2048, 128, 96)
              + attention(4096, 128, 16) + attention(2048, 64, 128)
              + mla(128, 1) + mla(128, 8) + mla(128, 32) + mla(16, 64) + mla(16, 256)
              + wgrad(8, 14336, 4096, 512) + wgrad(8, 4096, 14336, 2048) + wgrad(32, 2048, 7168, 256)
              + wgrad(64, 1408, 2048, 1024)),
    "validation": (attention(1536, 128, 48) + attention(3072, 128, 24) + attention(2048, 96, 64)
                   + attention(512, 64, 256) + attention(8192, 128, 8)
                   + mla(128, 4) + mla(128, 16) + mla(64, 48) + mla(32, 128) + mla(16, 512)
                   + wgrad(16, 6144, 5120, 384) + wgrad(8, 6144, 16384, 1024) + wgrad(128, 768, 2048, 128)
                   + wgrad(24, 3072, 5120, 768)),
    # G = micro-batch x heads on a GPU (Megatron attention without FlashAttention), heads / TP for MLA,
    # local experts under EP for the weight gradients; each from a bundled config (simulator's models/).
    "validation2": (attention(4096, 128, 32)      # Llama-3.1-8B: 32 heads, d 128, micro-batch 1
                    + attention(1024, 128, 112)   # Qwen2.5-7B: 28 heads, micro-batch 4
                    + attention(2048, 64, 64)     # gpt-oss-20b: 64 heads of d 64
                    + attention(8192, 128, 16)    # Llama-3.1-405B: 128 heads over TP 8
                    + attention(2048, 256, 16)    # Gemma-2-9B: 16 heads of d 256
                    + mla(128, 2) + mla(128, 64)  # DeepSeek-V3 at TP 1
                    + mla(64, 8)                  # DeepSeek-V3 at TP 2
                    + mla(32, 32)                 # DeepSeek-V3 at TP 4
                    + mla(16, 128)                # DeepSeek-V2-Lite (16 heads) / V3 at TP 8
                    + wgrad(32, 2048, 768, 512)   # Qwen3-30B-A3B down proj., 128 experts over EP 4
                    + wgrad(16, 7168, 2048, 1024)  # DeepSeek-V3 down proj., 256 experts over EP 16
                    + wgrad(8, 14336, 4096, 1024)  # Mixtral-8x7B gate/up at 1024 tokens an expert
                    + wgrad(16, 1536, 4096, 256)   # Qwen3-235B-A22B gate/up, 128 experts over EP 8
                    + wgrad(32, 2880, 2880, 384)),  # gpt-oss-120b, 128 experts over EP 4
    # MLA: heads / TP of DeepSeek-V2 and V3 (128 heads) and V2-Lite (16), decode rows 1 to 512;
    # attention as in validation2 (G = micro-batch x heads on a GPU).
    "validation3": (attention(4096, 128, 8)     # Llama-3.1-70B: 64 heads over TP 8, micro-batch 1
                    + attention(2048, 128, 16)  # Qwen2.5-72B: 64 heads over TP 4, micro-batch 1
                    + attention(1024, 256, 32)  # Gemma-2-9B: 16 heads of d 256, micro-batch 2
                    + mla(128, 256)             # DeepSeek-V3 at TP 1, 256 decode sequences
                    + mla(64, 1)                # DeepSeek-V3 at TP 2, one sequence
                    + mla(64, 128)              # DeepSeek-V2 at TP 2
                    + mla(32, 4)                # DeepSeek-V3 at TP 4
                    + mla(32, 512)              # DeepSeek-V2 at TP 4, 512 decode sequences
                    + mla(16, 2)                # DeepSeek-V2-Lite (16 heads) / V3 at TP 8
                    + mla(16, 16)               # DeepSeek-V2-Lite
                    + mla(8, 64)),              # DeepSeek-V2-Lite at TP 2 / V3 at TP 16
    "smoke": attention(64, 16, 4) + mla(4, 2) + wgrad(2, 32, 16, 8),
}


def operands(g, m, n, k, layout, nrot):
    """nrot input sets of A (m x k) and B (k x n) per group, in the layout's storage."""
    sets = []
    for _ in range(nrot):
        a = (torch.empty(g, k, m, device=DEV, dtype=DT).uniform_(-1, 1).transpose(1, 2)
             if layout[0] == "t" else torch.empty(g, m, k, device=DEV, dtype=DT).uniform_(-1, 1))
        b = (torch.empty(g, n, k, device=DEV, dtype=DT).uniform_(-1, 1).transpose(1, 2)
             if layout[1] == "t" else torch.empty(g, k, n, device=DEV, dtype=DT).uniform_(-1, 1))
        sets.append((a, b))
    return sets


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--set", default="both", choices=["train", "validation", "validation2", "validation3", "both",
                                                            "smoke"])
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--deadline-s", type=float, default=60.0)
    a = ap.parse_args()
    t0 = time.time()
    names = ["train", "validation"] if a.set == "both" else [a.set]
    doc = bu.run_header("hwplan-batched-gemm", __file__)
    doc["sets"] = names
    doc["method"] = bu.method_text({
        "op": "torch.bmm(A [G,M,K], B [G,K,N]) bf16; layout 'nt' = B a transposed view of [G,N,K], "
              "'tn' = A a transposed view of [G,K,M]",
        "graph": "always captured (R calls per replay, R*t ~ 1 ms, R <= 64)",
        "l2Rotation": "disjoint input sets when the inputs of one call are under 4x L2",
        "bytes": "G (M K + K N + M N) x 2 read and written once"})
    l2 = doc["device"].get("l2Bytes", 50 << 20)
    rows, fails, dropped = [], [], []
    torch.manual_seed(0)
    for s in names:
        for (op, g, m, n, k, layout) in SETS[s]:
            cfg = {"set": s, "op": op, "groups": g, "m": m, "n": n, "k": k, "layout": layout, "dtype": "bf16"}
            if time.time() - t0 > a.deadline_s:
                dropped.append(cfg)
                continue
            inbytes = 2 * g * (m * k + k * n)
            nrot = bu.rotation_count(inbytes, l2, max_rot=8)
            try:
                ops = operands(g, m, n, k, layout, nrot)
                t = bu.time_op(lambda i: torch.bmm(ops[i][0], ops[i][1]), nrot, a.samples, graph=True,
                               max_total_s=0.4)
                flops = 2.0 * g * m * n * k
                byts = inbytes + 2 * g * m * n
                row = dict(cfg, flops=flops, bytes=byts, inputSets=nrot, seconds=t["median"], p10=t["p10"],
                           p90=t["p90"], samples=t["samples"], repsPerSample=t["reps"],
                           flopsPerSecond=flops / t["median"], bytesPerSecond=byts / t["median"])
                rows.append(row)
                print(f"[{time.time() - t0:5.0f}s] {s:10s} {op:16s} G={g:4d} M={m:5d} N={n:5d} K={k:5d} {layout}: "
                      f"{t['median'] * 1e6:9.1f} us  {flops / t['median'] / 1e12:6.1f} TF  "
                      f"{byts / t['median'] / 1e12:5.2f} TB/s", flush=True)
                del ops
            except Exception as ex:
                if DEV == "cuda":
                    torch.cuda.synchronize()
                fails.append(dict(cfg, error=bu.first_line(ex)))
            bu.empty_cache()
        bu.save(a.out, doc, rows=rows, failures=fails, dropped=dropped)
    return bu.finish(a.out, doc, t0, rows, fails, dropped)


if __name__ == "__main__":
    sys.exit(main())
