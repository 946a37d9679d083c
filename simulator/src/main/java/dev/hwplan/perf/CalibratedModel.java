package dev.hwplan.perf;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code calibrated}: the roofline with fitted efficiencies (see the time models for each family's
 * formula). The interval is the prediction scaled by the 5th and 95th percentile of measured over
 * predicted in the calibration's fitting rows of the same family.
 */
public final class CalibratedModel implements OpTimeModel {
  private final GpuProfile gpu;
  private final GpuCalibration cal;
  private final double readBandwidth;
  private final double copyBandwidth;

  public CalibratedModel(GpuProfile gpu, GpuCalibration cal) {
    this.gpu = gpu;
    this.cal = cal;
    this.readBandwidth = gpu.memoryBandwidthBytesPerSecond() * cal.readFraction();
    this.copyBandwidth = gpu.memoryBandwidthBytesPerSecond() * cal.copyFraction();
  }

  public GpuProfile gpu() {
    return gpu;
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
      return cal.gemm().time(gpu, readBandwidth, op.dtype(), g, op.bytes());
    }
    if (shape instanceof OpShape.GroupedGemm g) {
      note(
          notes,
          "grouped GEMM: cuBLAS GEMM efficiencies with the tiles of every group sharing waves (no grouped-GEMM measurements)");
      return cal.gemm().time(gpu, readBandwidth, op.dtype(), g, op.bytes());
    }
    if (shape instanceof OpShape.Attention a) {
      if (a.phase() == Phase.PREFILL) {
        note(
            notes,
            "prefill attention: GEMM latency, bandwidth and bf16 matrix fraction (FlashAttention-3 reaches GEMM-like utilisation, Shah et al. 2024); no prefill-attention measurements");
        GemmTimeModel gm = cal.gemm();
        double mem = op.bytes() / (gm.bandwidthFraction() * readBandwidth);
        double mma = op.flops() / (gm.bf16MatrixFraction() * Roofline.peakFlops(gpu, DType.BF16));
        return new Terms(
            gm.latencySeconds(), mem, mma, 0, gm.latencySeconds() + Math.max(mem, mma));
      }
      return a.kernel() == AttentionKernel.SDPA_FLASH
          ? cal.sdpaFlash().time(gpu, readBandwidth, a, op.bytes())
          : cal.attention().time(gpu, readBandwidth, a, op.bytes());
    }
    if (shape instanceof OpShape.Mla a) {
      return cal.mla().time(gpu, readBandwidth, a, op.bytes());
    }
    if (shape instanceof OpShape.Elementwise e) {
      return cal.elementwise().time(e, op.bytes(), copyBandwidth);
    }
    if (shape instanceof OpShape.Comm c) {
      CollectiveTimeModel cm = cal.collective(c.collective());
      if (cm == null) {
        note(notes, "no collective calibration: link at its peak, no latency");
        cm = new CollectiveTimeModel(0, 1);
      }
      return cm.time(gpu, c);
    }
    throw new IllegalStateException("unknown shape " + shape);
  }

  @Override
  public Prediction predict(Op op) {
    List<String> notes = new ArrayList<>(2);
    Terms t = terms(op, notes);
    Spread s = cal.spread(family(op));
    double sol = SolModel.seconds(op, gpu);
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
        notes);
  }

  /** The residual family of an op, as {@link GpuCalibration#spreads()} keys it. */
  public static String family(Op op) {
    return switch (op.kind()) {
      case GEMM, GROUPED_GEMM, ATTENTION_PREFILL -> "gemm";
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
