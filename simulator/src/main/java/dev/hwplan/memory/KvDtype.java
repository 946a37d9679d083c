package dev.hwplan.memory;

import dev.hwplan.io.Keyed;
import java.util.List;
import java.util.Locale;

/**
 * How KV elements are stored. Block-scaled formats keep one scale (and zero point) per group of
 * {@code groupSize} elements along each head vector; {@code groupSize} 0 means one scale per
 * vector, and a per-tensor scale (fp8) costs nothing per token.
 *
 * @param bits storage bits per element
 * @param groupSize elements per scale group, 0 for one group per vector, -1 for per-tensor
 * @param scaleBytes bytes of scale and zero point per group
 */
public record KvDtype(String key, int bits, int groupSize, int scaleBytes, String description)
    implements Keyed {
  public static final KvDtype BF16 = new KvDtype("bf16", 16, -1, 0, "bfloat16, no scales");
  public static final KvDtype FP16 = new KvDtype("fp16", 16, -1, 0, "float16, no scales");

  /** vLLM's fp8 KV cache: e4m3 with a per-tensor scale per layer (negligible per token). */
  public static final KvDtype FP8 =
      new KvDtype("fp8", 8, -1, 0, "fp8 e4m3 with per-tensor scales (vLLM kv_cache_dtype=fp8)");

  /** int8 with one fp16 scale per token and head vector (symmetric). */
  public static final KvDtype INT8 =
      new KvDtype("int8", 8, 0, 2, "int8, one fp16 scale per token per head vector");

  /** int4 as in KIVI (Liu et al. 2024): asymmetric groups of 32 with fp16 scale and zero point. */
  public static final KvDtype INT4 =
      new KvDtype("int4", 4, 32, 4, "int4, groups of 32 with fp16 scale + fp16 zero (KIVI-style)");

  /** NVFP4 (NVIDIA Blackwell): e2m1 values with an fp8 e4m3 scale per 16 elements. */
  public static final KvDtype NVFP4 =
      new KvDtype("nvfp4", 4, 16, 1, "nvfp4, e2m1 with one e4m3 scale per 16 elements");

  public static final List<KvDtype> ALL = List.of(BF16, FP16, FP8, INT8, INT4, NVFP4);

  /** Parses a key; unknown keys are bad input on {@code option}. */
  public static KvDtype parse(String key, String option) {
    KvDtype d = WeightDtype.sixteenBit(key, BF16, FP16);
    if (d != null) {
      return d;
    }
    if (key != null && key.trim().toLowerCase(Locale.ROOT).startsWith("fp8")) {
      return FP8;
    }
    return Keyed.parse(ALL, key, option, "KV dtype");
  }

  /** Bytes to store {@code vectors} vectors of {@code dim} elements, with their scales. */
  public long bytes(long vectors, long dim) {
    long payload = (dim * bits + 7) / 8;
    long groups = groupSize < 0 ? 0 : groupSize == 0 ? 1 : (dim + groupSize - 1) / groupSize;
    return vectors * (payload + groups * scaleBytes);
  }

  /** Scale bytes per element, for reporting the overhead of block-scaled formats. */
  public double scaleOverheadBytesPerElement(long dim) {
    long groups = groupSize < 0 ? 0 : groupSize == 0 ? 1 : (dim + groupSize - 1) / groupSize;
    return groups * scaleBytes / (double) dim;
  }
}
