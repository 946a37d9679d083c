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
 *       kernel), the whole step in one CUDA graph. {@link #FUSED} differs only in its split-K
 *       decode attention.
 * </ul>
 */
public enum Execution implements Keyed.ByName {
  FUSED(1, 1, 1, 0, AttentionKernel.SPLIT_K, AttentionKernel.SDPA_FLASH),
  EAGER(8, 5, 2, 1, AttentionKernel.SDPA_FLASH, AttentionKernel.SDPA_FLASH),
  COMPILED(1, 1, 1, 0, AttentionKernel.SDPA_FLASH, AttentionKernel.SDPA_FLASH);

  /** Kernels of one RMSNorm. */
  public final int normKernels;

  /** Kernels of RoPE on one tensor (fused: on q and k together, with the cache write). */
  public final int ropeKernels;

  /** Kernels of the activation (SiLU and the gate product). */
  public final int activationKernels;

  /** Kernels of one residual add (0: fused into the next norm). */
  public final int residualKernels;

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
      AttentionKernel attention,
      AttentionKernel prefill) {
    this.prefillAttention = prefill;
    this.normKernels = norm;
    this.ropeKernels = rope;
    this.activationKernels = act;
    this.residualKernels = residual;
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
