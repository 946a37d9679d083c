package dev.hwplan.step;

import java.util.List;

/**
 * A step's predicted time: the sum of its ops (they run one after another on a GPU), with the
 * interval as the sum of the ops' intervals (errors taken as fully correlated, the wide case).
 *
 * @param ops the per-op breakdown, in graph order
 * @param notes the caveats of the op-time models behind the prediction, each once, in order
 */
public record StepTime(
    double seconds, double lowSeconds, double highSeconds, List<OpTime> ops, List<String> notes) {
  public StepTime {
    ops = List.copyOf(ops);
    notes = List.copyOf(notes);
  }
}
