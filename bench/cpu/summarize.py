"""Turns one JMH run (plus the machine facts and numpy's sgemm) into the table of bench/cpu/run.sh.

usage: summarize.py JMH.json FACTS.json NUMPY.json > SUMMARY.md
"""

import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def key(b):
    name = b["benchmark"].rsplit(".", 1)[-1]
    params = b.get("params", {})
    return name, params


def seconds(b):
    unit = b["primaryMetric"]["scoreUnit"]
    scale = {"ms/op": 1e-3, "us/op": 1e-6, "s/op": 1.0, "ns/op": 1e-9}[unit]
    m = b["primaryMetric"]
    raw = [x for fork in m["rawData"] for x in fork]
    return m["score"] * scale, min(raw) * scale, max(raw) * scale


def main():
    jmh, facts, npy = load(sys.argv[1]), load(sys.argv[2]), load(sys.argv[3])
    rows = {}
    for b in jmh:
        name, params = key(b)
        rows[(name, tuple(sorted(params.items())))] = seconds(b)

    def get(name, **params):
        k = (name, tuple(sorted((a, str(v)) for a, v in params.items())))
        return rows.get(k)

    def vector_rows(name):
        """Benchmark name's vector rows in sorted order: (params, vector times, the scalar times
        of the same params or None)."""
        for (n, ps) in sorted(rows):
            p = dict(ps)
            if n == name and p["provider"] == "vector":
                yield p, rows[(n, ps)], get(n, **dict(p, provider="scalar"))

    out = []
    w = out.append
    read = get("streamRead", provider="vector")
    copy = get("streamCopy", provider="vector")
    triad = get("streamTriad", provider="vector")
    fma = get("fmaPeak", provider="vector")
    rb = facts["streamReadBytes"] / read[0]
    w("Machine: %s threads, %d-bit vectors, LLC %.0f MiB, JDK %s" % (
        facts["threads"], facts["vectorBitSize"], facts["llcBytes"] / 2**20, facts["jdk"]))
    w("")
    w("| ceiling (same JMH run) | median | range |")
    w("| --- | --- | --- |")
    for label, r, amount, unit in (
        ("STREAM read", read, facts["streamReadBytes"], "GB/s"),
        ("STREAM copy", copy, facts["streamCopyBytes"], "GB/s"),
        ("STREAM triad", triad, facts["streamTriadBytes"], "GB/s"),
        ("FMA loop peak", fma, facts["fmaFlopsPerCall"], "GFLOP/s"),
    ):
        w("| %s | %.1f %s | %.1f-%.1f |" % (label, amount / r[0] / 1e9, unit,
                                           amount / r[2] / 1e9, amount / r[1] / 1e9))
    w("")
    w("Decode attention, 32 query heads of dim 128, batch 1 (context 0 = 512 MiB fp32 cache)")
    w("")
    w("| kind | dtype | key layout | KV MiB | scalar ms | vector ms | vector/scalar | scalar GB/s | vector GB/s | % of STREAM read | v/s bound (read / scalar GB/s) |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for p, v, s in vector_rows("decodeAttention"):
        kvh = int(p["kvHeads"])
        ctx = int(p["contextTokens"]) or 8 * 65536 // kvh
        bpe = 4 if p["dtype"] == "fp32" else 2
        kv = 2 * 1 * kvh * ctx * 128 * bpe
        gbs = kv / v[0]
        ratio = s[0] / v[0] if s else float("nan")
        w("| %s | %s | %s | %.0f | %s | %.2f | %s | %s | %.1f | %.0f%% | %s |" % (
            "MHA" if kvh == 32 else "GQA 32/%d" % kvh, p["dtype"], p["keyLayout"], kv / 2**20,
            "%.2f" % (s[0] * 1e3) if s else "-", v[0] * 1e3,
            "%.1fx" % ratio if s else "-", "%.1f" % (kv / s[0] / 1e9) if s else "-",
            gbs / 1e9, 100 * gbs / rb, "%.1fx" % (rb * s[0] / kv) if s else "-"))
    w("")
    w("| GEMM n | dtype | scalar GFLOP/s | vector GFLOP/s | vector/scalar | % of FMA peak | vs numpy sgemm |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    fma_rate = facts["fmaFlopsPerCall"] / fma[0]
    np_by_n = {r["n"]: r for r in npy["sgemm"]}
    for p, v, s in vector_rows("gemm"):
        size = int(p["n"])
        flops = 2.0 * size ** 3
        ref = np_by_n.get(size)
        w("| %d | %s | %s | %.1f | %s | %.0f%% | %s |" % (
            size, p["dtype"], "%.1f" % (flops / s[0] / 1e9) if s else "-", flops / v[0] / 1e9,
            "%.1fx" % (s[0] / v[0]) if s else "-", 100 * flops / v[0] / fma_rate,
            "%.0f%% (numpy %.1f GFLOP/s)" % (100 * flops / v[0] / ref["flopsPerSecond"],
                                             ref["flopsPerSecond"] / 1e9) if ref else "-"))
    if any(n == "decode" for (n, _) in rows):
        w("")
        w("MLA (DeepSeek-V3: 128 heads, kv_lora_rank 512, RoPE 64) vs GQA (32 query heads, 8 KV heads"
          " of 128, blocked keys) at equal KV-cache memory, batch 1")
        w("")
        w("| kind | dtype | KV MiB | context | scalar ms | vector ms | vector/scalar | vector GB/s | GFLOP/s | FLOP/byte | % STREAM read | % FMA peak | bound | % of bound |")
        w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        times = {}
        for p, v, sc in vector_rows("decode"):
            cache = int(p["cacheMiB"]) * 2**20
            bpe = 4 if p["dtype"] == "fp32" else 2
            if p["kind"] == "mla":
                ctx = max(16, int(cache / (576.0 * bpe)))
                kv = ctx * 576 * bpe
                flops = 2.0 * 128 * ctx * (2 * 512 + 64)
                moved = kv + 4.0 * 128 * (2 * 512 + 64)
            else:
                ctx = max(16, int(cache / (2048.0 * bpe)))
                kv = ctx * 2048 * bpe
                flops = 4.0 * 32 * ctx * 128
                moved = kv + 2.0 * 4 * 32 * 128
            t_mem = moved / rb
            t_fma = flops / fma_rate
            bound = "memory" if t_mem >= t_fma else "compute"
            times[(p["kind"], p["dtype"])] = (v[0], ctx)
            w("| %s | %s | %.0f | %d | %s | %.1f | %s | %.1f | %.1f | %.1f | %.0f%% | %.0f%% | %s | %.0f%% |" % (
                p["kind"].upper(), p["dtype"], kv / 2**20, ctx,
                "%.1f" % (sc[0] * 1e3) if sc else "-", v[0] * 1e3,
                "%.1fx" % (sc[0] / v[0]) if sc else "-", moved / v[0] / 1e9, flops / v[0] / 1e9,
                flops / moved, 100 * moved / v[0] / rb, 100 * flops / v[0] / fma_rate, bound,
                100 * max(t_mem, t_fma) / v[0]))
        for dt in ("fp32", "bf16"):
            if ("mla", dt) in times and ("gqa", dt) in times:
                (tm, cm), (tg, cg) = times[("mla", dt)], times[("gqa", dt)]
                w("")
                w("%s: MLA takes %.2fx GQA's time at equal memory, holding %.2fx the tokens: %.2fx GQA's"
                  " time per token of context." % (dt, tm / tg, cm / cg, (tm / cm) / (tg / cg)))
    w("")
    w("numpy %s, BLAS: %s, OPENBLAS_NUM_THREADS=%s" % (npy["numpy"], npy["blas"], npy["threads"]))
    print("\n".join(out))


if __name__ == "__main__":
    main()
