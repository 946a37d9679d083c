package dev.hwplan.scaling.fit;

import java.util.ArrayList;
import java.util.List;

/** Selections over a set of runs. */
public final class ScalingRuns {
  private ScalingRuns() {}

  /**
   * Leaves out the {@code k} highest-loss runs, by Besiroglu et al. 2024's rule (keep {@code loss <
   * sorted(losses)[-k]}; ties with the k-th highest go too). They drop 5 of Hoffmann's 245 points.
   */
  public static List<ScalingRun> dropHighestLoss(List<ScalingRun> runs, int k) {
    if (k <= 0) {
      return List.copyOf(runs);
    }
    if (k >= runs.size()) {
      return List.of();
    }
    double[] losses = runs.stream().mapToDouble(ScalingRun::loss).sorted().toArray();
    double cut = losses[losses.length - k];
    List<ScalingRun> kept = new ArrayList<>();
    for (ScalingRun r : runs) {
      if (r.loss() < cut) {
        kept.add(r);
      }
    }
    return List.copyOf(kept);
  }
}
