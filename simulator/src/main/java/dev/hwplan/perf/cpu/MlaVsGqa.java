package dev.hwplan.perf.cpu;

import dev.hwplan.kernels.AttentionShape;
import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelCases;
import dev.hwplan.kernels.KernelRunner;
import dev.hwplan.kernels.KeyLayout;
import dev.hwplan.kernels.MlaShape;
import dev.hwplan.kernels.Timing;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Absorbed MLA decode attention against GQA decode attention whose KV cache holds the same bytes:
 * DeepSeek-V3's MLA (128 heads, kv_lora_rank 512, RoPE 64: 576 cached elements per token) and
 * Llama-3-8B's GQA (32 query heads, 8 KV heads of 128: 2048 cached elements per token, K blocked).
 * At equal memory MLA holds 3.6 × the tokens, and does about 136 FLOP per cached element where GQA
 * does 8, so MLA is bound by the FMA units where GQA is bound by memory bandwidth.
 *
 * @param cacheBytes the bytes each cache holds
 * @param rows MLA first, then GQA
 */
public record MlaVsGqa(double cacheBytes, List<Row> rows) {

  /** Cached elements per token of the GQA shape: K and V, 8 KV heads of 128. */
  static final int GQA_ELEMENTS_PER_TOKEN = 2 * 8 * 128;

  /** Cached elements per token of DeepSeek-V3's MLA: the latent and the RoPE key. */
  static final int MLA_ELEMENTS_PER_TOKEN = 512 + 64;

  /**
   * One kernel at the shared cache size.
   *
   * @param seconds the fastest sample
   * @param readBytesPerSecond STREAM read of the same measurement, the memory ceiling
   * @param fmaFlopsPerSecond the FMA loop of the same measurement, the compute ceiling
   */
  public record Row(
      String kind,
      String dtype,
      Map<String, Integer> shape,
      int context,
      double cacheBytes,
      double flops,
      double bytes,
      Timing timing,
      double readBytesPerSecond,
      double fmaFlopsPerSecond) {

    public double seconds() {
      return timing.minSeconds();
    }

    public double bytesPerSecond() {
      return bytes / seconds();
    }

    public double flopsPerSecond() {
      return flops / seconds();
    }

    public double flopsPerByte() {
      return flops / bytes;
    }

    /** {@code memory} or {@code compute}: the ceiling that takes longer for this work. */
    public String bound() {
      return bytes / readBytesPerSecond >= flops / fmaFlopsPerSecond ? "memory" : "compute";
    }

    /** Achieved rate as a fraction of the binding ceiling. */
    public double fractionOfBound() {
      return Math.max(bytes / readBytesPerSecond, flops / fmaFlopsPerSecond) / seconds();
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", kind);
      m.put("dtype", dtype);
      m.put("shape", shape);
      m.put("context", context);
      m.put("cacheBytes", cacheBytes);
      m.put("flops", flops);
      m.put("bytes", bytes);
      m.put("seconds", seconds());
      m.put("medianSeconds", timing.medianSeconds());
      m.put("relativeSpread", timing.relativeSpread());
      m.put("bytesPerSecond", bytesPerSecond());
      m.put("flopsPerSecond", flopsPerSecond());
      m.put("flopsPerByte", flopsPerByte());
      m.put("fractionOfReadBandwidth", bytesPerSecond() / readBytesPerSecond);
      m.put("fractionOfFmaPeak", flopsPerSecond() / fmaFlopsPerSecond);
      m.put("bound", bound());
      m.put("fractionOfBound", fractionOfBound());
      return m;
    }
  }

  /** The MLA row. */
  public Row mla() {
    return rows.get(0);
  }

  /** The GQA row. */
  public Row gqa() {
    return rows.get(1);
  }

  /** MLA's time over GQA's, at equal memory. */
  public double mlaOverGqaSeconds() {
    return mla().seconds() / gqa().seconds();
  }

  /** MLA's time per cached token over GQA's: the cost of a token of context. */
  public double mlaOverGqaSecondsPerToken() {
    return (mla().seconds() / mla().context()) / (gqa().seconds() / gqa().context());
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cacheBytes", cacheBytes);
    m.put("mlaOverGqaSeconds", mlaOverGqaSeconds());
    m.put("mlaOverGqaSecondsPerToken", mlaOverGqaSecondsPerToken());
    m.put("rows", rows.stream().map(Row::toMap).toList());
    return m;
  }

  /** The GQA shape whose fp32 or bf16 cache holds {@code cacheBytes}. */
  public static AttentionShape gqaShape(double cacheBytes, int bytesPerElement) {
    int context =
        (int) Math.max(16, cacheBytes / ((double) GQA_ELEMENTS_PER_TOKEN * bytesPerElement));
    return new AttentionShape(1, 32, 8, 128, context);
  }

  /** DeepSeek-V3's MLA shape whose fp32 or bf16 cache holds {@code cacheBytes}. */
  public static MlaShape mlaShape(double cacheBytes, int bytesPerElement) {
    int context =
        (int) Math.max(16, cacheBytes / ((double) MLA_ELEMENTS_PER_TOKEN * bytesPerElement));
    return MlaShape.deepSeekV3(1, 128, context);
  }

  /**
   * Times both at fp32 with caches of {@code cacheBytes} each ({@code smoke}: tiny shapes of equal
   * bytes, for the plumbing only).
   */
  static MlaVsGqa measure(
      KernelCases cases,
      KernelRunner.Settings settings,
      double cacheBytes,
      boolean smoke,
      double readBytesPerSecond,
      double fmaFlopsPerSecond) {
    KernelCase mla;
    KernelCase gqa;
    int mlaContext;
    int gqaContext;
    double bytes;
    if (smoke) {
      // 32 cached elements per token each: 2 x 1 KV head of 16, and a latent of 28 + RoPE 4.
      AttentionShape g = new AttentionShape(1, 4, 1, 16, 64);
      MlaShape m = new MlaShape(1, 2, 28, 4, 64, 0.5f);
      mla = cases.mlaDecodeAttention(m, "fp32");
      gqa = cases.decodeAttention(g, "fp32", KeyLayout.BLOCKED);
      mlaContext = m.context();
      gqaContext = g.context();
      bytes = m.cacheBytes(4);
    } else {
      MlaShape m = mlaShape(cacheBytes, 4);
      AttentionShape g = gqaShape(cacheBytes, 4);
      mla = cases.mlaDecodeAttention(m, "fp32");
      gqa = cases.decodeAttention(g, "fp32", KeyLayout.BLOCKED);
      mlaContext = m.context();
      gqaContext = g.context();
      bytes = g.cacheBytes(4);
    }
    Timing mt = KernelRunner.time(mla.call(), settings);
    Timing gt = KernelRunner.time(gqa.call(), settings);
    return new MlaVsGqa(
        bytes,
        List.of(
            row("mla", mla, mlaContext, mt, readBytesPerSecond, fmaFlopsPerSecond),
            row("gqa", gqa, gqaContext, gt, readBytesPerSecond, fmaFlopsPerSecond)));
  }

  private static Row row(
      String kind, KernelCase c, int context, Timing t, double read, double fma) {
    double cache =
        kind.equals("mla")
            ? (double) context
                * (c.shape().get("kvLoraRank") + c.shape().get("ropeDim"))
                * c.shape().get("batch")
                * 4
            : 2.0
                * context
                * c.shape().get("kvHeads")
                * c.shape().get("headDim")
                * c.shape().get("batch")
                * 4;
    return new Row(kind, c.dtype(), c.shape(), context, cache, c.flops(), c.bytes(), t, read, fma);
  }
}
