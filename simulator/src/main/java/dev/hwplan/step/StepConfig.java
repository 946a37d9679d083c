package dev.hwplan.step;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;

/**
 * What a step runs: the model, its split over GPUs, the storage types and the software stack.
 *
 * @param mlaLayout for MLA models: decode over the latent cache (absorbed) or over expanded K/V
 */
public record StepConfig(
    ModelSpec model,
    Parallelism parallelism,
    WeightDtype weights,
    KvDtype kv,
    MlaLayout mlaLayout,
    Execution execution) {
  public StepConfig {
    parallelism.validateFor(model);
  }

  /** One GPU, bf16 weights and cache, latent MLA, a fused serving stack. */
  public static StepConfig of(ModelSpec model) {
    return of(model, Parallelism.single());
  }

  /** The split {@code p}, bf16 weights and cache, latent MLA, a fused serving stack. */
  public static StepConfig of(ModelSpec model, Parallelism p) {
    return of(model, p, WeightDtype.BF16, MlaLayout.LATENT);
  }

  /** The split {@code p}, weights {@code w}, a bf16 cache, MLA as {@code mla}, a fused stack. */
  public static StepConfig of(ModelSpec model, Parallelism p, WeightDtype w, MlaLayout mla) {
    return new StepConfig(model, p, w, KvDtype.BF16, mla, Execution.FUSED);
  }

  /**
   * This configuration as it runs on {@code gpu}: fp8 weights on a GPU whose profile has no fp8
   * arithmetic (an A100) run weight-only ({@link WeightDtype#FP8_WEIGHT_ONLY}, W8A16), as vLLM runs
   * an fp8 checkpoint there; otherwise this.
   */
  public StepConfig on(GpuProfile gpu) {
    return weights.equals(WeightDtype.FP8) && gpu.peakFlops(DType.FP8).isEmpty()
        ? new StepConfig(model, parallelism, WeightDtype.FP8_WEIGHT_ONLY, kv, mlaLayout, execution)
        : this;
  }

  /**
   * The matrix type of the linear layers: W8A8 for fp8 and int8 (as vLLM runs fp8 checkpoints),
   * 16-bit arithmetic with dequantised weights for int4 and weight-only fp8 (W4A16 and W8A16, AWQ,
   * GPTQ and Marlin kernels).
   */
  public DType linearDtype() {
    return switch (weights.key()) {
      case "fp8" -> DType.FP8;
      case "int8" -> DType.INT8;
      case "fp16" -> DType.FP16;
      default -> DType.BF16;
    };
  }

  /** Activation bytes per element entering the linear layers (8-bit for W8A8). */
  public double linearActivationBytes() {
    return weights.bits() == 8 && !weights.weightOnly() ? 1.0 : 2.0;
  }

  /**
   * Stored bytes per weight, block scales included, for matrices {@code inputWidth} wide (2 when
   * the format covers the routed experts only).
   */
  public double weightBytes(long inputWidth) {
    return weights.expertsOnly() ? 2.0 : expertWeightBytes(inputWidth);
  }

  /** Stored bytes per routed-expert weight, block scales included. */
  public double expertWeightBytes(long inputWidth) {
    return weights.bytes(1_000_000L, inputWidth) / 1_000_000.0;
  }

  /** Stored bytes per cached element, scales included, for vectors of {@code dim}. */
  public double kvBytes(int dim) {
    return kv.bits() / 8.0 + kv.scaleOverheadBytesPerElement(dim);
  }
}
