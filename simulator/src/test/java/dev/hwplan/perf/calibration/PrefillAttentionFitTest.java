package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The prefill-attention fit on its training rows ({@code prefill-attention.json}, H200, 184 causal
 * shapes per backend): the errors of the product's calibration on the rows it was fitted to. This
 * is the fit's quality, not a validation; the limits pin today's figures with a small margin.
 */
class PrefillAttentionFitTest {
  record Errors(int n, double median, double p90, double max, double coverage) {}

  static Errors errors(AttentionKernel kernel, boolean backward) {
    GpuProfile gpu = ProfileCatalog.bundled().get("h200-sxm");
    OpTimeModel model = Calibrations.model(gpu, Mode.CALIBRATED);
    List<Double> errors = new ArrayList<>();
    int inside = 0;
    for (Rows.PrefillAttention r :
        Calibrations.measurements("h200-sxm").orElseThrow().prefillAttention()) {
      if (RowOps.prefillKernel(r) != kernel) {
        continue;
      }
      Prediction p = model.predict(RowOps.prefillOp(r, backward));
      double m = PrefillAttentionFitter.measured(r, backward);
      errors.add(Math.abs(p.seconds() / m - 1));
      if (m >= p.lowSeconds() && m <= p.highSeconds()) {
        inside++;
      }
    }
    double[] e = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Errors(
        e.length,
        Stats.percentile(e, 0.5),
        Stats.percentile(e, 0.9),
        e[e.length - 1],
        inside / (double) e.length);
  }

  @Test
  void trainingErrors() {
    double[][] limits = {
      {0.06, 0.13, 0.30}, {0.05, 0.13, 0.28}, {0.045, 0.08, 0.23}, {0.05, 0.13, 0.25}
    };
    int i = 0;
    for (AttentionKernel k : List.of(AttentionKernel.SDPA_FLASH, AttentionKernel.CUDNN)) {
      for (boolean bwd : new boolean[] {false, true}) {
        Errors e = errors(k, bwd);
        System.out.printf(
            Locale.ROOT, "prefill %s %s training %s%n", k.key(), bwd ? "bwd" : "fwd", e);
        assertThat(e.n()).isEqualTo(184);
        assertThat(e.median()).as("median").isLessThan(limits[i][0]);
        assertThat(e.p90()).as("p90").isLessThan(limits[i][1]);
        assertThat(e.max()).as("max").isLessThan(limits[i][2]);
        i++;
      }
    }
  }
}
