#!/usr/bin/env bash
# Issue 15 validation grids declared in session 22 (2026-12-07), run on one GPU; results to $OUT:
#   gemm-validation.json     the harness's cuBLASLt GEMMs (bf16 and fp8) on gemm-validation.txt
#   decode-validation2.json  the harness's split-K decode attention on decode-validation2.txt
#   step-profiles-train2.json  step_profile.py --set train2 --parts moe (training steps, not validation)
# with v20-env.txt (date, GPU, driver, torch, sha256 of the sources) and v20.log.
# Usage (from the repository root on the device): OUT=dir HWPLAN_GIT_COMMIT=sha bash kernels/cuda/v20/run.sh
set -u
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"   # absolute: the steps below change directory
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CUDA_DIR="$(cd "$HERE/.." && pwd)"
export HWPLAN_GIT_COMMIT="${HWPLAN_GIT_COMMIT:-unknown}" PYTHONUNBUFFERED=1 CUDA_VISIBLE_DEVICES=0
grid() { grep -v '^#' "$1" | tr -d ' ' | grep -v '^$' | paste -sd, -; }
{
  date -u +%FT%TZ
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,power.limit --format=csv
  python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
  echo "commit $HWPLAN_GIT_COMMIT"
  (cd "$CUDA_DIR" && sha256sum src/* scripts/*.py v20/*)
} > "$OUT/v20-env.txt" 2>&1
LOG="$OUT/v20.log"
# The harness writes its JSON when it ends: the timeouts leave room (the calibration run took 12 s
# for 280 GEMM rows and 12 s for 48 decode shapes on an H100; the build 17 s).
make -s -C "$CUDA_DIR" -j8 all >>"$LOG" 2>&1 || { echo "!!! harness build failed" | tee -a "$LOG"; exit 1; }
BIN="$CUDA_DIR/build/hwplan-cuda-harness"
echo "=== gemm validation" | tee -a "$LOG"
timeout 200 "$BIN" --sections bandwidth,gemm --gemm-grid "$(grid "$HERE/gemm-validation.txt")" \
  > "$OUT/gemm-validation.json" 2>>"$LOG"
echo "rc=$?" | tee -a "$LOG"
echo "=== decode validation 2" | tee -a "$LOG"
timeout 200 "$BIN" --sections decode --decode-grid "$(grid "$HERE/decode-validation2.txt")" \
  > "$OUT/decode-validation2.json" 2>>"$LOG"
echo "rc=$?" | tee -a "$LOG"
echo "=== train2 steps" | tee -a "$LOG"
(cd "$CUDA_DIR/scripts" && timeout 150 python3 step_profile.py --set train2 --parts moe --deadline-s 120 \
  --out "$OUT/step-profiles-train2.json") 2>&1 | tee -a "$LOG"
echo "rc=${PIPESTATUS[0]}" | tee -a "$LOG"
date -u +%FT%TZ >> "$OUT/v20-env.txt"
ls -la "$OUT"
