package dev.hwplan.step;

import dev.hwplan.io.Keyed;
import dev.hwplan.op.AttentionKernel;
import java.util.List;

/**
 * How the software stack launches the small ops of a layer, which sets their kernel count.
 *
 * <ul>
 *   <li>{@link #FUSED}: a serving engine (vLLM, SGLang, TensorRT-LLM): fused add+RMSNorm, RoPE
 *       fused with the KV-cache write, fused SiLU-and-mul, split-K decode attention.
 *   <li>{@link #EAGER}: plain PyTorch ops under a CUDA graph, as {@code
 *       kernels/cuda/scripts/llama_decode.py} runs Llama: RMSNorm in 8 kernels (float, pow, mean,
 *       add, rsqrt, mul, cast, weight), RoPE in 5 per tensor (mul, neg, cat, mul, add), 2 cache
 *       writes, SiLU and mul apart, residual adds apart, SDPA's flash backend for attention.
 *   <li>{@link #COMPILED}: the fused form as PyTorch runs it ({@code
 *       kernels/cuda/scripts/step_forms.py} "fused"): each layer's norms, RoPE, activations,
 *       residual adds and MoE routing compiled by TorchInductor into fused Triton kernels, GEMMs in
 *       cuBLAS, attention through SDPA's flash backend (decode included: no split-KV decode
 *       kernel), the whole step in one CUDA graph. RoPE runs as one Triton kernel per tensor (q, k)
 *       and the K/V cache writes are two strided copies between the compiled pieces, as in the
 *       eager form; {@link #FUSED} fuses RoPE with the cache write and has a split-K decode
 *       attention.
 * </ul>
 */
public enum Execution implements Keyed.ByName {
  FUSED(1, 1, 1, 0, true, 1, AttentionKernel.SPLIT_K, AttentionKernel.SDPA_FLASH),
  EAGER(8, 5, 2, 1, false, 1, AttentionKernel.SDPA_FLASH, AttentionKernel.SDPA_FLASH),
  COMPILED(1, 1, 1, 0, false, 1.036, AttentionKernel.SDPA_FLASH, AttentionKernel.SDPA_FLASH);

  /** Kernels of one RMSNorm. */
  public final int normKernels;

  /** Kernels of RoPE on one tensor (fused: on q and k together, with the cache write). */
  public final int ropeKernels;

  /** Kernels of the activation (SiLU and the gate product). */
  public final int activationKernels;

  /** Kernels of one residual add (0: fused into the next norm). */
  public final int residualKernels;

  /**
   * Whether RoPE writes K and V into the cache in the same kernel (a serving engine's fused
   * kernel). In the eager and compiled forms the cache writes are two strided copies of their own:
   * {@code step_forms.py} writes the cache between the compiled pieces ({@code kc[:, :, :n] = k}),
   * and the profiles show them there ({@code direct_copy_kernel}, two a layer, in both forms).
   */
  public final boolean ropeWritesCache;

  /**
   * The factor on compute-bound op times in this form (1: as calibrated). The compiled step runs
   * its GEMMs and attention nearly back to back (its norms, RoPE and activations are a few fused
   * kernels), and the same kernels take longer there than between the eager step's memory-bound
   * kernels or alone: a clock lowered by the sustained load, as the measured ratios suggest.
   *
   * <p>Compiled: 1.036, the median, over the 20 GEMM and attention kernels (each above 1% of its
   * step) that both graphs of the training profiles' prefill rows run with the same name and count
   * ({@code kernels/cuda/results/h200-sxm/step-profiles-train.json}, {@code profiles.fused} over
   * {@code profiles.graph}), of their time ratios (0.958 to 1.078). The decode rows' kernels,
   * memory-bound, run alike in both graphs (about 0.95 to 1.02), as such a clock would have them.
   */
  public final double computeBoundScale;

  public final AttentionKernel decodeAttention;

  /**
   * The prefill attention kernel: FlashAttention-2 through SDPA in both forms (what the device
   * measured; {@code kernels/cuda/scripts/step_forms.py} pins SDPA to its flash backend).
   */
  public final AttentionKernel prefillAttention;

  Execution(
      int norm,
      int rope,
      int act,
      int residual,
      boolean ropeWritesCache,
      double computeBoundScale,
      AttentionKernel attention,
      AttentionKernel prefill) {
    this.prefillAttention = prefill;
    this.normKernels = norm;
    this.ropeKernels = rope;
    this.activationKernels = act;
    this.residualKernels = residual;
    this.ropeWritesCache = ropeWritesCache;
    this.computeBoundScale = computeBoundScale;
    this.decodeAttention = attention;
    this.key = Keyed.ByName.super.key();
  }

  /** {@link Keyed.ByName}'s key, derived once (every estimate reports it). */
  private final String key;

  @Override
  public String key() {
    return key;
  }

  public static Execution parse(String s, String field) {
    return Keyed.parse(List.of(values()), s, field, "execution");
  }
}
