package dev.hwplan.perf.cpu;

import dev.hwplan.kernels.AttentionShape;
import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelCases;
import dev.hwplan.kernels.KeyLayout;
import dev.hwplan.kernels.MlaShape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The shapes {@code hwplan measure cpu} runs. Calibration shapes set the ceilings; held-out shapes
 * are predicted from those ceilings and judged. Memory-bound held-out shapes have working sets of
 * 64-256 MiB, beyond any current server LLC slice; two small ones test the overhead and LLC terms.
 */
public final class CpuGrid {
  private CpuGrid() {}

  /** A shape to run, built lazily so that its inputs are allocated only when it runs. */
  public record Entry(String role, Supplier<KernelCase> build) {}

  /**
   * Sets the per-call overhead: decode attention so small that it does little but hand work to the
   * threads and merge it (its 64 KiB cache is big enough to be split over them).
   */
  public static KernelCase overhead(KernelCases k) {
    return k.decodeAttention(new AttentionShape(1, 4, 4, 64, 64), "fp32", BLOCKED);
  }

  /** Sets the matrix ceiling: a GEMM large enough to reach its steady rate. */
  public static KernelCase matrix(KernelCases k) {
    return k.gemm(1024, 1024, 1024, "fp32");
  }

  /** Sets the attention ceiling: GQA with groups of 8 over an 8 MiB KV that stays in the LLC. */
  public static KernelCase attention(KernelCases k) {
    return k.decodeAttention(new AttentionShape(1, 32, 4, 128, 2048), "fp32", BLOCKED);
  }

  /** Sets the token-major attention ceiling: the same GQA over a 16 MiB token-major cache. */
  public static KernelCase tokenMajorAttention(KernelCases k) {
    return k.decodeAttention(
        new AttentionShape(1, 32, 8, 128, 2048), "fp32", KeyLayout.TOKEN_MAJOR);
  }

  /** Sets the efficiency of streaming kernels: a GEMV over 256 MiB of fp32 weights. */
  public static KernelCase stream(KernelCases k) {
    return k.gemv(8192, 8192, "fp32");
  }

  /** Sets the MLA ceiling: 16 heads over a 4.5 MiB latent cache that stays in the LLC. */
  public static KernelCase mla(KernelCases k) {
    return k.mlaDecodeAttention(MlaShape.deepSeekV3(1, 16, 2048), "fp32");
  }

  /** The held-out shapes: every one is predicted and judged. */
  public static List<Entry> heldOut(KernelCases k, boolean quick) {
    List<Entry> e = new ArrayList<>();
    add(e, () -> k.decodeAttention(new AttentionShape(1, 32, 8, 128, 32768), "fp32", BLOCKED));
    add(e, () -> k.decodeAttention(new AttentionShape(4, 32, 8, 128, 8192), "bf16", BLOCKED));
    add(e, () -> k.mlaDecodeAttention(MlaShape.deepSeekV3(1, 16, 16384), "fp32"));
    add(e, () -> k.gemv(8192, 8192, "bf16"));
    add(e, () -> k.gemm(512, 512, 512, "fp32"));
    add(e, () -> k.gemm(1024, 1024, 1024, "bf16"));
    add(e, () -> k.decodeAttention(new AttentionShape(1, 8, 8, 64, 512), "fp32"));
    if (!quick) {
      add(e, () -> k.decodeAttention(new AttentionShape(1, 32, 32, 128, 8192), "fp32", BLOCKED));
      add(e, () -> k.decodeAttention(new AttentionShape(1, 32, 8, 128, 32768), "fp32"));
      add(e, () -> k.decodeAttention(new AttentionShape(8, 16, 1, 128, 16384), "bf16", BLOCKED));
      add(e, () -> k.mlaDecodeAttention(MlaShape.deepSeekV3(4, 16, 8192), "bf16"));
      add(e, () -> k.gemv(4096, 16384, "fp32"));
      add(e, () -> k.gemv(1024, 1024, "fp32"));
      add(e, () -> k.gemm(1536, 1536, 1536, "fp32"));
      add(e, () -> k.gemm(64, 4096, 4096, "bf16"));
      add(e, () -> k.rmsNorm(64, 8192));
    }
    return e;
  }

  /** Two tiny shapes, for tests of the plumbing. */
  public static List<Entry> smoke(KernelCases k) {
    List<Entry> e = new ArrayList<>();
    add(e, () -> k.decodeAttention(new AttentionShape(1, 4, 2, 16, 40), "bf16", BLOCKED));
    add(e, () -> k.gemv(16, 32, "fp32"));
    return e;
  }

  private static final KeyLayout BLOCKED = KeyLayout.BLOCKED;

  private static void add(List<Entry> e, Supplier<KernelCase> s) {
    e.add(new Entry("heldOut", s));
  }
}
