package dev.hwplan.perf.calibration;

import dev.hwplan.op.Collective;
import dev.hwplan.perf.GpuCalibration;
import dev.hwplan.perf.Spread;
import dev.hwplan.perf.attention.PrefillAttentionModels;
import dev.hwplan.perf.attention.SdpaFlashTimeModel;
import dev.hwplan.perf.attention.SplitKTimeModel;
import dev.hwplan.perf.comm.CollectiveTimeModel;
import dev.hwplan.perf.elementwise.ElementwiseTimeModel;
import dev.hwplan.perf.gemm.GemmTimeModel;
import dev.hwplan.perf.gemm.GroupedGemmTimeModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Fits a {@link GpuCalibration} to committed measurements: each family's parameters minimise the
 * sum of squared log errors (relative errors, so microsecond GEMVs weigh as much as millisecond
 * GEMMs) over the rows {@code use} accepts, by Nelder-Mead on the logarithms of the parameters
 * ({@link NelderMead}; deterministic: no random starts). One fitter per family: {@link GemmFitter},
 * {@link DecodeAttentionFitter}, {@link PrefillAttentionFitter}, {@link GroupedGemmFitter}, {@link
 * CollectiveFitter}, {@link ElementwiseFitter}; the rows and the ops they timed come from {@link
 * FitData} and {@link RowOps}. A family without rows comes from the fallback calibration, and says
 * so in the notes.
 */
public final class CalibrationFitter {
  private final FitData data;

  /**
   * @param data the GPUs to fit on
   * @param use which row keys may be fitted (the training side of a split, or all)
   */
  public CalibrationFitter(List<Measurements> data, Predicate<String> use) {
    this.data = new FitData(data, use);
  }

  /** Fits every family that has rows; the others come from {@code fallback} (may be null). */
  public GpuCalibration fit(String id, GpuCalibration fallback) {
    List<String> notes = new ArrayList<>();
    List<String> fittedOn = data.measurements().stream().map(Measurements::profileId).toList();
    double read =
        data.fraction(
            Measurements::readBytesPerSecond, fallback == null ? 0.93 : fallback.readFraction());
    double copy =
        data.fraction(
            Measurements::copyBytesPerSecond, fallback == null ? 0.85 : fallback.copyFraction());
    Map<String, Spread> spreads = new HashMap<>();

    Families families = new Families(fallback, spreads, notes);
    GemmTimeModel gemm =
        families.fitted(
            "gemm",
            "gemm",
            "GEMM",
            GemmFitter.fit(data, read),
            m -> GemmFitter.spread(data, m, read),
            GpuCalibration::gemm);
    SplitKTimeModel attention =
        families.fitted(
            "attention",
            "decode attention",
            "decode-attention",
            DecodeAttentionFitter.fitAttention(data, read),
            m -> DecodeAttentionFitter.attentionSpread(data, m, read),
            GpuCalibration::attention);
    SplitKTimeModel mla =
        families.fitted(
            "mla",
            "MLA decode",
            "MLA decode",
            DecodeAttentionFitter.fitMla(data, read, attention),
            m -> DecodeAttentionFitter.mlaSpread(data, m, read),
            GpuCalibration::mla);
    SdpaFlashTimeModel sdpa =
        families.fitted(
            "sdpa-flash",
            "SDPA flash",
            "SDPA flash",
            DecodeAttentionFitter.fitSdpa(data, read),
            m -> DecodeAttentionFitter.sdpaSpread(data, m, read),
            GpuCalibration::sdpaFlash);
    PrefillAttentionModels prefill = PrefillAttentionFitter.fit(data, read, spreads);
    if (prefill == null && fallback != null && fallback.prefillAttention() != null) {
      prefill = fallback.prefillAttention();
      for (String f :
          List.of("prefill-flash", "prefill-flash-bwd", "prefill-cudnn", "prefill-cudnn-bwd")) {
        spreads.put(f, fallback.spread(f));
      }
      notes.add(
          "prefill attention calibrated on "
              + String.join(", ", fallback.fittedOn())
              + " and transferred through the profile");
    }
    GroupedGemmTimeModel grouped = GroupedGemmFitter.fit(data, read, gemm, spreads);
    if (grouped == null && fallback != null && fallback.groupedGemm() != null) {
      grouped = fallback.groupedGemm();
      spreads.put("grouped-gemm", fallback.spread("grouped-gemm"));
      spreads.put("expert-loop", fallback.spread("expert-loop"));
      notes.add(
          "grouped GEMM calibrated on "
              + String.join(", ", fallback.fittedOn())
              + " and transferred through the profile");
    }
    Map<Collective, CollectiveTimeModel> collectives = CollectiveFitter.fit(data, spreads);
    if (collectives.isEmpty() && fallback != null) {
      collectives = fallback.collectives();
      spreads.put("collective", fallback.spread("collective"));
      if (!collectives.isEmpty()) {
        notes.add(
            "collectives from the NCCL measurements of "
                + String.join(", ", measuredOn(collectives))
                + ", through the link bandwidth of the profile");
      }
    }
    GpuCalibration partial =
        new GpuCalibration(
            id,
            fittedOn,
            read,
            copy,
            gemm,
            attention,
            mla,
            sdpa,
            prefill,
            grouped,
            collectives,
            new ElementwiseTimeModel(0),
            spreads,
            notes);
    return ElementwiseFitter.fit(data, partial, fallback);
  }

  /**
   * The families that every calibration has: each fitted where the data has rows of it, else taken
   * from the fallback calibration with its spread and a note.
   */
  private record Families(
      GpuCalibration fallback, Map<String, Spread> spreads, List<String> notes) {

    /**
     * {@code model} with its spread under {@code family}, or when it is null (no rows) {@code
     * fallback}'s model and spread, noted as {@code "<noted> efficiencies from <fallback>"};
     * without a fallback, fails naming {@code what}.
     */
    <M> M fitted(
        String family,
        String what,
        String noted,
        M model,
        Function<M, Spread> spread,
        Function<GpuCalibration, M> fromFallback) {
      if (model != null) {
        spreads.put(family, spread.apply(model));
        return model;
      }
      if (fallback == null) {
        throw new IllegalStateException("no " + what + " measurements to calibrate on");
      }
      spreads.put(family, fallback.spread(family));
      notes.add(noted + " efficiencies from " + fallback.id());
      return fromFallback.apply(fallback);
    }
  }

  /** The profiles whose NCCL rows the collectives were fitted on, sorted. */
  private static List<String> measuredOn(Map<Collective, CollectiveTimeModel> collectives) {
    Set<String> on = new TreeSet<>();
    collectives.values().forEach(m -> on.addAll(m.measuredOn()));
    return List.copyOf(on);
  }
}
