#!/usr/bin/env bash
# Issue 15 validation grids declared in session 22 (2026-12-07), run on one GPU; results to $OUT:
#   gemm-validation.json     the harness's cuBLASLt GEMMs (bf16 and fp8) on gemm-validation.txt
#   decode-validation2.json  the harness's split-K decode attention on decode-validation2.txt
#   step-profiles-train2.json  step_profile.py --set train2 --parts moe (training steps, not validation)
# with v20-env.txt (date, GPU, driver, torch, sha256 of the sources) and v20.log.
# Usage (from the repository root on the device): OUT=dir HWPLAN_GIT_COMMIT=sha bash kernels/cuda/v20/run.sh
set -u
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
exec > >(tee -a "$OUT/v20.log") 2>&1
make -s -C "$CUDA_DIR" -j8 all || { echo "!!! harness build failed"; exit 1; }
BIN="$CUDA_DIR/build/hwplan-cuda-harness"
echo "=== gemm validation"
timeout 200 "$BIN" --sections bandwidth,gemm --gemm-grid "$(grid "$HERE/gemm-validation.txt")" > "$OUT/gemm-validation.json"
echo "rc=$?"
echo "=== decode validation 2"
timeout 200 "$BIN" --sections decode --decode-grid "$(grid "$HERE/decode-validation2.txt")" > "$OUT/decode-validation2.json"
echo "rc=$?"
echo "=== train2 steps"
(cd "$CUDA_DIR/scripts" && timeout 150 python3 step_profile.py --set train2 --parts moe --deadline-s 120 --out "$OUT/step-profiles-train2.json")
echo "rc=$?"
date -u +%FT%TZ >> "$OUT/v20-env.txt"
ls -la "$OUT"
