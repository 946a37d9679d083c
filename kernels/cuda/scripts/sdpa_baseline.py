#!/usr/bin/env python3
"""Merge the harness JSON parts and time torch SDPA on exactly the harness's decode shapes.

usage: sdpa_baseline.py --parts part1.json [part2.json ...] --out cuda-harness.json [--samples 20]

For every decodeAttention row (q [B,H,1,128], K/V [B,Hkv,S,128], bf16) it times
torch.nn.functional.scaled_dot_product_attention with each backend (flash, efficient, cudnn,
math, and the default dispatch), with enable_gqa=True where Hkv < H (falling back to K/V
expanded to H heads, before timing, where a backend refuses GQA and memory allows), using the
same CUDA-graph / L2-rotation method as the harness. The fastest backend becomes sdpaSeconds.
"""
import argparse
import json
import sys
import traceback

import torch
import torch.nn.functional as F

import benchutil as bu

try:
    from torch.nn.attention import SDPBackend, sdpa_kernel
except Exception:  # very old torch
    SDPBackend = None
    sdpa_kernel = None


def load_parts(paths):
    merged, errors = None, []
    for p in paths:
        try:
            with open(p) as f:
                txt = f.read().strip()
            try:
                obj = json.loads(txt)
            except ValueError:
                obj = json.loads(txt.splitlines()[-1])
        except Exception as ex:
            errors.append(f"{p}: {type(ex).__name__}: {ex}")
            continue
        if obj.get("status") != "ok":
            errors.append(f"{p}: status {obj.get('status')}: {obj.get('reason')}")
            continue
        if merged is None:
            merged = obj
            continue
        for key in ("bandwidth", "gemm", "decodeAttention", "mlaDecode", "skipped"):
            if key in obj:
                merged.setdefault(key, [])
                merged[key] = merged[key] + obj[key]
    if merged is None:
        merged = {"status": "error", "tool": "hwplan-cuda-harness"}
    if errors:
        merged["partErrors"] = errors
    return merged


def backends():
    if SDPBackend is None:
        return [("default", None)]
    out = [("flash", SDPBackend.FLASH_ATTENTION), ("efficient", SDPBackend.EFFICIENT_ATTENTION)]
    if hasattr(SDPBackend, "CUDNN_ATTENTION"):
        out.append(("cudnn", SDPBackend.CUDNN_ATTENTION))
    out.append(("math", SDPBackend.MATH))
    out.append(("default", None))
    return out


def has_enable_gqa():
    try:
        q = torch.randn(1, 4, 1, 64, device="cuda", dtype=torch.bfloat16)
        k = torch.randn(1, 2, 8, 64, device="cuda", dtype=torch.bfloat16)
        F.scaled_dot_product_attention(q, k, k, enable_gqa=True)
        return True
    except TypeError:
        return False
    except Exception:
        return True


def time_sdpa_row(row, l2, samples, gqa_kw):
    B, H, Hkv, S, D = row["batch"], row["heads"], row["kvHeads"], row["context"], row["headDim"]
    G = H // Hkv
    kv_bytes = 2.0 * B * Hkv * S * D * 2
    nrot = bu.rotation_count(kv_bytes, l2)
    gen = torch.Generator(device="cuda")
    gen.manual_seed(1234 + B * 7 + S + H * 13 + Hkv)

    def rnd(*shape):
        return (torch.rand(*shape, device="cuda", generator=gen, dtype=torch.float32) * 2 - 1).to(torch.bfloat16)

    qs = [rnd(B, H, 1, D) for _ in range(nrot)]
    ks = [rnd(B, Hkv, S, D) for _ in range(nrot)]
    vs = [rnd(B, Hkv, S, D) for _ in range(nrot)]
    expanded = {}
    results = {}
    free, _ = torch.cuda.mem_get_info()
    for name, be in backends():
        modes = ["native"] if G == 1 else (["enable_gqa"] if gqa_kw else []) + ["expanded"]
        for mode in modes:
            try:
                if mode == "expanded":
                    need = kv_bytes * G * nrot
                    if need > 0.6 * free:
                        raise RuntimeError(f"expanded K/V ({need / 1e9:.1f} GB) does not fit")
                    if not expanded:
                        expanded["k"] = [x.repeat_interleave(G, dim=1) for x in ks]
                        expanded["v"] = [x.repeat_interleave(G, dim=1) for x in vs]
                    kk, vv, kw = expanded["k"], expanded["v"], {}
                else:
                    kk, vv = ks, vs
                    kw = {"enable_gqa": True} if mode == "enable_gqa" else {}

                def fn(i, kk=kk, vv=vv, kw=kw):
                    return F.scaled_dot_product_attention(qs[i], kk[i], vv[i], **kw)

                if be is not None:
                    with sdpa_kernel([be]):
                        fn(0)
                        torch.cuda.synchronize()
                        t = bu.time_graph(fn, nrot, samples)
                else:
                    fn(0)
                    torch.cuda.synchronize()
                    t = bu.time_graph(fn, nrot, samples)
                results[name] = {"seconds": t["median"], "samples": t["samples"], "mode": mode,
                                 "cudaGraph": t["graph"], "repsPerSample": t["reps"]}
                break
            except Exception as ex:
                torch.cuda.synchronize()
                results[name] = {"error": f"{mode}: {type(ex).__name__}: {str(ex).splitlines()[0][:160]}"}
    del qs, ks, vs, expanded
    torch.cuda.empty_cache()
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--parts", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--samples", type=int, default=20)
    a = ap.parse_args()
    doc = load_parts(a.parts)
    rows = doc.get("decodeAttention", [])
    if rows and torch.cuda.is_available():
        l2 = doc.get("device", {}).get("l2Bytes") or bu.device_info(0).get("l2Bytes", 50 << 20)
        gqa_kw = has_enable_gqa()
        doc["sdpaMethod"] = {
            "torch": torch.__version__,
            "enableGqaSupported": gqa_kw,
            "backendsTried": [n for n, _ in backends()],
            "selection": "sdpaSeconds is the fastest backend that ran; sdpaAll lists every backend",
            "timing": "CUDA graph of back-to-back calls, L2 rotation, median of samples (same as the harness)",
            "kvLayout": "q [B,H,1,D], K/V [B,Hkv,S,D] bf16; 'expanded' = K/V repeated to H heads before timing",
        }
        for row in rows:
            try:
                res = time_sdpa_row(row, l2, a.samples, gqa_kw)
            except Exception as ex:
                traceback.print_exc()
                res = {"all": {"error": f"{type(ex).__name__}: {ex}"}}
            ok = {k: v for k, v in res.items() if "seconds" in v}
            row["sdpaAll"] = {k: ({"seconds": v["seconds"], "mode": v["mode"]} if "seconds" in v else v)
                              for k, v in res.items()}
            if ok:
                best = min(ok, key=lambda k: ok[k]["seconds"])
                row["sdpaSeconds"] = ok[best]["seconds"]
                row["sdpaSamples"] = ok[best]["samples"]
                row["sdpaBackend"] = f"{best} ({ok[best]['mode']})"
                row["sdpaCudaGraph"] = ok[best]["cudaGraph"]
                if row.get("seconds"):
                    row["speedupVsSdpa"] = row["sdpaSeconds"] / row["seconds"]
            print(f"  sdpa H={row['heads']:2d} Hkv={row['kvHeads']:2d} B={row['batch']:2d} S={row['context']:5d} "
                  f"ours {row.get('seconds', float('nan')) * 1e6:9.2f} us  sdpa "
                  f"{row.get('sdpaSeconds', float('nan')) * 1e6:9.2f} us [{row.get('sdpaBackend', '-')}]  "
                  f"x{row.get('speedupVsSdpa', float('nan')):.2f}", flush=True)
    with open(a.out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    sys.exit(main())
