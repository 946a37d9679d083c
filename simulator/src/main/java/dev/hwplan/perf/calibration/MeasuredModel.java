package dev.hwplan.perf.calibration;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Phase;
import dev.hwplan.perf.CalibratedModel;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.Prediction;
import dev.hwplan.perf.SolModel;
import dev.hwplan.perf.device.Terms;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code measured}: the committed measurement of this exact shape on this GPU (the median, with the
 * fastest and slowest sample as the interval); any other op falls back to {@code calibrated} and
 * says so in a note.
 */
public final class MeasuredModel implements OpTimeModel {
  private record Hit(double seconds, double low, double high, String source) {}

  private final GpuProfile gpu;
  private final CalibratedModel fallback;
  private final Map<String, Hit> hits = new HashMap<>();
  private final String[] fallbackNotes = new String[DType.values().length];

  public MeasuredModel(GpuProfile gpu, Measurements m, CalibratedModel fallback) {
    this.gpu = gpu;
    this.fallback = fallback;
    for (DType d : DType.values()) {
      fallbackNotes[d.ordinal()] =
          "no committed measurement of this shape on "
              + gpu.id()
              + (d == DType.BF16 || d == DType.FP8 ? "" : " in " + d.key())
              + ": calibrated";
    }
    if (m == null) {
      return;
    }
    for (Rows.Gemm r : m.gemm()) {
      hits.putIfAbsent(r.key(), hit(r.seconds(), r.samples(), "cuda-harness.json gemm"));
    }
    for (Rows.Attention r : m.attention()) {
      hits.putIfAbsent(r.key(), hit(r.seconds(), r.samples(), "cuda-harness.json decodeAttention"));
      if (!Double.isNaN(r.sdpaFlashSeconds())) {
        double s = r.sdpaFlashSeconds();
        hits.putIfAbsent(
            "sdpa-" + r.key(), new Hit(s, s, s, "cuda-harness.json decodeAttention sdpaAll.flash"));
      }
    }
    for (Rows.Mla r : m.mla()) {
      hits.putIfAbsent(r.key(), hit(r.seconds(), r.samples(), "cuda-harness.json mlaDecode"));
    }
    for (Rows.Collective r : m.collectives()) {
      String key = commKey((OpShape.Comm) RowOps.collectiveOp(r).shape());
      hits.putIfAbsent(key, hit(r.seconds(), r.samples(), "nccl.json"));
    }
  }

  private static Hit hit(double seconds, double[] samples, String source) {
    double lo = seconds;
    double hi = seconds;
    for (double s : samples) {
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    return new Hit(seconds, lo, hi, source);
  }

  private static String commKey(OpShape.Comm c) {
    return "comm|" + c.collective().key() + "|" + c.gpus() + "|" + (long) c.bytes();
  }

  /** The measurement key of an op, or null for shapes the harness does not measure. */
  static String key(Op op) {
    OpShape s = op.shape();
    if (s instanceof OpShape.Gemm g) {
      double in = op.dtype().bytes();
      if (g.activationBytes() != in || g.weightBytes() != in) {
        return null;
      }
      return "gemm|" + op.dtype().key() + "|" + g.m() + "|" + g.n() + "|" + g.k();
    }
    if (s instanceof OpShape.Attention a) {
      if (a.phase() != Phase.DECODE || a.headDim() != a.valueDim() || a.kvBytes() != 2) {
        return null;
      }
      String k =
          "attention|"
              + a.heads()
              + "|"
              + a.kvHeads()
              + "|"
              + a.batch()
              + "|"
              + a.context()
              + "|"
              + a.headDim();
      return a.kernel() == AttentionKernel.SDPA_FLASH ? "sdpa-" + k : k;
    }
    if (s instanceof OpShape.Mla a) {
      if (a.kvBytes() != 2) {
        return null;
      }
      return "mla|"
          + a.heads()
          + "|"
          + a.kvLoraRank()
          + "|"
          + a.ropeDim()
          + "|"
          + a.batch()
          + "|"
          + a.context();
    }
    if (s instanceof OpShape.Comm c) {
      return commKey(c);
    }
    return null;
  }

  @Override
  public Mode mode() {
    return Mode.MEASURED;
  }

  @Override
  public Prediction predict(Op op) {
    String key = key(op);
    Hit h = key == null ? null : hits.get(key);
    if (h == null) {
      return fallback.predict(op).withNote(0, fallbackNotes[op.dtype().ordinal()]);
    }
    Terms t = fallback.terms(op, null);
    double sol = SolModel.seconds(op, fallback.peaks());
    return new Prediction(
        op.kind().key(),
        Mode.MEASURED,
        h.seconds(),
        h.low(),
        h.high(),
        t.bound(),
        sol / h.seconds(),
        sol,
        op.flops(),
        op.bytes(),
        List.of("measured: " + h.source() + " (" + gpu.id() + ")"));
  }
}
