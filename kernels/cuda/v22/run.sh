#!/usr/bin/env bash
# Session 24 (2026-12-08), declared for the next session with a GPU (results to $OUT; ~2 min):
#   serving-step-validation.json   the fused form as a serving engine runs a whole decode step
#                                  (v22/serving-step-validation.txt, the harness's --sections step)
#   gemm-validation2.json          v21/gemm-validation2.txt (234 GEMM rows, for freeze XX's interval)
# with v22-env.txt (date, GPU, driver, sha256 of the sources) and v22.log. On an H200 also run
# v21/run.sh (its validation grids were measured on an H100 only).
# Usage (from the repository root on the device): OUT=dir HWPLAN_GIT_COMMIT=sha bash kernels/cuda/v22/run.sh
set -u
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"   # absolute: the steps below change directory
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CUDA_DIR="$(cd "$HERE/.." && pwd)"
export HWPLAN_GIT_COMMIT="${HWPLAN_GIT_COMMIT:-unknown}" CUDA_VISIBLE_DEVICES=0
grid() { grep -v '^#' "$1" | tr -d ' ' | grep -v '^$' | paste -sd, -; }
{
  date -u +%FT%TZ
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,power.limit --format=csv
  echo "commit $HWPLAN_GIT_COMMIT"
  (cd "$CUDA_DIR" && sha256sum src/* v21/* v22/*)
} > "$OUT/v22-env.txt" 2>&1
LOG="$OUT/v22.log"
make -s -C "$CUDA_DIR" -j8 all >>"$LOG" 2>&1 || { echo "!!! harness build failed" | tee -a "$LOG"; exit 1; }
BIN="$CUDA_DIR/build/hwplan-cuda-harness"
step() { echo "=== $1 $(date -u +%T)" | tee -a "$LOG"; }
step "serving step validation (v22 grid)"
timeout 300 "$BIN" --sections bandwidth,step --step-grid "$(grid "$HERE/serving-step-validation.txt")" \
  > "$OUT/serving-step-validation.json" 2>>"$LOG"; echo "rc=$?" | tee -a "$LOG"
step "gemm validation 2 (v21 grid)"
timeout 200 "$BIN" --sections bandwidth,gemm --gemm-grid "$(grid "$CUDA_DIR/v21/gemm-validation2.txt")" \
  > "$OUT/gemm-validation2.json" 2>>"$LOG"; echo "rc=$?" | tee -a "$LOG"
date -u +%FT%TZ >> "$OUT/v22-env.txt"
ls -la "$OUT"
