package dev.hwplan.cli;

import dev.hwplan.training.LayoutSearch;
import dev.hwplan.training.TrainingPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code train --layout} without {@code --zero}: the layout at every ZeRO stage, as JSON and as one
 * line of text, beside the plan of the fastest stage that fits.
 */
final class TrainZeroStages {
  private TrainZeroStages() {}

  /** {@code zeroStages}: per stage {@code zero}, {@code stepSeconds}, {@code peakBytesPerGpu}. */
  static List<Object> json(LayoutSearch.ZeroStages z) {
    List<Object> out = new ArrayList<>();
    for (TrainingPlan p : z.stages()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("zero", p.layout().zero());
      o.put("stepSeconds", p.stepSeconds());
      o.put("peakBytesPerGpu", p.peakBytesPerGpu());
      o.put("fits", p.fits());
      out.add(o);
    }
    return out;
  }

  /** E.g. {@code ZeRO 0-3 (no --zero): 0 does not fit (84.4 GiB), 1 14.2 s, ...; shown: ZeRO1}. */
  static String line(LayoutSearch.ZeroStages z) {
    StringBuilder b = new StringBuilder("  ZeRO 0-3 tried (no --zero):");
    String sep = " ";
    for (TrainingPlan p : z.stages()) {
      b.append(sep).append(p.layout().zero());
      if (p.fits()) {
        b.append(' ').append(Units.seconds(p.stepSeconds()));
      } else {
        b.append(" does not fit (").append(Units.gib(p.peakBytesPerGpu())).append(')');
      }
      sep = ", ";
    }
    TrainingPlan best = z.best();
    b.append(
        String.format(
            Locale.ROOT,
            "; shown: ZeRO%d (%s)",
            best.layout().zero(),
            best.fits() ? "the fastest that fits" : "none fits; the smallest peak"));
    return b.toString();
  }
}
