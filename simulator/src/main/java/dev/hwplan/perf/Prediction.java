package dev.hwplan.perf;

import dev.hwplan.perf.device.Bound;
import java.util.List;

/**
 * The predicted time of one execution of an op.
 *
 * @param mode the mode that produced {@code seconds} (a measured request that fell back says {@code
 *     calibrated}, with a note)
 * @param lowSeconds the low end of the interval: for calibrated, from the 5th percentile of the
 *     calibration's residuals for this op kind; for measured, the fastest sample; for sol, equal to
 *     {@code seconds}
 * @param highSeconds the high end, from the 95th percentile of the residuals or the slowest sample
 * @param bound the largest term of the model
 * @param efficiency the roofline (sol) time over this time: 1 at the roofline
 * @param solSeconds the roofline time, for reference
 */
public record Prediction(
    String op,
    Mode mode,
    double seconds,
    double lowSeconds,
    double highSeconds,
    Bound bound,
    double efficiency,
    double solSeconds,
    double flops,
    double bytes,
    List<String> notes) {
  public Prediction {
    notes = List.copyOf(notes);
  }

  /** This prediction with {@code note} inserted at {@code index} of its notes. */
  public Prediction withNote(int index, String note) {
    List<String> more = new java.util.ArrayList<>(notes);
    more.add(index, note);
    return new Prediction(
        op,
        mode,
        seconds,
        lowSeconds,
        highSeconds,
        bound,
        efficiency,
        solSeconds,
        flops,
        bytes,
        more);
  }
}
