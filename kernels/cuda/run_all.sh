#!/usr/bin/env bash
# Build, check and time everything on a GPU machine in one go; results and logs go to $OUT.
#
#   OUT=/some/dir kernels/cuda/run_all.sh            # all single-GPU stages (+ NCCL when >= 2 GPUs)
#   STAGES="decode mla sdpa" kernels/cuda/run_all.sh # a subset
#
# Stages: bandwidth gemm decode mla (native harness, one process each), sdpa (PyTorch SDPA baseline
# on the harness's decode shapes, merged into cuda-harness.json), llama (Llama-3.1-8B decode step),
# nccl (torchrun over all visible GPUs; skipped with fewer than 2). Single-GPU stages use GPU 0.
# Files in $OUT: run.log, cuda-harness.json, llama31-8b-decode-step.json, nccl.json, summary.txt.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$HERE/build/out}"
STAGES="${STAGES:-bandwidth gemm decode mla sdpa llama nccl}"
DEADLINE_S="${DEADLINE_S:-570}"   # whole-script budget (the device tool allows 600 s per command)
mkdir -p "$OUT"
TMP="$(mktemp -d /tmp/hwplan.XXXXXX)"
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1 PYTHONUNBUFFERED=1
exec > >(tee -a "$OUT/run.log") 2>&1
T0=$(date +%s)
stamp() { echo "=== [$(( $(date +%s) - T0 ))s] $*"; }
has() { case " $STAGES " in *" $1 "*) return 0;; esac; return 1; }
# timeout for a stage: at most $1 seconds and never past the deadline (keeps 15 s for the summary)
budget() { local left=$(( DEADLINE_S - ($(date +%s) - T0) - 15 )); [ "$left" -lt "$1" ] && echo "$left" || echo "$1"; }

stamp "environment"
nvidia-smi --query-gpu=index,name,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw,power.limit --format=csv || true
nvidia-smi topo -m > "$TMP/topo.txt" 2>&1 && cat "$TMP/topo.txt"
export HWPLAN_TOPOLOGY_FILE="$TMP/topo.txt"
nvcc --version | tail -2
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'gpus', torch.cuda.device_count())"
NGPU=$(python3 -c "import torch; print(torch.cuda.device_count())" 2>/dev/null || echo 0)

stamp "build"
make -C "$HERE" info
if ! make -C "$HERE" -j8; then
  echo "!!! build with cuBLASLt failed; rebuilding without it (gemm section will be skipped)"
  make -C "$HERE" clean && make -C "$HERE" CUBLAS_INC= || { echo "!!! build failed"; }
fi
BIN="$HERE/build/hwplan-cuda-harness"

PARTS=()
for sec in bandwidth gemm decode mla; do
  has "$sec" || continue
  stamp "harness: $sec"
  CUDA_VISIBLE_DEVICES=0 timeout "$(budget 240)" "$BIN" --sections "$sec" > "$TMP/part-$sec.json"
  rc=$?
  [ $rc -ne 0 ] && echo "!!! harness section $sec exited with $rc"
  [ -s "$TMP/part-$sec.json" ] && PARTS+=("$TMP/part-$sec.json")
done

if [ ${#PARTS[@]} -gt 0 ]; then
  stamp "sdpa baseline + merge"
  if has sdpa; then
    CUDA_VISIBLE_DEVICES=0 timeout "$(budget 300)" python3 "$HERE/scripts/sdpa_baseline.py" --parts "${PARTS[@]}" --out "$OUT/cuda-harness.json" \
      || { echo "!!! sdpa stage failed; merging without SDPA"
           python3 "$HERE/scripts/merge_parts.py" --skip-unreadable "$OUT/cuda-harness.json" "${PARTS[@]}"; }
  else
    CUDA_VISIBLE_DEVICES=0 python3 "$HERE/scripts/merge_parts.py" "$OUT/cuda-harness.json" "${PARTS[@]}"
  fi
fi

if has llama; then
  stamp "llama-3.1-8b decode step"
  CUDA_VISIBLE_DEVICES=0 timeout "$(budget 240)" python3 "$HERE/scripts/llama_decode.py" --out "$OUT/llama31-8b-decode-step.json" \
    || echo "!!! llama stage failed"
fi

if has nccl && [ "$NGPU" -ge 2 ]; then
  stamp "nccl collectives on $NGPU GPUs"
  (cd "$HERE/scripts" && timeout "$(budget 240)" python3 -m torch.distributed.run --standalone --nproc_per_node="$NGPU" \
      nccl_bench.py --out "$OUT/nccl.json") || echo "!!! nccl stage failed"
fi

stamp "summary"
python3 "$HERE/scripts/summarize.py" "$OUT"
stamp "done"
