package dev.hwplan.op;

import dev.hwplan.io.InvalidInputException;
import java.util.Locale;

/**
 * Which decode-attention implementation an op runs, because their costs differ by shape.
 *
 * <ul>
 *   <li>{@link #SPLIT_K}: a flash-decoding kernel that splits the context across CTAs and reduces
 *       the partial softmaxes (Dao et al. 2023, "Flash-Decoding"), with the query heads of one KV
 *       head packed into the MMA's rows; the hwplan CUDA harness kernel, as serving engines run.
 *   <li>{@link #SDPA_FLASH}: PyTorch {@code scaled_dot_product_attention} on its flash backend, as
 *       the committed Llama decode step ran it: the grouped query rows are padded to a 128-row tile
 *       per KV head (FlashAttention-2's {@code kBlockM}), so it does 128/group times the work. In
 *       prefill, PyTorch's FlashAttention-2 kernels.
 *   <li>{@link #CUDNN}: SDPA's cuDNN backend (cuDNN fused flash attention), prefill only.
 * </ul>
 */
public enum AttentionKernel {
  SPLIT_K,
  SDPA_FLASH,
  CUDNN;

  private final String key = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** The lower-case key used in JSON and on the command line. */
  public String key() {
    return key;
  }

  public static AttentionKernel parse(String s, String field) {
    if (s != null) {
      for (AttentionKernel k : values()) {
        if (k.key().equalsIgnoreCase(s.trim()) || k.name().equalsIgnoreCase(s.trim())) {
          return k;
        }
      }
    }
    throw InvalidInputException.option(
        field, "unknown attention kernel '" + s + "' (known: split-k, sdpa-flash, cudnn)");
  }
}
