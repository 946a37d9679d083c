#!/usr/bin/env bash
# Start-up, paired: the launcher and jar of an earlier commit (BEFORE, default b3ecf94, the tree
# before issue 13) against this working tree's, each through its own ./hwplan, run alternately
# command by command and round by round (the side that goes first alternates), so that both sides
# see the same load. Commands: --version, kv, infer (the issue's), memory and profiles show. Wall and CPU (user + sys) come
# from bash's `time` keyword, in milliseconds. Prints medians and ranges, the paired after/before
# ratio, the load (uptime) before and after, whether stderr carried the incubator warning, whether
# both sides printed the same stdout, and how many classes each side loaded (-Xlog:class+load, and
# how many of them came from a class-data-sharing archive).
#
# usage: bench/startup/run.sh            (ROUNDS=20 BEFORE=b3ecf94 by default; unattended, offline;
#                                          see bench/startup/README.md)
# Raw results: bench/startup/results/<UTC time>/ (or $HWPLAN_BENCH_OUT).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BEFORE="${BEFORE:-b3ecf94}"
ROUNDS="${ROUNDS:-20}"
OUT="${HWPLAN_BENCH_OUT:-$ROOT/bench/startup/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== building the jar of $BEFORE in a scratch tree" >&2
mkdir -p "$work/before"
git -C "$ROOT" archive "$BEFORE" | tar -x -C "$work/before"
(cd "$work/before" && mvn -B -q -o -DskipTests -Dspotless.check.skip=true package) >&2
echo "== building this tree's jar (and its start-up archive)" >&2
"$ROOT/hwplan" --version >/dev/null

commands=(
  "--version"
  "kv --model llama-3.1-70b --context 131072"
  "infer --model llama-3.1-8b --gpu h100-sxm --batch 8 --prompt 1024 --output 256"
  "memory --model llama-3.1-8b --gpu h100-sxm"
  "profiles show h100-sxm"
)
names=(version kv infer memory profiles-show)
launcher() { [[ "$1" == before ]] && echo "$work/before/hwplan" || echo "$ROOT/hwplan"; }

# Warm-up, one run a side: page cache, calibration cache, start-up archive. Also the checks.
for i in "${!commands[@]}"; do
  for side in before after; do
    # shellcheck disable=SC2086
    "$(launcher $side)" ${commands[$i]} >"$OUT/${names[$i]}-$side.out" 2>"$OUT/${names[$i]}-$side.err"
  done
done

{
  echo "before: $BEFORE ($(git -C "$ROOT" log -1 --format=%s "$BEFORE" | cut -c1-60)...)"
  echo "after: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- . ':!bench' || echo ' + uncommitted changes')"
  echo "java: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1)"
  echo "cpus: $(nproc); rounds: $ROUNDS"
  echo "load before: $(uptime)"
} | tee "$OUT/env.txt"

TIMEFORMAT='%3R %3U %3S'
printf 'round\tcommand\tside\twall_s\tuser_s\tsys_s\texit\n' >"$OUT/times.tsv"
for ((r = 1; r <= ROUNDS; r++)); do
  if ((r % 2)); then order=(before after); else order=(after before); fi
  for i in "${!commands[@]}"; do
    for side in "${order[@]}"; do
      l="$(launcher $side)"
      set +e
      # shellcheck disable=SC2086
      t="$({ time "$l" ${commands[$i]} >/dev/null 2>&1; } 2>&1)"
      code=$?
      set -e
      read -r wall user sys <<<"$t"
      printf '%d\t%s\t%s\t%s\t%s\t%s\t%d\n' "$r" "${names[$i]}" "$side" "$wall" "$user" "$sys" \
        "$code" >>"$OUT/times.tsv"
    done
  done
done
echo "load after: $(uptime)" | tee -a "$OUT/env.txt"

# Medians and ranges per command and side, and the median of the paired ratios (after / before).
awk -F'\t' -v names="${names[*]}" '
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  NR > 1 {
    k = $2 SUBSEP $3; n[k]++; w[k, n[k]] = $4; c[k, n[k]] = $5 + $6
    if ($7 != 0) bad[k]++
    wall[$1, $2, $3] = $4; cpu[$1, $2, $3] = $5 + $6; rounds[$1] = 1; cmds[$2] = 1
  }
  END {
    printf "| command | side | wall median (s) | wall min..max (s) | CPU median (s) | CPU min..max (s) | failed runs |\n"
    printf "| --- | --- | --- | --- | --- | --- | --- |\n"
    nc = split(names, order, " ")
    for (o = 1; o <= nc; o++) {
      cmd = order[o]
      for (s = 1; s <= 2; s++) {
        side = s == 1 ? "before" : "after"; k = cmd SUBSEP side; m = n[k]
        lo = hi = w[k, 1]; clo = chi = c[k, 1]
        for (i = 1; i <= m; i++) {
          ww[i] = w[k, i]; cc[i] = c[k, i]
          if (w[k, i] < lo) lo = w[k, i]; if (w[k, i] > hi) hi = w[k, i]
          if (c[k, i] < clo) clo = c[k, i]; if (c[k, i] > chi) chi = c[k, i]
        }
        printf "| %s | %s | %.3f | %.3f..%.3f | %.3f | %.3f..%.3f | %d |\n", cmd, side, median(ww, m), lo, hi, median(cc, m), clo, chi, bad[k] + 0
      }
    }
    printf "\n| command | paired wall ratio after/before, median (min..max) | paired CPU ratio, median |\n| --- | --- | --- |\n"
    for (o = 1; o <= nc; o++) {
      cmd = order[o]; m = 0
      for (r in rounds) {
        m++; rw[m] = wall[r, cmd, "after"] / wall[r, cmd, "before"]; rc[m] = cpu[r, cmd, "after"] / cpu[r, cmd, "before"]
      }
      lo = hi = rw[1]; for (i = 1; i <= m; i++) { if (rw[i] < lo) lo = rw[i]; if (rw[i] > hi) hi = rw[i] }
      printf "| %s | %.2f (%.2f..%.2f) | %.2f |\n", cmd, median(rw, m), lo, hi, median(rc, m)
    }
  }' "$OUT/times.tsv" | tee "$OUT/summary.md"

echo
# Classes loaded, one run a side (not timed): all, and those from a class-data-sharing archive.
for i in "${!commands[@]}"; do
  for side in before after; do
    log="$OUT/${names[$i]}-$side.classes"
    # shellcheck disable=SC2086
    HWPLAN_JAVA_OPTS="-Xlog:class+load:file=$log" "$(launcher $side)" ${commands[$i]} >/dev/null 2>&1 || true
    printf '%s\t%s\t%d\t%d\n' "${names[$i]}" "$side" "$(wc -l <"$log")" \
      "$(grep -c 'shared objects file' "$log" || true)"
    rm -f "$log"
  done
done | { printf 'command\tside\tclasses loaded\tfrom the archive\n'; cat; } | tee "$OUT/classes.tsv"

echo
for n in "${names[@]}"; do
  same=$(cmp -s "$OUT/$n-before.out" "$OUT/$n-after.out" && echo "same stdout" || echo "STDOUT DIFFERS")
  warn_b=$(grep -c 'incubator' "$OUT/$n-before.err" || true)
  warn_a=$(grep -c 'incubator' "$OUT/$n-after.err" || true)
  echo "$n: $same; incubator warning lines on stderr: before $warn_b, after $warn_a"
done | tee "$OUT/checks.txt"
echo "raw results: $OUT" >&2
