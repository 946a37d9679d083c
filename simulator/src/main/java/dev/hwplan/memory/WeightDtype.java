package dev.hwplan.memory;

import dev.hwplan.io.Keyed;
import java.util.List;
import java.util.Locale;

/**
 * How linear-layer weights are stored. Quantised formats apply to the attention, MLP and expert
 * matrices; embeddings, norms, routers and the output head stay in 16 bits, as AWQ, GPTQ and vLLM's
 * FP8 checkpoints keep them.
 *
 * @param bits storage bits per weight
 * @param groupSize weights per scale group along the input dimension, 0 for per output channel
 *     (group = the input width), -1 for none
 * @param scaleBytes bytes of scale (and zero point) per group
 */
public record WeightDtype(
    String key, int bits, int groupSize, double scaleBytes, String description) implements Keyed {
  public static final WeightDtype BF16 = new WeightDtype("bf16", 16, -1, 0, "bfloat16");
  public static final WeightDtype FP16 = new WeightDtype("fp16", 16, -1, 0, "float16");

  /** DeepSeek-V3 style FP8: e4m3 with one fp32 scale per 128x128 block. */
  public static final WeightDtype FP8 =
      new WeightDtype("fp8", 8, 128 * 128, 4, "fp8 e4m3, one fp32 scale per 128x128 block");

  /**
   * {@link #FP8} weights on a GPU without fp8 arithmetic (an A100): stored alike, dequantised to
   * bf16 in the kernel for bf16 arithmetic (W8A16), as vLLM's FP8 Marlin kernels run an fp8
   * checkpoint on Ampere.
   */
  public static final WeightDtype FP8_WEIGHT_ONLY =
      new WeightDtype(
          "fp8-w8a16",
          8,
          128 * 128,
          4,
          "fp8 e4m3 weights, one fp32 scale per 128x128 block, dequantised for bf16 arithmetic");

  /** int8 weights with one fp16 scale per output channel (SmoothQuant/W8A8 style). */
  public static final WeightDtype INT8 =
      new WeightDtype("int8", 8, 0, 2, "int8, one fp16 scale per output channel");

  /** int4 as AWQ/GPTQ store it: groups of 128 with an fp16 scale and a 4-bit zero point. */
  public static final WeightDtype INT4 =
      new WeightDtype(
          "int4", 4, 128, 2.5, "int4, groups of 128 with fp16 scale + 4-bit zero (AWQ/GPTQ)");

  /**
   * MXFP4 on the routed experts only, everything else in bf16, as gpt-oss's released checkpoints
   * store them (their quantization_config leaves attention, router, embedding and head
   * unconverted): OCP Microscaling v1.0 e2m1 elements in blocks of 32 sharing one 8-bit E8M0 scale,
   * 4.25 bits a weight (gpt-oss model card, section 2). On Hopper the experts run as W4A16.
   */
  public static final WeightDtype MXFP4 =
      new WeightDtype(
          "mxfp4",
          4,
          32,
          1,
          "routed experts MXFP4 (e2m1, blocks of 32 with an E8M0 scale), the rest bf16");

  public static final List<WeightDtype> ALL =
      List.of(BF16, FP16, FP8, FP8_WEIGHT_ONLY, INT8, INT4, MXFP4);

  /** Whether the weights are dequantised for 16-bit arithmetic though stored in 8 bits. */
  public boolean weightOnly() {
    return key.equals(FP8_WEIGHT_ONLY.key);
  }

  /** Whether only the routed experts are stored so, everything else in bf16 ({@link #MXFP4}). */
  public boolean expertsOnly() {
    return key.equals("mxfp4");
  }

  /**
   * Parses a key or a Hugging Face / vLLM spelling; unknown keys are bad input on {@code option}.
   */
  public static WeightDtype parse(String key, String option) {
    WeightDtype d = sixteenBit(key, BF16, FP16);
    return d != null ? d : Keyed.parse(ALL, key, option, "weights dtype");
  }

  /**
   * The 16-bit type that a Hugging Face / vLLM spelling names, for weights and KV cache alike:
   * {@code auto} and {@code bfloat16} are {@code bf16}, {@code float16} and {@code half} are {@code
   * fp16} (trimmed, case ignored); null for any other key.
   */
  static <D> D sixteenBit(String key, D bf16, D fp16) {
    String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
    if (k.equals("auto") || k.equals("bfloat16")) {
      return bf16;
    }
    if (k.equals("float16") || k.equals("half")) {
      return fp16;
    }
    return null;
  }

  /** Bytes for {@code params} weights of matrices whose input width is {@code inputWidth}. */
  public double bytes(long params, long inputWidth) {
    double payload = params * (bits / 8.0);
    if (groupSize < 0) {
      return payload;
    }
    double group = groupSize == 0 ? inputWidth : groupSize;
    return payload + params / group * scaleBytes;
  }
}
