package dev.hwplan.hardware;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.hwplan.io.InvalidInputException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The peak figures a datasheet states, each with the unit of the hierarchy that produces it. Keys
 * match the {@code datasheetPeakTflops} section of a profile.
 */
public enum PeakKey {
  FP64("fp64", DType.FP64, Engine.VECTOR),
  FP64_TENSOR("fp64Tensor", DType.FP64, Engine.TENSOR),
  FP32("fp32", DType.FP32, Engine.VECTOR),
  TF32("tf32", DType.TF32, Engine.TENSOR),
  FP16("fp16", DType.FP16, Engine.TENSOR),
  BF16("bf16", DType.BF16, Engine.TENSOR),
  FP8("fp8", DType.FP8, Engine.TENSOR),
  FP6("fp6", DType.FP6, Engine.TENSOR),
  FP4("fp4", DType.FP4, Engine.TENSOR),
  INT8("int8", DType.INT8, Engine.TENSOR),
  INT4("int4", DType.INT4, Engine.TENSOR),
  /** GeForce parts run FP16 with FP16 accumulate at twice the FP32-accumulate rate. */
  FP16_FP16_ACCUMULATE("fp16Fp16Accumulate", DType.FP16, Engine.TENSOR_FP16_ACCUMULATE),
  FP8_FP16_ACCUMULATE("fp8Fp16Accumulate", DType.FP8, Engine.TENSOR_FP16_ACCUMULATE);

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

  PeakKey(String key, DType dtype, Engine engine) {
    this.key = key;
    this.dtype = dtype;
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
