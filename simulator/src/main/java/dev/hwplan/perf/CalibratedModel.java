package dev.hwplan.perf;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Collective;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code calibrated}: the roofline with fitted efficiencies (see the time models for each family's
 * formula). The interval is the prediction scaled by the 5th and 95th percentile of measured over
 * predicted in the calibration's fitting rows of the same family; for the grouped GEMM and the
 * per-expert loop, in rows of matrices the fit did not see ({@code
 * Measurements.GROUPED_INTERVAL_FILES}, split conformal); for the GEMM, on a GPU with a sweep of
 * token counts off the fit's powers of two, in that sweep ({@code
 * Measurements.GEMM_INTERVAL_FILES}, the H100's), and the batched GEMMs with it.
 */
public final class CalibratedModel implements OpTimeModel {
  private final DevicePeaks peaks;
  private final GpuCalibration cal;
  private final double readBandwidth;
  private final double copyBandwidth;

  /**
   * The residual families as {@link #family} names them, in the order of {@link #families}: the
   * four prefill-attention families (FlashAttention-2 then cuDNN, forward then backward) in a row.
   */
  private enum Key {
    GEMM("gemm"),
    GROUPED("grouped-gemm"),
    PREFILL(PrefillAttentionModels.family(AttentionKernel.SDPA_FLASH, false)),
    PREFILL_BWD(PrefillAttentionModels.family(AttentionKernel.SDPA_FLASH, true)),
    PREFILL_CUDNN(PrefillAttentionModels.family(AttentionKernel.CUDNN, false)),
    PREFILL_CUDNN_BWD(PrefillAttentionModels.family(AttentionKernel.CUDNN, true)),
    SDPA_FLASH("sdpa-flash"),
    DECODE("attention"),
    MLA("mla"),
    ELEMENTWISE("elementwise"),
    COLLECTIVE("collective");

    private final String family;

    Key(String family) {
      this.family = family;
    }

    boolean prefill() {
      return this.compareTo(PREFILL) >= 0 && this.compareTo(PREFILL_CUDNN_BWD) <= 0;
    }
  }

  /**
   * A family's residual spread and what its predictions rest on (the GPU's own lack of
   * measurements, a family calibrated on another device, an uncalibrated family), one shared list.
   */
  private record Family(Spread spread, List<String> notes) {}

  /**
   * The families by {@link Key} ordinal, found once per op with one dispatch on its kind ({@link
   * #familyIndex}): predict is the estimators' hot path.
   */
  private final Family[] families = new Family[Key.values().length];

  private static final String GROUPED_GEMM_NOTE =
      "grouped GEMM: cuBLAS GEMM efficiencies with the tiles of every group sharing waves (no grouped-GEMM measurements)";
  private static final String PREFILL_ATTENTION_NOTE =
      "prefill attention: GEMM latency, bandwidth and bf16 matrix fraction (FlashAttention-3 reaches GEMM-like utilisation, Shah et al. 2024); no prefill-attention measurements";
  private static final String NO_COLLECTIVE_NOTE =
      "no collective calibration: link at its peak, no latency";

  private static final List<String> NO_COLLECTIVE_NOTES = List.of(NO_COLLECTIVE_NOTE);

  /**
   * All-to-all where only the other collectives were measured ({@link GpuCalibration#collective}).
   */
  private static final String ALL_TO_ALL_NOTE =
      "all-to-all not measured: timed with the all-gather fit (the same ring traffic)";

  /** The notes lists with a type's or all-to-all's note added ({@link #withNote}). */
  private final Map<Noted, List<String>> noted = new ConcurrentHashMap<>();

  /**
   * The beginnings of the calibration's notes that say a family came from another device ({@code
   * CalibrationFitter}, {@code ElementwiseFitter}), by the family ({@link #family}) they concern.
   */
  private static final Map<String, List<String>> FAMILY_NOTES =
      Map.ofEntries(
          Map.entry("gemm", List.of("GEMM efficiencies from")),
          Map.entry("attention", List.of("decode-attention efficiencies from")),
          Map.entry("mla", List.of("MLA decode efficiencies from")),
          Map.entry("sdpa-flash", List.of("SDPA flash efficiencies from")),
          Map.entry("grouped-gemm", List.of("grouped GEMM calibrated on")),
          Map.entry("collective", List.of("collectives from the NCCL measurements of")),
          Map.entry(
              "elementwise", List.of("small-kernel latency from", "no decode-step measurements")));

  /** The note of a GPU with no measurements of its own ({@code Calibrations.forGpu}). */
  private static final String NO_MEASUREMENTS = "no measurements of ";

  /** The same, with the collective's extrapolation note, by collective. */
  private final Map<Collective, List<String>> extrapolatedNotes = new EnumMap<>(Collective.class);

  public CalibratedModel(GpuProfile gpu, GpuCalibration cal) {
    this(DevicePeaks.of(gpu), cal);
  }

  /** The model on a GPU whose peaks are already derived (they carry its GEMM-utilisation memo). */
  public CalibratedModel(DevicePeaks peaks, GpuCalibration cal) {
    this.peaks = peaks;
    this.cal = cal;
    this.readBandwidth = peaks.memoryBandwidthBytesPerSecond() * cal.readFraction();
    this.copyBandwidth = peaks.memoryBandwidthBytesPerSecond() * cal.copyFraction();
    List<String> device = new ArrayList<>();
    for (String n : cal.notes()) {
      if (n.startsWith(NO_MEASUREMENTS)) {
        device.add(n);
      }
    }
    Spread gemmSpread = cal.spread("gemm");
    for (Key key : Key.values()) {
      String f = key.family;
      boolean prefill = key.prefill();
      Spread spread;
      if (key == Key.GEMM
          || key == Key.GROUPED && cal.groupedGemm() == null
          || prefill && cal.prefillAttention() == null) {
        spread = gemmSpread;
      } else {
        spread = cal.spread(f);
      }
      List<String> out = new ArrayList<>(device);
      List<String> starts =
          prefill
              ? List.of("prefill attention calibrated on")
              : FAMILY_NOTES.getOrDefault(f, List.of());
      for (String n : cal.notes()) {
        for (String start : starts) {
          if (n.startsWith(start)) {
            out.add(n);
          }
        }
      }
      if (prefill && cal.prefillAttention() == null) {
        out.add(PREFILL_ATTENTION_NOTE);
      }
      if (key == Key.GROUPED && cal.groupedGemm() == null) {
        out.add(GROUPED_GEMM_NOTE);
      }
      families[key.ordinal()] = new Family(spread, List.copyOf(out));
    }
    for (Collective c : Collective.values()) {
      CollectiveTimeModel m = cal.collective(c);
      if (m != null && m.measuredGpus() > 0) {
        List<String> out = new ArrayList<>(families[Key.COLLECTIVE.ordinal()].notes());
        out.add(
            String.format(
                Locale.ROOT,
                "%s outside the measured range (up to %d GPUs, %s to %s): the alpha-beta ring model"
                    + " extrapolated",
                c.key(),
                m.measuredGpus(),
                bytes(m.minBytes()),
                bytes(m.maxBytes())));
        extrapolatedNotes.put(c, List.copyOf(out));
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
        return cal.gemm().time(peaks, readBandwidth, op.dtype(), g, op.bytes());
      }
      return cal.gemm()
          .batchedTime(
              peaks,
              readBandwidth,
              copyBandwidth,
              op.dtype(),
              g,
              op.bytesRead(),
              op.bytesWritten(),
              GemmTimeModel.BATCHED_LATENCY_RATIO,
              GemmTimeModel.BATCHED_TILE_BYTES_PER_CYCLE);
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
      return cal.elementwise().time(e, op.bytes(), copyBandwidth, peaks.smCyclesPerSecond());
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
    Family f = families[familyIndex(op)];
    Spread s = f.spread();
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
        notes(op, f));
  }

  /** {@link SolModel#seconds}. */
  private double solSeconds(Op op) {
    return SolModel.seconds(op, peaks);
  }

  /**
   * What the prediction of {@code op}, of family {@code f}, rests on, as one shared immutable list:
   * the family's notes, or a collective's lack of calibration or its extrapolation.
   */
  private List<String> notes(Op op, Family f) {
    if (op.shape() instanceof OpShape.Comm c) {
      CollectiveTimeModel m = cal.collective(c.collective());
      if (m == null) {
        return NO_COLLECTIVE_NOTES;
      }
      List<String> base = m.extrapolates(c) ? extrapolatedNotes.get(c.collective()) : f.notes();
      return c.collective() == Collective.ALL_TO_ALL
              && !cal.collectives().containsKey(Collective.ALL_TO_ALL)
          ? withNote(base, ALL_TO_ALL_NOTE)
          : base;
    }
    String dtype = DtypeNotes.of(op, cal.groupedGemm() != null, cal.prefillAttention() != null);
    return dtype == null ? f.notes() : withNote(f.notes(), dtype);
  }

  /** {@code base} and then {@code note}, one shared immutable list per pair. */
  private List<String> withNote(List<String> base, String note) {
    return noted.computeIfAbsent(
        new Noted(base, note),
        k -> {
          List<String> out = new ArrayList<>(base);
          out.add(note);
          return List.copyOf(out);
        });
  }

  /** A family's notes with one more. */
  private record Noted(List<String> base, String note) {}

  /** Bytes as the notes print them: KiB, MiB or GiB with one decimal. */
  private static String bytes(double b) {
    if (b >= 1 << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", b / (1 << 30));
    }
    if (b >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", b / (1 << 20));
    }
    return String.format(Locale.ROOT, "%.1f KiB", b / 1024);
  }

  /**
   * The {@link Key} ordinal of the family that times {@code op}: {@link #family}, except that a
   * decode shape on SDPA flash's prefill kernel ({@link #prefillKernel}) is timed, spread and noted
   * as FlashAttention-2's prefill.
   */
  private int familyIndex(Op op) {
    return switch (op.kind()) {
      case GEMM -> Key.GEMM.ordinal();
      case GROUPED_GEMM -> Key.GROUPED.ordinal();
      case ATTENTION_PREFILL, ATTENTION_BACKWARD ->
          Key.PREFILL.ordinal()
              + (((OpShape.Attention) op.shape()).kernel() == AttentionKernel.CUDNN ? 2 : 0)
              + (op.kind() == OpKind.ATTENTION_BACKWARD ? 1 : 0);
      case ATTENTION_DECODE -> {
        OpShape.Attention a = (OpShape.Attention) op.shape();
        if (prefillKernel(a)) {
          yield Key.PREFILL.ordinal();
        }
        yield (a.kernel() == AttentionKernel.SDPA_FLASH ? Key.SDPA_FLASH : Key.DECODE).ordinal();
      }
      case MLA_DECODE -> Key.MLA.ordinal();
      case ELEMENTWISE, EMBEDDING -> Key.ELEMENTWISE.ordinal();
      case COLLECTIVE, P2P -> Key.COLLECTIVE.ordinal();
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
