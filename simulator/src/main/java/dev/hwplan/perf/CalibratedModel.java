package dev.hwplan.perf;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpKind;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Phase;
import dev.hwplan.perf.attention.PrefillAttentionModels;
import dev.hwplan.perf.attention.PrefillAttentionTimeModel;
import dev.hwplan.perf.comm.CollectiveTimeModel;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.device.Terms;
import dev.hwplan.perf.gemm.GemmTimeModel;
import java.util.List;

/**
 * {@code calibrated}: the roofline with fitted efficiencies (see the time models for each family's
 * formula). The interval is the prediction scaled by the 5th and 95th percentile of measured over
 * predicted in the calibration's fitting rows of the same family.
 */
public final class CalibratedModel implements OpTimeModel {
  private final DevicePeaks peaks;
  private final GpuCalibration cal;
  private final double readBandwidth;
  private final double copyBandwidth;

  /** Residual spreads by family, looked up once (predict is the estimators' hot path). */
  private final Spread gemmSpread;

  private final Spread attentionSpread;
  private final Spread sdpaFlashSpread;
  private final Spread mlaSpread;
  private final Spread elementwiseSpread;
  private final Spread collectiveSpread;
  private final Spread groupedSpread;
  private final Spread[] prefillSpreads = new Spread[4];

  private static final String GROUPED_GEMM_NOTE =
      "grouped GEMM: cuBLAS GEMM efficiencies with the tiles of every group sharing waves (no grouped-GEMM measurements)";
  private static final String PREFILL_ATTENTION_NOTE =
      "prefill attention: GEMM latency, bandwidth and bf16 matrix fraction (FlashAttention-3 reaches GEMM-like utilisation, Shah et al. 2024); no prefill-attention measurements";
  private static final String NO_COLLECTIVE_NOTE =
      "no collective calibration: link at its peak, no latency";

  private static final List<String> GROUPED_GEMM_NOTES = List.of(GROUPED_GEMM_NOTE);
  private static final List<String> PREFILL_ATTENTION_NOTES = List.of(PREFILL_ATTENTION_NOTE);
  private static final List<String> NO_COLLECTIVE_NOTES = List.of(NO_COLLECTIVE_NOTE);

  public CalibratedModel(GpuProfile gpu, GpuCalibration cal) {
    this(DevicePeaks.of(gpu), cal);
  }

  /** The model on a GPU whose peaks are already derived (they carry its GEMM-utilisation memo). */
  public CalibratedModel(DevicePeaks peaks, GpuCalibration cal) {
    this.peaks = peaks;
    this.cal = cal;
    this.readBandwidth = peaks.memoryBandwidthBytesPerSecond() * cal.readFraction();
    this.copyBandwidth = peaks.memoryBandwidthBytesPerSecond() * cal.copyFraction();
    this.gemmSpread = cal.spread("gemm");
    this.attentionSpread = cal.spread("attention");
    this.sdpaFlashSpread = cal.spread("sdpa-flash");
    this.mlaSpread = cal.spread("mla");
    this.elementwiseSpread = cal.spread("elementwise");
    this.collectiveSpread = cal.spread("collective");
    this.groupedSpread = cal.groupedGemm() == null ? gemmSpread : cal.spread("grouped-gemm");
    int i = 0;
    for (AttentionKernel k :
        new AttentionKernel[] {AttentionKernel.SDPA_FLASH, AttentionKernel.CUDNN}) {
      for (boolean bwd : new boolean[] {false, true}) {
        prefillSpreads[i++] =
            cal.prefillAttention() == null
                ? gemmSpread
                : cal.spread(PrefillAttentionModels.family(k, bwd));
      }
    }
  }

  public GpuProfile gpu() {
    return peaks.gpu();
  }

  /** The GPU's derived peaks (with its GEMM-utilisation memo). */
  public DevicePeaks peaks() {
    return peaks;
  }

  public GpuCalibration calibration() {
    return cal;
  }

  @Override
  public Mode mode() {
    return Mode.CALIBRATED;
  }

  /** The calibrated terms of {@code op}; {@code notes} collects caveats when not null. */
  public Terms terms(Op op, List<String> notes) {
    OpShape shape = op.shape();
    if (shape instanceof OpShape.Gemm g) {
      return cal.gemm().time(peaks, readBandwidth, op.dtype(), g, op.bytes());
    }
    if (shape instanceof OpShape.GroupedGemm g
        && op.kind() == OpKind.GROUPED_GEMM
        && cal.groupedGemm() != null) {
      return cal.groupedGemm().time(peaks, readBandwidth, op.dtype(), g, op.flops(), op.bytes());
    }
    if (shape instanceof OpShape.GroupedGemm g) {
      if (op.kind() == OpKind.GROUPED_GEMM) {
        note(notes, GROUPED_GEMM_NOTE);
      }
      return cal.gemm().time(peaks, readBandwidth, op.dtype(), g, op.bytes());
    }
    if (shape instanceof OpShape.Attention a) {
      if (a.phase() == Phase.PREFILL && cal.prefillAttention() != null) {
        boolean backward = op.kind() == OpKind.ATTENTION_BACKWARD;
        return cal.prefillAttention()
            .model(a.kernel(), backward)
            .time(peaks, readBandwidth, a, op.bytes(), a.kernel(), backward);
      }
      if (a.phase() == Phase.PREFILL) {
        note(notes, PREFILL_ATTENTION_NOTE);
        GemmTimeModel gm = cal.gemm();
        double mem = op.bytes() / (gm.bandwidthFraction() * readBandwidth);
        double mma = op.flops() / (gm.bf16MatrixFraction() * peaks.peakFlops(DType.BF16));
        return new Terms(
            gm.latencySeconds(), mem, mma, 0, gm.latencySeconds() + Math.max(mem, mma));
      }
      if (prefillKernel(a)) {
        return cal.prefillAttention()
            .model(AttentionKernel.SDPA_FLASH, false)
            .time(
                peaks,
                readBandwidth,
                PrefillAttentionTimeModel.flashDecodeAsPrefill(a),
                op.bytes(),
                AttentionKernel.SDPA_FLASH,
                false);
      }
      return a.kernel() == AttentionKernel.SDPA_FLASH
          ? cal.sdpaFlash().time(peaks, readBandwidth, a, op.bytes())
          : cal.attention().time(peaks, readBandwidth, a, op.bytes());
    }
    if (shape instanceof OpShape.Mla a) {
      return cal.mla().time(peaks, readBandwidth, a, op.bytes());
    }
    if (shape instanceof OpShape.Elementwise e) {
      return cal.elementwise().time(e, op.bytes(), copyBandwidth);
    }
    if (shape instanceof OpShape.Comm c) {
      CollectiveTimeModel cm = cal.collective(c.collective());
      if (cm == null) {
        note(notes, NO_COLLECTIVE_NOTE);
        cm = new CollectiveTimeModel(0, 1);
      }
      return cm.time(peaks, c);
    }
    throw new IllegalStateException("unknown shape " + shape);
  }

  @Override
  public Prediction predict(Op op) {
    Terms t = terms(op, null);
    Spread s = spread(op);
    double sol = solSeconds(op);
    return new Prediction(
        op.kind().key(),
        Mode.CALIBRATED,
        t.seconds(),
        t.seconds() * s.lowRatio(),
        t.seconds() * s.highRatio(),
        t.bound(),
        t.seconds() > 0 ? sol / t.seconds() : 1,
        sol,
        op.flops(),
        op.bytes(),
        notes(op));
  }

  /** {@link SolModel#seconds}. */
  private double solSeconds(Op op) {
    return SolModel.seconds(op, peaks);
  }

  /** The notes {@link #terms} adds for {@code op}, as one shared immutable list. */
  private List<String> notes(Op op) {
    OpShape shape = op.shape();
    if (shape instanceof OpShape.GroupedGemm
        && op.kind() == OpKind.GROUPED_GEMM
        && cal.groupedGemm() == null) {
      return GROUPED_GEMM_NOTES;
    }
    if (shape instanceof OpShape.Attention a
        && a.phase() == Phase.PREFILL
        && cal.prefillAttention() == null) {
      return PREFILL_ATTENTION_NOTES;
    }
    if (shape instanceof OpShape.Comm c && cal.collective(c.collective()) == null) {
      return NO_COLLECTIVE_NOTES;
    }
    return List.of();
  }

  /** {@code cal.spread(family(op))} without the string lookup. */
  private Spread spread(Op op) {
    return switch (op.kind()) {
      case GEMM -> gemmSpread;
      case GROUPED_GEMM -> groupedSpread;
      case ATTENTION_PREFILL, ATTENTION_BACKWARD ->
          prefillSpreads[
              (((OpShape.Attention) op.shape()).kernel() == AttentionKernel.CUDNN ? 2 : 0)
                  + (op.kind() == OpKind.ATTENTION_BACKWARD ? 1 : 0)];
      case ATTENTION_DECODE ->
          prefillKernel((OpShape.Attention) op.shape())
              ? prefillSpreads[0]
              : ((OpShape.Attention) op.shape()).kernel() == AttentionKernel.SDPA_FLASH
                  ? sdpaFlashSpread
                  : attentionSpread;
      case MLA_DECODE -> mlaSpread;
      case ELEMENTWISE, EMBEDDING -> elementwiseSpread;
      case COLLECTIVE, P2P -> collectiveSpread;
    };
  }

  /**
   * Whether decode shape {@code a} runs on SDPA flash's prefill kernel ({@link
   * PrefillAttentionTimeModel#flashDecodeRunsPrefillKernel}) and is timed by the prefill model.
   */
  private boolean prefillKernel(OpShape.Attention a) {
    return a.phase() == Phase.DECODE
        && cal.prefillAttention() != null
        && PrefillAttentionTimeModel.flashDecodeRunsPrefillKernel(a, peaks.sms());
  }

  /** The residual family of an op, as {@link GpuCalibration#spreads()} keys it. */
  public static String family(Op op) {
    return switch (op.kind()) {
      case GEMM -> "gemm";
      case GROUPED_GEMM -> "grouped-gemm";
      case ATTENTION_PREFILL, ATTENTION_BACKWARD ->
          PrefillAttentionModels.family(
              ((OpShape.Attention) op.shape()).kernel(), op.kind() == OpKind.ATTENTION_BACKWARD);
      case ATTENTION_DECODE ->
          ((OpShape.Attention) op.shape()).kernel() == AttentionKernel.SDPA_FLASH
              ? "sdpa-flash"
              : "attention";
      case MLA_DECODE -> "mla";
      case ELEMENTWISE, EMBEDDING -> "elementwise";
      case COLLECTIVE, P2P -> "collective";
    };
  }

  private static void note(List<String> notes, String s) {
    if (notes != null) {
      notes.add(s);
    }
  }
}
