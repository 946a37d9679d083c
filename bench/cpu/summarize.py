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
    w("| kind | dtype | key layout | KV MiB | scalar ms | vector ms | vector/scalar | vector GB/s | % of STREAM read |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for (n, ps) in sorted(rows):
        if n != "decodeAttention":
            continue
        p = dict(ps)
        if p["provider"] != "vector":
            continue
        kvh = int(p["kvHeads"])
        ctx = int(p["contextTokens"]) or 8 * 65536 // kvh
        bpe = 4 if p["dtype"] == "fp32" else 2
        kv = 2 * 1 * kvh * ctx * 128 * bpe
        v = rows[(n, ps)]
        sp = dict(p, provider="scalar")
        s = get(n, **sp)
        gbs = kv / v[0]
        ratio = s[0] / v[0] if s else float("nan")
        w("| %s | %s | %s | %.0f | %s | %.2f | %s | %.1f | %.0f%% |" % (
            "MHA" if kvh == 32 else "GQA 32/%d" % kvh, p["dtype"], p["keyLayout"], kv / 2**20,
            "%.2f" % (s[0] * 1e3) if s else "-", v[0] * 1e3,
            "%.1fx" % ratio if s else "-", gbs / 1e9, 100 * gbs / rb))
    w("")
    w("| GEMM n | dtype | scalar GFLOP/s | vector GFLOP/s | vector/scalar | % of FMA peak | vs numpy sgemm |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    fma_rate = facts["fmaFlopsPerCall"] / fma[0]
    np_by_n = {r["n"]: r for r in npy["sgemm"]}
    for (n, ps) in sorted(rows):
        if n != "gemm":
            continue
        p = dict(ps)
        if p["provider"] != "vector":
            continue
        size = int(p["n"])
        flops = 2.0 * size ** 3
        v = rows[(n, ps)]
        s = get(n, **dict(p, provider="scalar"))
        ref = np_by_n.get(size)
        w("| %d | %s | %s | %.1f | %s | %.0f%% | %s |" % (
            size, p["dtype"], "%.1f" % (flops / s[0] / 1e9) if s else "-", flops / v[0] / 1e9,
            "%.1fx" % (s[0] / v[0]) if s else "-", 100 * flops / v[0] / fma_rate,
            "%.0f%% (numpy %.1f GFLOP/s)" % (100 * flops / v[0] / ref["flopsPerSecond"],
                                             ref["flopsPerSecond"] / 1e9) if ref else "-"))
    w("")
    w("numpy %s, BLAS: %s, OPENBLAS_NUM_THREADS=%s" % (npy["numpy"], npy["blas"], npy["threads"]))
    print("\n".join(out))


if __name__ == "__main__":
    main()
