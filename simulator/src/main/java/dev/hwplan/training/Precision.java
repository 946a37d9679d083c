package dev.hwplan.training;

import dev.hwplan.hardware.DType;
import dev.hwplan.io.Keyed;
import java.util.List;

/**
 * How a trainable model copy stores its weights, gradients and Adam state, in bytes per parameter
 * (before any ZeRO sharding), and the matrix type its linear layers run at.
 *
 * <ul>
 *   <li>{@link #AMP}: PyTorch automatic mixed precision: fp32 parameters and gradients, bf16
 *       autocast in the forward, Adam's two fp32 moments: 4 + 4 + 8 = 16 B/param. Autocast also
 *       keeps a bf16 copy of every weight it casts from the forward to that weight's backward (2
 *       B/param of the linear weights, counted as an activation-lifetime buffer).
 *   <li>{@link #MIXED}: bf16 parameters and gradients with fp32 master weights and moments: 2 + 2 +
 *       12 = 16 B/param, the accounting of the ZeRO paper (Rajbhandari et al. 2020, section 3.1:
 *       "2Ψ + 2Ψ + KΨ" with K = 12).
 *   <li>{@link #BF16_FP32_MASTER}: Megatron-LM's default: bf16 parameters, fp32 gradient
 *       accumulation buffer ({@code main_grad}), fp32 master weights and moments: 2 + 4 + 12 = 18
 *       B/param (Megatron-LM docs, distributed optimizer: "bf16 param, fp32 grads: 18 bytes").
 *   <li>{@link #BF16}: everything in bf16, Adam moments too: 2 + 2 + 4 = 8 B/param.
 *   <li>{@link #FP8}: Transformer Engine fp8 GEMMs on top of {@link #BF16_FP32_MASTER}: an fp8 copy
 *       of the weights (and of their transposes for the backward, 2 x 1 B) besides the bf16 ones: 2
 *       + 2 + 4 + 12 = 20 B/param; GEMM inputs saved for the backward in fp8.
 * </ul>
 *
 * @param weightBytes bytes of the stored model weights (with fp8 copies) per parameter
 * @param gradBytes bytes of the gradient (accumulation) buffer per parameter; also the bytes the
 *     data-parallel reduction moves
 * @param optimizerBytes bytes of master weights and Adam moments per parameter
 * @param optimizerTrafficBytes bytes Adam reads and writes per parameter in the update (fused Adam:
 *     read weights, gradient, moments and master; write them back), for the optimizer's time
 */
public enum Precision implements Keyed.ByName {
  AMP(4, 4, 8, 28, DType.BF16),
  MIXED(2, 2, 12, 30, DType.BF16),
  BF16_FP32_MASTER(2, 4, 12, 32, DType.BF16),
  BF16(2, 2, 4, 14, DType.BF16),
  FP8(4, 4, 12, 34, DType.FP8);

  public final double weightBytes;
  public final double gradBytes;
  public final double optimizerBytes;
  public final double optimizerTrafficBytes;
  public final DType linearDtype;

  Precision(double w, double g, double o, double traffic, DType linear) {
    this.weightBytes = w;
    this.gradBytes = g;
    this.optimizerBytes = o;
    this.optimizerTrafficBytes = traffic;
    this.linearDtype = linear;
  }

  /** Weights + gradients + optimizer state per parameter, unsharded. */
  public double bytesPerParam() {
    return weightBytes + gradBytes + optimizerBytes;
  }

  /** Bytes a parameter moves in the ZeRO all-gather of the weights (the 16-bit copy). */
  public double gatherBytes() {
    return this == AMP ? 4 : 2;
  }

  /** Parses a {@code --precision} value, naming {@code flag} when it is unknown. */
  public static Precision parse(String s, String flag) {
    return Keyed.parse(List.of(values()), s, flag, "precision");
  }
}
