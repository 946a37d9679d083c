package dev.hwplan.scaling.fit;

import java.util.Arrays;

/**
 * Adapts {@link HuberLogLoss} to Commons Math's separate value and gradient functions: the
 * optimiser asks for both at each point, and one pass computes both. It also remembers the best
 * point seen, which is the answer when an evaluation limit stops the optimiser. Not thread-safe:
 * one per optimisation.
 */
final class CachedObjective {
  private final HuberLogLoss objective;
  private final double[] lastX = new double[5];
  private final double[] lastGrad = new double[5];
  private double lastValue = Double.NaN;
  private boolean hasLast;
  private final double[] bestX = new double[5];
  private double bestValue = Double.POSITIVE_INFINITY;

  CachedObjective(HuberLogLoss objective) {
    this.objective = objective;
  }

  double value(double[] x) {
    evaluate(x);
    return lastValue;
  }

  double[] gradient(double[] x) {
    evaluate(x);
    return lastGrad.clone();
  }

  double[] bestPoint() {
    return bestX.clone();
  }

  double bestValue() {
    return bestValue;
  }

  private void evaluate(double[] x) {
    if (hasLast && Arrays.equals(x, lastX)) {
      return;
    }
    System.arraycopy(x, 0, lastX, 0, 5);
    lastValue = objective.valueAndGradient(x, lastGrad);
    hasLast = true;
    if (lastValue < bestValue) {
      bestValue = lastValue;
      System.arraycopy(x, 0, bestX, 0, 5);
    }
  }
}
