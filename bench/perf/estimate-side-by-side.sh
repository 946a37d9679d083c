#!/usr/bin/env bash
# InferenceEstimateBenchmark on other commits and on this working tree, interleaved: for each
# (config, workload) every jar runs back to back, ROUNDS times, so the ratios compare runs a minute
# apart on a shared machine. The other commits are built in scratch worktrees with this tree's
# benchmark, moved into that tree's package (benchmarks was dev.hwplan.bench before d999753) and,
# before the step package (7dd73da), with StepConfig and Execution imported from dev.hwplan.perf.
#
#   REVS="b3ecf94 7fe6971" ROUNDS=2 bench/perf/estimate-side-by-side.sh
#   WT_b3ecf94=/work/wt-b3 ...   reuse an existing worktree for a revision
#   MODE=paired ...              PairedEstimates instead of JMH: all jars in one JVM, thread CPU
#                                time, PAIRED_ROUNDS rounds of PAIRED_MS a jar (MODE=both: both),
#                                after PAIRED_WARMUP_MS of thread CPU time a jar (default 2000)
#
# Never `mvn install`: each tree is packaged in place. JMH: prints a markdown table (median us/op
# over the rounds' iterations, B/op, ratio to the first revision) and keeps the JSON in $OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
REVS=${REVS:-b3ecf94}
ROUNDS=${ROUNDS:-2}
OUT=${OUT:-$PWD/target/estimate-side-by-side}
SCRATCH=${SCRATCH:-/tmp/hwplan-side-by-side}
CONFIGS=${CONFIGS:-llama-3.1-8b/h100-sxm/1 llama-3.1-70b/h100-sxm/4 deepseek-v3/h200-sxm/8}
WORKLOADS=${WORKLOADS:-repeat sweep cold}
JMH_ARGS=${JMH_ARGS:--wi 4 -i 5 -w 1 -r 1 -f 1 -prof gc}
MODE=${MODE:-jmh}
PAIRED_ROUNDS=${PAIRED_ROUNDS:-11}
PAIRED_MS=${PAIRED_MS:-300}
PAIRED_WARMUP_MS=${PAIRED_WARMUP_MS:-2000}
BENCH=benchmarks/src/main/java/dev/hwplan/jmh/InferenceEstimateBenchmark.java
mkdir -p "$OUT" "$SCRATCH"

jars=()
names=()
for rev in $REVS; do
  var="WT_$rev"
  dir=${!var:-$SCRATCH/$rev}
  [ -d "$dir" ] || git worktree add --detach "$dir" "$rev" >/dev/null
  src=$(find "$dir/benchmarks/src/main/java" -name InferenceEstimateBenchmark.java)
  pkg=$(sed -n 's/^package \(.*\);/\1/p' "$src")
  sed -e "s/^package .*;/package $pkg;/" "$BENCH" > "$src.new"
  if [ ! -d "$dir/simulator/src/main/java/dev/hwplan/step" ]; then
    sed -i -e 's/^import dev.hwplan.step.Execution;/import dev.hwplan.perf.Execution;/' \
      -e 's/^import dev.hwplan.step.StepConfig;/import dev.hwplan.perf.StepConfig;/' "$src.new"
  fi
  mv "$src.new" "$src"
  # The benchmark's superclass (since the dup-core tidy) goes along, in the same package.
  base=benchmarks/src/main/java/dev/hwplan/jmh/EstimatorBenchmark.java
  sed -e "s/^package .*;/package $pkg;/" "$base" > "$(dirname "$src")/EstimatorBenchmark.java"
  (cd "$dir" && mvn -B -o -q -Pbench -pl benchmarks -am package -DskipTests)
  cp "$dir/benchmarks/target/benchmarks.jar" "$OUT/$rev.jar"
  jars+=("$OUT/$rev.jar")
  names+=("$rev")
done
mvn -B -o -q -Pbench -pl benchmarks -am package -DskipTests
here=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo +)
cp benchmarks/target/benchmarks.jar "$OUT/this.jar"
jars+=("$OUT/this.jar")
names+=("$here")
pkgs=()
for j in "${jars[@]}"; do
  pkgs+=("$(unzip -l "$j" | grep -o 'dev/hwplan/[a-z]*/InferenceEstimateBenchmark.class' | head -1 |
    sed 's|/InferenceEstimateBenchmark.class||; s|/|.|g')")
done

echo "start $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/load.txt"
if [ "$MODE" != jmh ]; then
  for config in $CONFIGS; do
    for workload in $WORKLOADS; do
      java -Xmx2g -Dpaired.warmupMs="$PAIRED_WARMUP_MS" -cp "$OUT/this.jar" dev.hwplan.jmh.PairedEstimates "$config" "$workload" \
        "$PAIRED_ROUNDS" "$PAIRED_MS" "${jars[@]}" | tee -a "$OUT/paired.txt"
    done
  done
fi
if [ "$MODE" = paired ]; then
  exit 0
fi
for round in $(seq 1 "$ROUNDS"); do
  for config in $CONFIGS; do
    for workload in $WORKLOADS; do
      for i in "${!jars[@]}"; do
        tag="${names[$i]}_r${round}_$(echo "$config" | tr / _)_$workload"
        java -jar "${jars[$i]}" "${pkgs[$i]}.InferenceEstimateBenchmark" -p "config=$config" \
          -p "workload=$workload" $JMH_ARGS -rf json -rff "$OUT/$tag.json" > "$OUT/$tag.log" 2>&1
        echo "$tag $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/load.txt"
      done
    done
  done
done
echo "end $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.txt"
python3 "$(dirname "$0")/side-by-side-table.py" "$OUT" "${names[@]}"
