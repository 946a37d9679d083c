#!/usr/bin/env bash
# CPU kernel benchmarks, side by side in one JMH run: the scalar and vector paths of decode
# attention, GEMM, and MLA against GQA at equal KV-cache memory, with the STREAM and FMA ceilings
# measured in the same run, then the same ratios as interleaved pairs (PairedRatios), and OpenBLAS
# sgemm through Debian's numpy as the practical limit. Prints a Markdown table; keeps the raw
# JMH JSON under bench/cpu/results/ (or $HWPLAN_BENCH_OUT).
#
# The product does not need numpy: only this script installs it (python3-numpy and OpenBLAS from
# Debian's packages, when missing). Other work on the machine disturbs the numbers; the script
# waits up to 2 minutes for the 1-minute load average to fall below $HWPLAN_BENCH_QUIET_LOAD
# (default 0.5) and prints the load before and after.
#
# usage: bench/cpu/run.sh [extra JMH arguments, e.g. -p contextTokens=2048]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${HWPLAN_BENCH_OUT:-$ROOT/bench/cpu/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
PY=/usr/bin/python3

echo "== building the benchmarks" >&2
(cd "$ROOT" && mvn -B -q -Pbench -pl benchmarks -am package -DskipTests -Dspotless.check.skip=true)
JAR="$ROOT/benchmarks/target/benchmarks.jar"

if ! "$PY" -c 'import numpy' 2>/dev/null || ! ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1; then
  echo "== installing python3-numpy and OpenBLAS (Debian packages)" >&2
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq python3-numpy libopenblas0-pthread >/dev/null
fi

wait_for_quiet() {
  local waited=0
  while (( waited < 120 )); do
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v q="${HWPLAN_BENCH_QUIET_LOAD:-0.5}" 'BEGIN { exit !(l < q) }'; then return; fi
    sleep 5; waited=$((waited + 5))
  done
  echo "warning: the machine is busy (load $(cut -d' ' -f1-3 /proc/loadavg)); numbers may be disturbed" >&2
}

wait_for_quiet
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/load.txt" >&2
"$JAVA" --add-modules jdk.incubator.vector -cp "$JAR" dev.hwplan.jmh.Facts 2>/dev/null > "$OUT/facts.json"
echo "== JMH (about 7 minutes)" >&2
"$JAVA" --add-modules jdk.incubator.vector -jar "$JAR" \
  'dev.hwplan.jmh.(CeilingsBenchmark|DecodeAttentionBenchmark|GemmBenchmark|MlaVsGqaBenchmark)' \
  -rf json -rff "$OUT/jmh.json" "$@" > "$OUT/jmh.txt" 2>&1 || { tail -40 "$OUT/jmh.txt" >&2; exit 1; }
echo "== paired ratios (STREAM read and both paths interleaved, round by round)" >&2
"$JAVA" --add-modules jdk.incubator.vector -Xmx10g -cp "$JAR" dev.hwplan.jmh.PairedRatios \
  "${HWPLAN_PAIRED_ROUNDS:-15}" 2>/dev/null > "$OUT/paired.json"
echo "== numpy sgemm" >&2
OPENBLAS_NUM_THREADS="$(nproc)" "$PY" "$ROOT/bench/cpu/numpy_sgemm.py" 1024 > "$OUT/numpy.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.txt" >&2
"$PY" "$ROOT/bench/cpu/summarize.py" "$OUT/jmh.json" "$OUT/facts.json" "$OUT/numpy.json" | tee "$OUT/summary.md"
echo
echo "Paired ratios (median and range over rounds; each ratio taken within one round):"
"$PY" - "$OUT/paired.json" <<'PYEOF' | tee -a "$OUT/summary.md"
import json, sys
p = json.load(open(sys.argv[1]))
r = p["streamReadGBps"]
print(f"\nSTREAM read {r['median']:.1f} GB/s ({r['min']:.1f}-{r['max']:.1f}) over {p['rounds']} rounds\n")
print("| case | vector GB/s | % of the round's STREAM read | vector/scalar |")
print("| --- | --- | --- | --- |")
for c in p["cases"]:
    f, v, s = c["fractionOfStreamRead"], c["vectorGBps"], c["vectorOverScalar"]
    print(f"| {c['case']} | {v['median']:.1f} | {100*f['median']:.0f}% ({100*f['min']:.0f}-{100*f['max']:.0f}) "
          f"| {s['median']:.1f}x ({s['min']:.1f}-{s['max']:.1f}) |")
PYEOF
cat "$OUT/load.txt"
echo "raw results: $OUT" >&2
