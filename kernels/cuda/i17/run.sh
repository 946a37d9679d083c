#!/usr/bin/env bash
# Issue 17 held-out H200 training steps (run after the planner was frozen); results to $OUT.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export HWPLAN_GIT_COMMIT="${HWPLAN_GIT_COMMIT:-unknown}" PYTHONUNBUFFERED=1 CUDA_VISIBLE_DEVICES=0
GRID=validation STAGES="env train" DEADLINE_S=200 OUT="$OUT" bash "$HERE/../run_fidelity.sh"
echo "=== new shapes"
timeout 170 python3 "$HERE/new_shapes.py" --deadline-s 140 --out "$OUT/train-steps-new-shapes.json" 2>&1 | tee "$OUT/new-shapes.log"
ls -la "$OUT"
