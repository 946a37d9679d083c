package dev.hwplan.hardware;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.hwplan.io.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The peak figures a datasheet states, each with the unit of the hierarchy that produces it. Keys
 * match the {@code datasheetPeakTflops} section of a profile.
 */
public enum PeakKey {
  FP64(Engine.VECTOR),
  FP64_TENSOR,
  FP32(Engine.VECTOR),
  TF32,
  FP16,
  BF16,
  FP8,
  FP6,
  FP4,
  INT8,
  INT4,
  /** GeForce parts run FP16 with FP16 accumulate at twice the FP32-accumulate rate. */
  FP16_FP16_ACCUMULATE(Engine.TENSOR_FP16_ACCUMULATE),
  FP8_FP16_ACCUMULATE(Engine.TENSOR_FP16_ACCUMULATE);

  /** Which part of the hierarchy computes a peak. */
  public enum Engine {
    /** CUDA cores: SMs x FLOP/clk/SM x boost clock. */
    VECTOR,
    /** Tensor cores with FP32 accumulate: tensor cores x FLOP/clk/TC x tensor clock. */
    TENSOR,
    /** Tensor cores with FP16 accumulate. */
    TENSOR_FP16_ACCUMULATE
  }

  private final String key;
  private final DType dtype;
  private final Engine engine;

  /** A tensor-core peak (FP32 accumulate). */
  PeakKey() {
    this(Engine.TENSOR);
  }

  /**
   * The dtype is the first part of the name ({@code FP8_FP16_ACCUMULATE}: FP8), the key the name in
   * lower camel case ({@code fp8Fp16Accumulate}).
   */
  PeakKey(Engine engine) {
    String[] parts = name().split("_");
    StringBuilder k = new StringBuilder(parts[0].toLowerCase(Locale.ROOT));
    for (int i = 1; i < parts.length; i++) {
      k.append(parts[i].charAt(0)).append(parts[i].substring(1).toLowerCase(Locale.ROOT));
    }
    this.key = k.toString();
    this.dtype = DType.valueOf(parts[0]);
    this.engine = engine;
  }

  @JsonValue
  public String key() {
    return key;
  }

  public DType dtype() {
    return dtype;
  }

  public Engine engine() {
    return engine;
  }

  @JsonCreator
  public static PeakKey parse(String key) {
    for (PeakKey k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    throw new InvalidInputException(
        "",
        "",
        "unknown peak '"
            + key
            + "' (known: "
            + Arrays.stream(values()).map(PeakKey::key).collect(Collectors.joining(", "))
            + ")");
  }
}
