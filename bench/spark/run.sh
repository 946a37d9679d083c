#!/usr/bin/env bash
# The Spark executor's overhead over the local executor, on this machine: bench/spark/serve-1000.yaml
# (1,000 small serving points) and a 1-point copy of it (the fixed cost: JVM, Spark session), each
# through `./hwplan run` with --engine local and with --engine spark --master local[2], rounds
# interleaved so that both engines see the same load. Prints one line per run (wall seconds, the
# 1-minute load average before it) and checks that both engines wrote byte-identical tables.
# Needs the Spark executor built: mvn -B -Pspark -pl distributed -am package -DskipTests
# Usage: bench/spark/run.sh [ROUNDS]   (default 2)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rounds="${1:-2}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sed -e 's/qps: {from: 1, to: 40, points: 50}/qps: 20/' -e 's/seed: {from: 0, to: 9, step: 1}/seed: 0/' \
  -e 's/tp: \[1, 2\]/tp: 1/' bench/spark/serve-1000.yaml >"$tmp/serve-1.yaml"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for ((r = 1; r <= rounds; r++)); do
  for study in serve-1 serve-1000; do
    yaml="$tmp/$study.yaml"
    [[ $study == serve-1000 ]] && yaml=bench/spark/serve-1000.yaml
    for engine in local spark; do
      args=(run "$yaml" --out "$tmp/$study-$engine" --json)
      [[ $engine == spark ]] && args+=(--engine spark --master 'local[2]')
      load="$(cut -d' ' -f1 /proc/loadavg)"
      t0="$(date +%s.%N)"
      ./hwplan "${args[@]}" >"$tmp/out.json" 2>"$tmp/err.txt" || { cat "$tmp/err.txt"; exit 1; }
      t1="$(date +%s.%N)"
      printf 'round %d %-10s %-5s %7.2f s  load %s\n' "$r" "$study" "$engine" \
        "$(echo "$t1 - $t0" | bc)" "$load"
    done
    for f in "$tmp/$study-local"/tables/*.csv "$tmp/$study-local/report.md"; do
      cmp -s "$f" "$tmp/$study-spark/${f#"$tmp/$study-local/"}" || { echo "differs: $f"; exit 1; }
    done
  done
done
echo "tables and report.md: byte-identical between the engines"
