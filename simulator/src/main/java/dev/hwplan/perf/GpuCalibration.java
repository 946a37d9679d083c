package dev.hwplan.perf;

import dev.hwplan.op.Collective;
import dev.hwplan.perf.attention.PrefillAttentionModels;
import dev.hwplan.perf.attention.SdpaFlashTimeModel;
import dev.hwplan.perf.attention.SplitKTimeModel;
import dev.hwplan.perf.comm.CollectiveTimeModel;
import dev.hwplan.perf.elementwise.ElementwiseTimeModel;
import dev.hwplan.perf.gemm.GemmTimeModel;
import dev.hwplan.perf.gemm.GroupedGemmTimeModel;
import java.util.List;
import java.util.Map;

/**
 * Fitted efficiencies of the calibrated mode. Every figure is a fraction of a profile peak, a
 * per-CTA fraction of one SM, or a latency, so a calibration fitted on one GPU predicts another
 * through that GPU's profile (SMs, clocks, peaks, bandwidth, link).
 *
 * @param id what this calibration is, e.g. {@code h100-sxm} or {@code pooled}
 * @param fittedOn the profiles whose measurements were fitted
 * @param readFraction achieved streaming read bandwidth over the profile's HBM bandwidth
 * @param copyFraction achieved copy bandwidth (read + write bytes) over the profile's bandwidth
 * @param prefillAttention calibrated prefill attention (forward and backward, flash and cuDNN);
 *     null where no prefill attention was measured (prefill then takes the GEMM efficiencies)
 * @param groupedGemm the MoE experts' grouped GEMM and per-expert loop; null where not measured
 *     (the experts then take the GEMM efficiencies with shared waves)
 * @param collectives per collective; may lack some (see {@link #collective(Collective)})
 * @param spreads residual spreads by family: {@code gemm}, {@code attention}, {@code sdpa-flash},
 *     {@code mla}, {@code collective}, {@code elementwise}
 */
public record GpuCalibration(
    String id,
    List<String> fittedOn,
    double readFraction,
    double copyFraction,
    GemmTimeModel gemm,
    SplitKTimeModel attention,
    SplitKTimeModel mla,
    SdpaFlashTimeModel sdpaFlash,
    PrefillAttentionModels prefillAttention,
    GroupedGemmTimeModel groupedGemm,
    Map<Collective, CollectiveTimeModel> collectives,
    ElementwiseTimeModel elementwise,
    Map<String, Spread> spreads,
    List<String> notes) {
  public GpuCalibration {
    fittedOn = List.copyOf(fittedOn);
    collectives = Map.copyOf(collectives);
    spreads = Map.copyOf(spreads);
    notes = List.copyOf(notes);
  }

  /**
   * The model of a collective: its own fit, else all-gather's for all-to-all (the same ring
   * traffic), else any fitted collective; null when none was fitted.
   */
  public CollectiveTimeModel collective(Collective c) {
    CollectiveTimeModel m = collectives.get(c);
    if (m == null && c == Collective.ALL_TO_ALL) {
      m = collectives.get(Collective.ALL_GATHER);
    }
    if (m == null && !collectives.isEmpty()) {
      m = collectives.get(Collective.ALL_REDUCE);
      if (m == null) {
        m = collectives.values().iterator().next();
      }
    }
    return m;
  }

  public Spread spread(String family) {
    return spreads.getOrDefault(family, Spread.NONE);
  }
}
