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

    GemmTimeModel gemm = GemmFitter.fit(data, read);
    if (gemm == null) {
      gemm = require(fallback, "gemm").gemm();
      spreads.put("gemm", fallback.spread("gemm"));
      notes.add("GEMM efficiencies from " + fallback.id());
    } else {
      spreads.put("gemm", GemmFitter.spread(data, gemm, read));
    }
    SplitKTimeModel attention = DecodeAttentionFitter.fitAttention(data, read);
    if (attention == null) {
      attention = require(fallback, "decode attention").attention();
      spreads.put("attention", fallback.spread("attention"));
      notes.add("decode-attention efficiencies from " + fallback.id());
    } else {
      spreads.put("attention", DecodeAttentionFitter.attentionSpread(data, attention, read));
    }
    SplitKTimeModel mla = DecodeAttentionFitter.fitMla(data, read, attention);
    if (mla == null) {
      mla = require(fallback, "MLA decode").mla();
      spreads.put("mla", fallback.spread("mla"));
      notes.add("MLA decode efficiencies from " + fallback.id());
    } else {
      spreads.put("mla", DecodeAttentionFitter.mlaSpread(data, mla, read));
    }
    SdpaFlashTimeModel sdpa = DecodeAttentionFitter.fitSdpa(data, read);
    if (sdpa == null) {
      sdpa = require(fallback, "SDPA flash").sdpaFlash();
      spreads.put("sdpa-flash", fallback.spread("sdpa-flash"));
      notes.add("SDPA flash efficiencies from " + fallback.id());
    } else {
      spreads.put("sdpa-flash", DecodeAttentionFitter.sdpaSpread(data, sdpa, read));
    }
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
                + String.join(", ", fallback.fittedOn())
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

  private static GpuCalibration require(GpuCalibration fallback, String what) {
    if (fallback == null) {
      throw new IllegalStateException("no " + what + " measurements to calibrate on");
    }
    return fallback;
  }
}
