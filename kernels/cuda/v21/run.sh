#!/usr/bin/env bash
# Session 23 (2026-12-07), one GPU (an H200 first; results to $OUT):
#   validation on a GPU whose files the models since issue 15's freezes never saw:
#     gemm-validation.json, decode-validation2.json   the v20 grids (declared at 30d36af)
#     step-profiles-validation11.json, -validation12.json   step_profile.py's sets (declared
#       2026-12-07 before any measurement; measured on an H100 only, after freezes XVIII and XIX)
#     prefill-attention-post5.json, grouped-gemm-post11.json   freeze XIII's and XVII's grids
#   training data: gemm-train-sweep.json (v21/gemm-train-sweep.txt, with cuBLASLt's algorithm
#     choice a row), step-profiles-train2.json (the v20 set)
# with v21-env.txt (date, GPU, driver, torch, sha256 of the sources) and v21.log.
# Usage (from the repository root on the device): OUT=dir HWPLAN_GIT_COMMIT=sha bash kernels/cuda/v21/run.sh
set -u
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"   # absolute: the steps below change directory
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CUDA_DIR="$(cd "$HERE/.." && pwd)"
V20="$CUDA_DIR/v20"
export HWPLAN_GIT_COMMIT="${HWPLAN_GIT_COMMIT:-unknown}" PYTHONUNBUFFERED=1 CUDA_VISIBLE_DEVICES=0
grid() { grep -v '^#' "$1" | tr -d ' ' | grep -v '^$' | paste -sd, -; }
{
  date -u +%FT%TZ
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,power.limit --format=csv
  python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
  echo "commit $HWPLAN_GIT_COMMIT"
  (cd "$CUDA_DIR" && sha256sum src/* scripts/*.py v20/* v21/*)
} > "$OUT/v21-env.txt" 2>&1
LOG="$OUT/v21.log"
make -s -C "$CUDA_DIR" -j8 all >>"$LOG" 2>&1 || { echo "!!! harness build failed" | tee -a "$LOG"; exit 1; }
BIN="$CUDA_DIR/build/hwplan-cuda-harness"
step() { echo "=== $1 $(date -u +%T)" | tee -a "$LOG"; }
step "gemm validation (v20 grid)"
timeout 200 "$BIN" --sections bandwidth,gemm --gemm-grid "$(grid "$V20/gemm-validation.txt")" \
  > "$OUT/gemm-validation.json" 2>>"$LOG"; echo "rc=$?" | tee -a "$LOG"
step "decode validation 2 (v20 grid)"
timeout 200 "$BIN" --sections decode --decode-grid "$(grid "$V20/decode-validation2.txt")" \
  > "$OUT/decode-validation2.json" 2>>"$LOG"; echo "rc=$?" | tee -a "$LOG"
cd "$CUDA_DIR/scripts"
step "validation12 steps"
timeout 200 python3 step_profile.py --set validation12 --deadline-s 170 \
  --out "$OUT/step-profiles-validation12.json" 2>&1 | tail -3 | tee -a "$LOG"; echo "rc=${PIPESTATUS[0]}" | tee -a "$LOG"
step "validation11 steps"
timeout 120 python3 step_profile.py --set validation11 --parts moe --deadline-s 100 \
  --out "$OUT/step-profiles-validation11.json" 2>&1 | tail -3 | tee -a "$LOG"; echo "rc=${PIPESTATUS[0]}" | tee -a "$LOG"
step "prefill attention post5"
timeout 120 python3 prefill_attention.py --grid post5 --deadline-s 90 \
  --out "$OUT/prefill-attention-post5.json" 2>&1 | tail -3 | tee -a "$LOG"; echo "rc=${PIPESTATUS[0]}" | tee -a "$LOG"
step "grouped gemm post11"
timeout 120 python3 grouped_gemm.py --grid post11 --deadline-s 90 \
  --out "$OUT/grouped-gemm-post11.json" 2>&1 | tail -3 | tee -a "$LOG"; echo "rc=${PIPESTATUS[0]}" | tee -a "$LOG"
step "gemm train sweep"
timeout 200 "$BIN" --sections gemm --gemm-grid "$(grid "$HERE/gemm-train-sweep.txt")" \
  > "$OUT/gemm-train-sweep.json" 2>>"$LOG"; echo "rc=$?" | tee -a "$LOG"
step "train2 steps"
timeout 100 python3 step_profile.py --set train2 --parts moe --deadline-s 80 \
  --out "$OUT/step-profiles-train2.json" 2>&1 | tail -3 | tee -a "$LOG"; echo "rc=${PIPESTATUS[0]}" | tee -a "$LOG"
date -u +%FT%TZ >> "$OUT/v21-env.txt"
ls -la "$OUT"
