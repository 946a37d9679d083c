#!/usr/bin/env bash
# Fidelity II / training-planner measurements (issues 15 and 17) on one GPU, PyTorch side only; results to $OUT.
#
#   OUT=/some/dir kernels/cuda/run_fidelity.sh                      # all stages, training grids
#   STAGES="prefill grouped" OUT=/some/dir kernels/cuda/run_fidelity.sh
#   GRID=validation OUT=/some/dir kernels/cuda/run_fidelity.sh      # the held-out grids (only after the
#                                                                   # models are frozen); files get -validation
#
# Stages: env (nvidia-smi, versions), prefill (prefill_attention.py), grouped (grouped_gemm.py),
# steps (step_forms.py), train (train_step.py). Each stage is its own process with a timeout and an internal
# deadline (it writes its JSON with what it measured and lists what it dropped). GPU 0 only.
# Extra arguments per stage: PREFILL_ARGS, GROUPED_ARGS, STEPS_ARGS, TRAIN_ARGS.
# Files in $OUT: fidelity.log, env.txt, prefill-attention.json, grouped-gemm.json, steps-eager-fused.json,
# train-steps.json (with -validation before .json for GRID=validation).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$HERE/build/out}"
STAGES="${STAGES:-env prefill grouped steps train}"
GRID="${GRID:-training}"
DEADLINE_S="${DEADLINE_S:-570}"
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
export CUDA_VISIBLE_DEVICES="${CUDA_VISIBLE_DEVICES:-0}"
if [ -z "${HWPLAN_GIT_COMMIT:-}" ]; then
  HWPLAN_GIT_COMMIT="$(git -C "$HERE" rev-parse HEAD 2>/dev/null || true)"
  export HWPLAN_GIT_COMMIT
fi
SUF=""; [ "$GRID" != "training" ] && SUF="-$GRID"
exec > >(tee -a "$OUT/fidelity$SUF.log") 2>&1
T0=$(date +%s)
stamp() { echo "=== [$(( $(date +%s) - T0 ))s] $*"; }
has() { case " $STAGES " in *" $1 "*) return 0;; esac; return 1; }
# timeout for a stage: at most $1 seconds and never past the whole-script deadline
budget() { local left=$(( DEADLINE_S - ($(date +%s) - T0) - 5 )); [ "$left" -lt "$1" ] && echo "$left" || echo "$1"; }
# internal deadline of a stage: its timeout minus a margin for the last item and the JSON
inner() { local b; b=$(budget "$1"); echo $(( b > $2 ? b - $2 : 1 )); }
S="$HERE/scripts"

if has env; then
  stamp "environment (git commit ${HWPLAN_GIT_COMMIT:-unknown}, grid $GRID)"
  {
    date -u +%Y-%m-%dT%H:%M:%SZ
    echo "git commit: ${HWPLAN_GIT_COMMIT:-unknown}"
    nvidia-smi --query-gpu=index,name,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw,power.limit --format=csv || true
    python3 -c "import torch, triton, sys; print('python', sys.version.split()[0]); print('torch', torch.__version__, 'cuda', torch.version.cuda, 'cudnn', torch.backends.cudnn.version(), 'triton', triton.__version__); print('device', torch.cuda.get_device_name(0)); print('grouped_mm', hasattr(torch, '_grouped_mm'))" || true
    uname -r
  } 2>&1 | tee "$OUT/env$SUF.txt"
fi

# one measuring stage: stage NAME SECONDS MARGIN SCRIPT FILE TITLE [ARGS]: runs scripts/SCRIPT on the
# grid with a timeout of at most SECONDS and an internal deadline MARGIN seconds before it, into
# $OUT/FILE$SUF.json; ARGS (unquoted, one word each) are the stage's extra arguments
stage() {
  has "$1" || return 0
  stamp "$6"
  T=$(budget "$2"); timeout "$T" python3 "$S/$4" --grid "$GRID" --deadline-s "$(inner "$2" "$3")" \
      --out "$OUT/$5$SUF.json" ${7:-} || echo "!!! $1 stage exited with $?"
}

stage prefill 190 30 prefill_attention.py prefill-attention \
  "prefill attention (flash, cudnn; forward and backward)" "${PREFILL_ARGS:-}"
stage grouped 85 20 grouped_gemm.py grouped-gemm \
  "grouped GEMM (torch._grouped_mm vs per-expert loop)" "${GROUPED_ARGS:-}"
stage steps 220 45 step_forms.py steps-eager-fused \
  "whole steps, eager vs fused (Llama-3.1-8B, Mixtral-8x7B 4 layers)" "${STEPS_ARGS:-}"
stage train 130 25 train_step.py train-steps \
  "training steps (fwd / bwd / AdamW, recompute, peak memory)" "${TRAIN_ARGS:-}"
stamp "done"
ls -la "$OUT"
