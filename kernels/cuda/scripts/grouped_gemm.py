#!/usr/bin/env python3
"""Time MoE expert GEMMs: torch._grouped_mm versus the per-expert loop (issue 15, training data).

For E experts with weights W[e] of shape [N, K] (nn.Linear layout, bf16) and T tokens per expert
(balanced: every expert gets exactly T rows), the tokens are one bf16 matrix X [E*T, K] sorted by expert.
  grouped: torch._grouped_mm(X, W.transpose(-2, -1), offs=cumsum([T]*E) as int32) -> [E*T, N]
           (one launch; W.transpose gives each expert's K x N operand column-major, as engines store it)
  loop:    for e in range(E): F.linear(X[e*T:(e+1)*T], W[e])   (what plain implementations do)
grouped and loop are both captured in a CUDA graph (R calls per replay, R*t ~ 1 ms), so the loop's launch
gaps are the GPU-side gaps only; loopNoGraph times the same loop launched from Python each call (one cuBLAS
launch per expert from the host, as an eager implementation without graphs runs it). Weight sets rotate when E*N*K*2 bytes < 4x L2. Reported: seconds,
FLOP/s (2*E*T*N*K), and the expert-weight streaming rate E*N*K*2 / seconds. A device-to-device copy of
2 GiB is timed once as the bandwidth reference (bytes read + written). The grouped output is checked
against the loop (relative error) at every (shape, E) for T in {1, 16, 256}.

Grids: --grid training (experts 8/32/128/256, tokens per expert 1..1024, Mixtral, DeepSeek-V3 and
Qwen3-30B-A3B expert matrices, at most --max-weight-gb of weights) and --grid validation (other expert
counts, token counts and matrix sizes; measure only after the model is frozen).

usage: grouped_gemm.py --out grouped-gemm.json [--grid training|validation|fresh|post2|post3|post4|post5|post6|post7|post8|post9|post10|train2|post11] [--deadline-s 80]
"""
import argparse
import sys
import time

import torch
import torch.nn.functional as F

import benchutil as bu

DT = torch.bfloat16
DEV = "cuda" if torch.cuda.is_available() else "cpu"

TRAIN_MATS = [("mixtral-8x7b w1/w3", 14336, 4096), ("mixtral-8x7b w2", 4096, 14336),
              ("deepseek-v3 gate/up", 2048, 7168), ("deepseek-v3 down", 7168, 2048),
              ("qwen3-30b-a3b gate/up", 768, 2048), ("qwen3-30b-a3b down", 2048, 768)]
TRAIN_EXPERTS = [8, 32, 128, 256]
TRAIN_TOKENS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024]

VALID_MATS = [("gpt-oss-120b-like 2880x2880", 2880, 2880), ("qwen3-235b-a22b gate/up", 1536, 4096),
              ("qwen3-235b-a22b down", 4096, 1536), ("mixtral-8x22b w1/w3", 16384, 6144)]
VALID_EXPERTS = [16, 64, 160]
VALID_TOKENS = [3, 6, 12, 24, 48, 96, 192, 512]

# --grid fresh (issue 15, second validation, after the freeze): matrices, expert counts and tokens per
# expert off both earlier grids
FRESH_MATS = [("glm-4.5-air-like gate/up", 2816, 4096), ("glm-4.5-air-like down", 4096, 1408),
              ("phi-3.5-moe w1/w3", 6400, 4096), ("mixtral-8x22b w2", 6144, 16384)]
FRESH_EXPERTS = [12, 40, 96]
FRESH_TOKENS = [5, 10, 20, 40, 80, 160, 320, 768]

# --grid post2 (issue 15, validation after freeze II at 7c6c441, measured 2026-12-06): matrices, expert
# counts and tokens per expert in none of the training, validation and fresh grids
POST2_MATS = [("gpt-oss-20b-like gate/up", 5760, 2880), ("qwen2-57b-a14b gate/up", 5120, 3584),
              ("qwen2-57b-a14b down", 3584, 2560), ("dbrx w2", 6144, 10752)]
POST2_EXPERTS = [20, 48, 72]
POST2_TOKENS = [7, 14, 28, 56, 112, 224, 448]

# --grid post3 (issue 15, validation after freeze III, measured 2026-12-06): matrices, expert counts and
# tokens per expert in none of the earlier grids (Phi-3.5-MoE, OLMoE-1B-7B, DeepSeek-V2-Lite)
POST3_MATS = [("phi-3.5-moe w1/w3", 6400, 4096), ("phi-3.5-moe w2", 4096, 6400),
              ("olmoe-1b-7b gate/up", 1024, 2048), ("deepseek-v2-lite down", 2048, 1408)]
POST3_EXPERTS = [12, 40, 96]
POST3_TOKENS = [1, 5, 10, 20, 40, 80, 160, 320]

# --grid post4 (issue 15, validation after freeze IV, the per-SM streaming rate): matrices, expert counts
# and tokens per expert in none of the earlier grids (DeepSeek-V2, Granite-3.0-3B-A800M, Qwen1.5-MoE-A2.7B)
POST4_MATS = [("deepseek-v2 gate/up", 3072, 5120), ("deepseek-v2 down", 5120, 1536),
              ("granite-3.0-3b-a800m gate/up", 1024, 1536), ("qwen1.5-moe-a2.7b gate/up", 2816, 2048)]
POST4_EXPERTS = [24, 60, 144]
POST4_TOKENS = [9, 18, 36, 72, 144, 288, 576]

# --grid post5 (issue 15, validation of freeze IV on shapes it never saw, declared 2026-12-06 before any
# measurement): matrices, expert counts and tokens per expert in none of the earlier grids
POST5_MATS = [("llama-4-scout gate/up", 16384, 5120), ("llama-4-scout down", 5120, 8192),
              ("arctic w1/w3", 4864, 7168), ("ernie-4.5-21b-a3b-like gate/up", 3072, 2560)]
POST5_EXPERTS = [6, 28, 112]
POST5_TOKENS = [11, 22, 44, 88, 176, 352, 704]

# --grid post6 (issue 15, validation of freeze VI: row tiles issued in clusters of two, a knee at the read
# bandwidth; declared 2026-12-07 before any measurement): matrices (n, k), expert counts and tokens per
# expert in none of the earlier grids. Qwen3-235B-A22B's fused gate/up (2 x 1536 by 4096), Qwen3-Coder-
# 480B-A35B's down (6144 by 2560), Qwen3-Next-80B-A3B's down (2048 by 512), GLM-4.5's gate/up (1536 by
# 5120). Tokens: 104 (two 64-row tiles), 208 (two 128-row tiles), 300 and 832 (three and seven 128-row
# tiles: an odd count, issued as four and eight).
POST6_MATS = [("qwen3-235b-a22b gate+up fused", 3072, 4096), ("qwen3-coder-480b-a35b down", 6144, 2560),
              ("qwen3-next-80b-a3b down", 2048, 512), ("glm-4.5 gate/up", 1536, 5120)]
POST6_EXPERTS = [10, 36, 192]
POST6_TOKENS = [13, 26, 52, 104, 208, 300, 832]

# --grid post7 (issue 15, validation of freeze VII: the per-expert loop timed by each expert's own CTAs,
# split-K with its reduction where k >= n; declared 2026-12-07 before any measurement; it also scores the
# grouped GEMM): matrices (n, k), expert counts and tokens per expert in none of the earlier grids, from
# the repository's model configs (simulator/src/main/resources/models). DeepSeek-V2-Lite's gate/up (1408
# by 2048) and its two shared experts' down (2048 by 2 x 1408 = 2816: a down projection with k > n),
# DeepSeek-V3's fused gate+up (2 x 2048 by 7168), Mixtral-8x7B's fused w1+w3 (2 x 14336 by 4096: more
# 128-column tiles than SMs) and Qwen3-30B-A3B's fused gate+up (2 x 768 by 2048).
POST7_MATS = [("deepseek-v2-lite gate/up", 1408, 2048), ("deepseek-v2-lite shared down", 2048, 2816),
              ("deepseek-v3 gate+up fused", 4096, 7168), ("mixtral-8x7b w1+w3 fused", 28672, 4096),
              ("qwen3-30b-a3b gate+up fused", 1536, 2048)]
POST7_EXPERTS = [4, 18, 84]
POST7_TOKENS = [15, 30, 60, 120, 240, 400, 960]

# --grid post8 (issue 15, validation of the H100's own grouped-GEMM and per-expert-loop fits, freeze VIII:
# the same model forms with constants fitted on the H100's training grid; declared 2026-12-07 before any
# measurement): matrices (n, k), expert counts and tokens per expert in none of the earlier grids, from
# the repository's model configs (simulator/src/main/resources/models). DeepSeek-V2's two shared experts'
# down (5120 by 2 x 1536 = 3072), DeepSeek-V2-Lite's two shared experts' fused gate+up (2 x 2 x 1408 =
# 5632 by 2048), and two-way tensor-parallel shards: Mixtral-8x7B's w1/w3 (7168 by 4096), Qwen3-235B-
# A22B's down (4096 by 768) and gpt-oss's down (2880 by 1440). (Mixtral's w2 shard, 4096 by 7168, the one
# config-derived shape with k > n left, is in post7 already as DeepSeek-V3's fused gate+up.)
POST8_MATS = [("deepseek-v2 shared down", 5120, 3072), ("deepseek-v2-lite shared gate+up fused", 5632, 2048),
              ("mixtral-8x7b w1/w3 tp2", 7168, 4096), ("qwen3-235b-a22b down tp2", 4096, 768),
              ("gpt-oss down tp2", 2880, 1440)]
POST8_EXPERTS = [14, 44, 120]
POST8_TOKENS = [17, 34, 68, 136, 272, 480, 640]


# --grid post9 (issue 15, validation of freeze X: the cooperative kernel's epilogue a tile; declared
# 2026-12-07 07:00 UTC before any measurement): matrices (n, k), expert counts and tokens per expert in
# none of the earlier grids, two-way tensor-parallel shards from the repository's model configs
# (simulator/src/main/resources/models): DeepSeek-V3's down (7168 by 1024) and gate/up (1024 by 7168),
# DeepSeek-V2's down (5120 by 768) and gate/up (768 by 5120), DeepSeek-V2-Lite's down (2048 by 704):
# short reductions over many output tiles and long reductions over few, at 152 to 720 tokens an expert
# the large-tile kernel.
POST9_MATS = [("deepseek-v3 down tp2", 7168, 1024), ("deepseek-v3 gate/up tp2", 1024, 7168),
              ("deepseek-v2 down tp2", 5120, 768), ("deepseek-v2 gate/up tp2", 768, 5120),
              ("deepseek-v2-lite down tp2", 2048, 704)]
POST9_EXPERTS = [5, 22, 100]
POST9_TOKENS = [19, 38, 76, 152, 304, 420, 720]


# --grid post10 (issue 15, validation of freeze XVI: the grouped-GEMM and per-expert-loop prediction
# intervals from leave-matrices-out residuals of the training rows; declared 2026-12-07 16:00 UTC before
# the freeze and before any measurement): matrices (n, k), expert counts and tokens per expert in none of
# the earlier grids, from published configs: MiniMax-Text-01's w1 (9216 by 6144) and w2 (6144 by 9216),
# DBRX's w1 (10752 by 6144), Hunyuan-A13B's down (4096 by 3072), GLM-4.5-Air's gate/up (1408 by 4096) and
# Qwen3-Next-80B-A3B's gate/up (512 by 2048).
POST10_MATS = [("minimax-text-01 w1", 9216, 6144), ("minimax-text-01 w2", 6144, 9216),
               ("dbrx w1", 10752, 6144), ("hunyuan-a13b down", 4096, 3072),
               ("glm-4.5-air gate/up", 1408, 4096), ("qwen3-next-80b-a3b gate/up", 512, 2048)]
POST10_EXPERTS = [3, 26, 90]
POST10_TOKENS = [21, 42, 84, 168, 336, 500, 896]

# --grid train2 (issue 15, more training rows, declared 2026-12-07 16:35 UTC): the training grid's six
# matrices and expert counts at tokens per expert the training grid skips, between 128 and 1024 (the
# seen grids' residuals step from about -4 % below 256 tokens to +5 % above it, where the training grid
# has no row). Training data for a later refit, never a validation.
TRAIN2_TOKENS = [160, 192, 384, 512, 640, 768]

# --grid post11 (issue 15, validation of freeze XVII: the H100's interval set takes post9 and post10 too;
# declared 2026-12-07 16:50 UTC before the freeze and before any measurement): matrices (n, k), expert
# counts and tokens per expert in none of the earlier grids, from published configs: Jamba-1.5-Large's w1
# (24576 by 8192), Snowflake Arctic's w2 (7168 by 4864), Hunyuan-Large's gate/up (18304 by 6400),
# OLMoE-1B-7B's down (2048 by 1024), ERNIE-4.5-300B-A47B's down (8192 by 3584) and Granite-3.0-1B-A400M's
# gate/up (512 by 1024).
POST11_MATS = [("jamba-1.5-large w1", 24576, 8192), ("arctic w2", 7168, 4864),
               ("hunyuan-large gate/up", 18304, 6400), ("olmoe-1b-7b down", 2048, 1024),
               ("ernie-4.5-300b-a47b down", 8192, 3584), ("granite-3.0-1b-a400m gate/up", 512, 1024)]
POST11_EXPERTS = [7, 50, 136]
POST11_TOKENS = [25, 50, 100, 200, 280, 450, 800]

def grid(name, max_weight_bytes):
    if name == "training":
        mats, exps, toks = TRAIN_MATS, TRAIN_EXPERTS, TRAIN_TOKENS
    elif name == "validation":
        mats, exps, toks = VALID_MATS, VALID_EXPERTS, VALID_TOKENS
    elif name == "fresh":
        mats, exps, toks = FRESH_MATS, FRESH_EXPERTS, FRESH_TOKENS
    elif name == "post2":
        mats, exps, toks = POST2_MATS, POST2_EXPERTS, POST2_TOKENS
    elif name == "post3":
        mats, exps, toks = POST3_MATS, POST3_EXPERTS, POST3_TOKENS
    elif name == "post4":
        mats, exps, toks = POST4_MATS, POST4_EXPERTS, POST4_TOKENS
    elif name == "post5":
        mats, exps, toks = POST5_MATS, POST5_EXPERTS, POST5_TOKENS
    elif name == "post6":
        mats, exps, toks = POST6_MATS, POST6_EXPERTS, POST6_TOKENS
    elif name == "post7":
        mats, exps, toks = POST7_MATS, POST7_EXPERTS, POST7_TOKENS
    elif name == "post8":
        mats, exps, toks = POST8_MATS, POST8_EXPERTS, POST8_TOKENS
    elif name == "post9":
        mats, exps, toks = POST9_MATS, POST9_EXPERTS, POST9_TOKENS
    elif name == "post10":
        mats, exps, toks = POST10_MATS, POST10_EXPERTS, POST10_TOKENS
    elif name == "post11":
        mats, exps, toks = POST11_MATS, POST11_EXPERTS, POST11_TOKENS
    elif name == "train2":
        mats, exps, toks = TRAIN_MATS, TRAIN_EXPERTS, TRAIN2_TOKENS
    elif name == "smoke":
        mats, exps, toks = [("smoke", 256, 128)], [2, 4], [1, 16]
    else:
        raise SystemExit(f"unknown grid {name}")
    out = []
    for (label, N, K) in mats:
        es = [E for E in exps if E * N * K * 2 <= max_weight_bytes]
        out.append((label, N, K, es, toks))
    return out


def copy_bandwidth():
    if DEV != "cuda":
        return None
    n = 1 << 30  # 1 Gi bf16 elements = 2 GiB
    a = torch.empty(n, device=DEV, dtype=DT).uniform_(-1, 1)
    b = torch.empty_like(a)
    t = bu.time_op(lambda i: b.copy_(a), samples=10, graph=False)
    del a, b
    torch.cuda.empty_cache()
    return {"bytesCounted": 2 * 2 * n, "seconds": t["median"], "p10": t["p10"], "p90": t["p90"],
            "samples": t["samples"], "bytesPerSecond": 4 * n / t["median"],
            "what": "torch copy_ of 2 GiB bf16 device to device, bytes read + written"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--grid", default="training", choices=["training", "validation", "fresh", "post2", "post3", "post4", "post5", "post6", "post7", "post8", "post9", "post10", "train2", "post11", "smoke"])
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--max-weight-gb", type=float, default=16.0)
    ap.add_argument("--deadline-s", type=float, default=80.0)
    a = ap.parse_args()
    t0 = time.time()
    plan = grid(a.grid, a.max_weight_gb * 1e9)
    n_cfg = sum(len(es) * len(ts) for (_, _, _, es, ts) in plan)
    print(f"grouped gemm: grid {a.grid}, {n_cfg} configurations x (grouped, loop, loopNoGraph)", flush=True)
    torch.manual_seed(0)
    doc = bu.run_header("hwplan-grouped-gemm", __file__)
    doc["grid"] = a.grid
    has_gmm = hasattr(torch, "_grouped_mm")
    doc["groupedMmAvailable"] = has_gmm
    doc["method"] = bu.method_text({
        "grouped": "torch._grouped_mm(X[E*T,K], W[E,N,K].transpose(-2,-1), offs=int32 cumsum of T per expert)",
        "loop": "for e in range(E): F.linear(X[e*T:(e+1)*T], W[e]) (cuBLAS per expert), captured in a CUDA graph",
        "loopNoGraph": "the same loop launched from Python every call, no graph (host launch rate included)",
        "graphPolicy": "grouped and loop always captured (R calls per replay, R from the eager estimate, "
                       "R*t ~ 1 ms, R <= 64); loopNoGraph never",
        "routing": "balanced: every expert receives exactly T tokens; X rows are already grouped by expert "
                   "(no permute/unpermute timed)",
        "weightStreaming": "weightBytesPerSecond = E*N*K*2 / seconds (weights read once per call)",
        "l2Rotation": "disjoint weight sets when E*N*K*2 < 4x L2",
        "maxWeightBytes": a.max_weight_gb * 1e9})
    doc["copyBandwidth"] = copy_bandwidth()
    if doc["copyBandwidth"]:
        print(f"  copy: {doc['copyBandwidth']['bytesPerSecond'] / 1e12:.2f} TB/s", flush=True)
    l2 = doc["device"].get("l2Bytes", 50 << 20)
    rows, fails, dropped = [], [], []
    for (label, N, K, es, toks) in plan:
        if not es:
            continue
        ebytes = N * K * 2
        emax = max(es)
        # enough experts for the rotation of the smallest E, in one allocation
        need = max(E * bu.rotation_count(E * ebytes, l2, max_rot=16) for E in es)
        W = torch.empty(max(emax, need), N, K, device=DEV, dtype=DT)
        W.normal_(0, 0.02)
        tmax = max(toks)
        X = torch.empty(emax * tmax, K, device=DEV, dtype=DT).uniform_(-1, 1)
        for E in es:
            nrot = min(bu.rotation_count(E * ebytes, l2, max_rot=16), W.shape[0] // E)
            Ws = [W[r * E:(r + 1) * E] for r in range(nrot)]
            Wt = [w.transpose(-2, -1) for w in Ws]
            for T in toks:
                if time.time() - t0 > a.deadline_s:
                    dropped.append({"matrix": label, "n": N, "k": K, "experts": E, "tokensPerExpert": T})
                    continue
                x = X[: E * T]
                offs = torch.arange(1, E + 1, device=DEV, dtype=torch.int32) * T
                flops = 2.0 * E * T * N * K
                wb = E * ebytes
                row = {"matrix": label, "n": N, "k": K, "experts": E, "tokensPerExpert": T, "tokens": E * T,
                       "dtype": "bf16", "weightBytes": wb, "flops": flops, "weightSets": nrot}

                def grouped(i):
                    return torch._grouped_mm(x, Wt[i], offs=offs)

                def loop(i):
                    w = Ws[i]
                    return [F.linear(x[e * T:(e + 1) * T], w[e]) for e in range(E)]

                for name, fn, graph in (("grouped", grouped, True), ("loop", loop, True), ("loopNoGraph", loop, False)):
                    if name == "grouped" and not has_gmm:
                        continue
                    try:
                        t = bu.time_op(fn, nrot, a.samples, graph=graph, max_total_s=0.4)
                        row[name] = {"seconds": t["median"], "p10": t["p10"], "p90": t["p90"], "samples": t["samples"],
                                     "repsPerSample": t["reps"], "cudaGraph": t["graph"],
                                     "flopsPerSecond": flops / t["median"], "weightBytesPerSecond": wb / t["median"]}
                    except Exception as ex:
                        if DEV == "cuda":
                            torch.cuda.synchronize()
                        row[name] = {"error": bu.first_line(ex)}
                        fails.append({"matrix": label, "experts": E, "tokensPerExpert": T, "method": name,
                                      "error": row[name]["error"]})
                if T in (1, 16, 256) and has_gmm and "seconds" in row.get("grouped", {}):
                    try:
                        yg = grouped(0)
                        yl = torch.cat(loop(0))
                        row["groupedVsLoopRelErr"] = bu.rel(yg, yl)
                        row["outputsFinite"] = bool(torch.isfinite(yg).all().item())
                        del yg, yl
                    except Exception as ex:
                        row["groupedVsLoopRelErr"] = None
                        row["checkError"] = str(ex)[:200]
                g = row.get("grouped", {})
                lo = row.get("loop", {})
                ln = row.get("loopNoGraph", {})
                if "seconds" in g and "seconds" in lo:
                    row["loopOverGrouped"] = lo["seconds"] / g["seconds"]
                if "seconds" in g and "seconds" in ln:
                    row["loopNoGraphOverGrouped"] = ln["seconds"] / g["seconds"]
                rows.append(row)
                print(f"[{time.time() - t0:5.0f}s] {label:24s} E={E:3d} T={T:5d}: grouped "
                      f"{g.get('seconds', float('nan')) * 1e6:9.1f} us ({g.get('weightBytesPerSecond', 0) / 1e12:5.2f} TB/s, "
                      f"{g.get('flopsPerSecond', 0) / 1e12:5.0f} TF)  loop {lo.get('seconds', float('nan')) * 1e6:9.1f} us "
                      f"({lo.get('weightBytesPerSecond', 0) / 1e12:5.2f} TB/s)  no graph {ln.get('seconds', float('nan')) * 1e6:9.1f} us",
                      flush=True)
        del W, X
        bu.empty_cache()
        bu.save(a.out, doc, rows=rows, failures=fails, dropped=dropped)
    return bu.finish(a.out, doc, t0, rows, fails, dropped)


if __name__ == "__main__":
    sys.exit(main())
