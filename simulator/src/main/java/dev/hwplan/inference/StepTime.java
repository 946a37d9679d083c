package dev.hwplan.inference;

import java.util.List;

/**
 * A step's predicted time: the sum of its ops (they run one after another on a GPU), with the
 * interval as the sum of the ops' intervals (errors taken as fully correlated, the wide case).
 */
public record StepTime(double seconds, double lowSeconds, double highSeconds, List<OpTime> ops) {
  public StepTime {
    ops = List.copyOf(ops);
  }
}
