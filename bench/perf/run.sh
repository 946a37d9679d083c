#!/usr/bin/env bash
# Estimator speed: JMH for one full inference configuration estimate and for predict --input
# (in-process, 10,000 ops an invocation), then the CLI end to end on a 200,000-line OPS.jsonl
# (JVM start and calibration fits included). Other work on the machine disturbs the numbers: the
# script waits up to 5 minutes for the 1-minute load to drop below 1 and prints the load around
# each run. Raw JMH JSON goes to bench/perf/results/ (or $HWPLAN_BENCH_OUT).
#
# usage: bench/perf/run.sh [extra JMH arguments]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${HWPLAN_BENCH_OUT:-$ROOT/bench/perf/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

echo "== building the benchmarks and the CLI" >&2
(cd "$ROOT" && mvn -B -q -o -Pbench -pl benchmarks,scenarios -am package -DskipTests -Dspotless.check.skip=true)

wait_for_quiet() {
  local waited=0
  while (( waited < 300 )); do
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" 'BEGIN { exit !(l < 1.0) }'; then return; fi
    sleep 10; waited=$((waited + 10))
  done
  echo "warning: the machine is busy (load $(cut -d' ' -f1-3 /proc/loadavg)); numbers may be disturbed" >&2
}

wait_for_quiet
echo "load before JMH: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -jar "$ROOT/benchmarks/target/benchmarks.jar" 'InferenceEstimateBenchmark|PredictBatchBenchmark' \
  -rf json -rff "$OUT/jmh.json" "$@" | tail -8
echo "load after JMH: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$OUT/ops.jsonl" <<'PY'
import sys
gpus = ["h100-sxm", "h200-sxm"]
with open(sys.argv[1], "w") as f:
    for i in range(200_000):
        g = gpus[i % 2]
        if i % 3 == 0:
            f.write('{"op":"gemm","gpu":"%s","m":%d,"n":4096,"k":%d,"dtype":"%s"}\n'
                    % (g, 1 << (i % 13), 4096 if i % 2 == 0 else 14336, "fp8" if i % 5 == 0 else "bf16"))
        elif i % 3 == 1:
            f.write('{"op":"attention","gpu":"%s","phase":"decode","batch":%d,"heads":32,"kvHeads":8,'
                    '"headDim":128,"context":%d,"dtype":"bf16"}\n' % (g, 1 + i % 64, 1024 << (i % 5)))
        else:
            f.write('{"op":"collective","collective":"all-reduce","gpu":"%s","gpus":%d,"bytes":%d}\n'
                    % (g, 2 << (i % 3), 1 << (20 + i % 10)))
PY
wait_for_quiet
echo "load before the CLI run: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
"$JAVA" --add-modules jdk.incubator.vector -jar "$ROOT/scenarios/target/hwplan.jar" \
  predict --input "$OUT/ops.jsonl" > "$OUT/results.json" 2>/dev/null
end=$(date +%s.%N)
python3 - "$OUT/results.json" "$start" "$end" <<'PY'
import json, sys
n = len(json.load(open(sys.argv[1])))
s = float(sys.argv[3]) - float(sys.argv[2])
print(f"CLI: {n} ops in {s:.2f} s wall, JVM start and calibration fits included: {n / s:,.0f} ops/s")
PY
