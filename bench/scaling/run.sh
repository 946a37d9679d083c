#!/usr/bin/env bash
# Times the Chinchilla fit (Hoffmann's 4,500-start L-BFGS grid + 1,000 bootstrap rounds) in hwplan
# (Java) and in SciPy, side by side on the same data, and prints the ratio.
#
#   bench/scaling/run.sh [--rounds N] [--seed S]
#
# Data: Epoch AI's extraction of Hoffmann et al. 2022 Fig. 4 (simulator/src/test/resources/scaling/,
# see SOURCE.md there), the 5 highest-loss points dropped, as in Besiroglu et al. 2024.
# Python is needed only here, never by hwplan: Debian's python3-scipy for /usr/bin/python3 is
# installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

ROUNDS=1000
SEED=42
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--seed S]" >&2; exit 2 ;;
  esac
done

DATA=simulator/src/test/resources/scaling/epoch_svg_extracted_data.csv
PY=/usr/bin/python3
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

if ! "$PY" -c 'import scipy, numpy' 2>/dev/null; then
  echo "installing Debian's python3-scipy for $PY ..." >&2
  SUDO=""
  [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-scipy >&2
fi

# Build the jar first, so that neither timing includes Maven.
./hwplan --version >/dev/null

now() { date +%s%N; }

echo "Java: hwplan scaling fit (all cores) ..." >&2
t0=$(now)
./hwplan scaling fit --data "$DATA" --drop-highest 5 --rounds "$ROUNDS" --seed "$SEED" --json \
  --timings >"$OUT/java.json" 2>/dev/null
t1=$(now)
JAVA_WALL=$((t1 - t0))

JAVA_ONE_WALL=""
if command -v taskset >/dev/null 2>&1; then
  echo "Java: hwplan scaling fit (one core, taskset -c 0) ..." >&2
  t0=$(now)
  taskset -c 0 ./hwplan scaling fit --data "$DATA" --drop-highest 5 --rounds "$ROUNDS" \
    --seed "$SEED" --json --timings >"$OUT/java1.json" 2>/dev/null
  t1=$(now)
  JAVA_ONE_WALL=$((t1 - t0))
fi

echo "Java: hwplan scaling fit (all cores, scalar kernel) ..." >&2
t0=$(now)
HWPLAN_JAVA_OPTS="-Dhwplan.scaling.vector=false" ./hwplan scaling fit --data "$DATA" \
  --drop-highest 5 --rounds "$ROUNDS" --seed "$SEED" --json --timings >"$OUT/javas.json" 2>/dev/null
t1=$(now)
JAVA_SCALAR_WALL=$((t1 - t0))

echo "SciPy: fit_scipy.py (one core: CPython) ..." >&2
t0=$(now)
"$PY" bench/scaling/fit_scipy.py --data "$DATA" --drop-highest 5 --rounds "$ROUNDS" \
  --seed "$SEED" >"$OUT/scipy.json"
t1=$(now)
SCIPY_WALL=$((t1 - t0))

"$PY" - "$OUT" "$JAVA_WALL" "$JAVA_ONE_WALL" "$SCIPY_WALL" "$JAVA_SCALAR_WALL" <<'PYEOF'
import json, os, platform, subprocess, sys
out = sys.argv[1]
java_wall, scipy_wall = int(sys.argv[2]) / 1e9, int(sys.argv[4]) / 1e9
java_one_wall = int(sys.argv[3]) / 1e9 if sys.argv[3] else None
java_scalar_wall = int(sys.argv[5]) / 1e9
js = json.load(open(os.path.join(out, "javas.json")))
j = json.load(open(os.path.join(out, "java.json")))
s = json.load(open(os.path.join(out, "scipy.json")))
j1 = json.load(open(os.path.join(out, "java1.json"))) if java_one_wall else None
import scipy, numpy
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
print(f"machine: {os.cpu_count()} cores, {cpu}; {java}; Python {platform.python_version()}, "
      f"SciPy {scipy.__version__}, NumPy {numpy.__version__}")
print(f"load average at the end: {open('/proc/loadavg').read().split()[:3]} (other work on the box skews timings)")
print(f"data: {s['runs']} runs; {s['starts']} starts; {s['rounds']} bootstrap rounds")
print(f"{'':30}{'grid s':>9}{'bootstrap s':>13}{'total s':>9}{'wall s':>9}  objective     E       alpha   beta")
def row(name, grid, boot, wall, fit):
    print(f"{name:30}{grid:9.2f}{boot:13.2f}{grid + boot:9.2f}{wall:9.2f}  {fit['objective']:.8f}  "
          f"{fit['E']:.4f}  {fit['alpha']:.4f}  {fit['beta']:.4f}")
row("hwplan (Java, all cores)", j["fitSeconds"], j["bootstrapSeconds"], java_wall, j)
if j1:
    row("hwplan (Java, 1 core)", j1["fitSeconds"], j1["bootstrapSeconds"], java_one_wall, j1)
row("hwplan (Java, scalar kernel)", js["fitSeconds"], js["bootstrapSeconds"], java_scalar_wall, js)
row("SciPy L-BFGS-B (1 core)", s["gridSeconds"], s["bootstrapSeconds"], scipy_wall, s)
jt = j["fitSeconds"] + j["bootstrapSeconds"]
st = s["gridSeconds"] + s["bootstrapSeconds"]
print(f"ratio SciPy/Java (all cores): {st / jt:.1f}x computed, {scipy_wall / java_wall:.1f}x wall clock")
if j1:
    jt1 = j1["fitSeconds"] + j1["bootstrapSeconds"]
    print(f"ratio SciPy/Java (1 core):    {st / jt1:.1f}x computed, {scipy_wall / java_one_wall:.1f}x wall clock")
print(f"evaluations: Java grid {j['evaluations']}, SciPy grid {s['gridEvaluations']}; "
      f"Java kernel: {j.get('kernel', '?')}")
PYEOF
