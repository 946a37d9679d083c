package dev.hwplan.scaling.fit;

import org.apache.commons.math3.optim.ConvergenceChecker;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.GradientMultivariateOptimizer;

/**
 * Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) as a Commons Math 3.6.1 {@link
 * GradientMultivariateOptimizer}, so that it takes the usual {@code MaxEval}, {@code MaxIter},
 * {@code InitialGuess}, {@code ObjectiveFunction} and {@code ObjectiveFunctionGradient}.
 *
 * <p>Why write one: Hoffmann et al. 2022 fit their law with L-BFGS, and Commons Math 3.6.1 has no
 * quasi-Newton method. Its {@code NonLinearConjugateGradientOptimizer} finds each step with a Brent
 * line search that ignores the gradient and costs many evaluations per iteration; on the Chinchilla
 * objective it needs several times the evaluations to reach the same point.
 *
 * <p>Steps: the two-loop recursion with the last {@code memory} pairs, H0 = s'y/y'y, and a strong
 * Wolfe line search (c1 = 1e-4, c2 = 0.9). It stops when the convergence checker accepts two
 * successive points, when the largest gradient component falls below {@code gradientTolerance}, or
 * when no step decreases the objective.
 */
public final class LbfgsOptimizer extends GradientMultivariateOptimizer {
  private final int memory;
  private final double gradientTolerance;

  /**
   * @param checker accepts convergence between two iterates (e.g. a {@code SimpleValueChecker})
   * @param memory number of (s, y) pairs kept
   * @param gradientTolerance stop once max |∂f/∂x_i| is at or below this
   */
  public LbfgsOptimizer(
      ConvergenceChecker<PointValuePair> checker, int memory, double gradientTolerance) {
    super(checker);
    if (memory < 1) {
      throw new IllegalArgumentException("memory must be at least 1");
    }
    this.memory = memory;
    this.gradientTolerance = gradientTolerance;
  }

  @Override
  protected PointValuePair doOptimize() {
    final double sign = getGoalType() == GoalType.MINIMIZE ? 1 : -1;
    double[] x = getStartPoint().clone();
    final int n = x.length;
    WolfeLineSearch.Probe probe =
        (point, grad) -> {
          double v = sign * computeObjectiveValue(point);
          double[] g = computeObjectiveGradient(point);
          for (int i = 0; i < n; i++) {
            grad[i] = sign * g[i];
          }
          return v;
        };
    double[] g = new double[n];
    double f = probe.evaluate(x, g);
    double[][] s = new double[memory][n];
    double[][] y = new double[memory][n];
    double[] rho = new double[memory];
    double[] alphaK = new double[memory];
    double[] d = new double[n];
    double[] sNew = new double[n];
    double[] yNew = new double[n];
    int stored = 0;
    int newest = -1;
    WolfeLineSearch search = new WolfeLineSearch(probe, n);
    ConvergenceChecker<PointValuePair> checker = getConvergenceChecker();
    PointValuePair previous = new PointValuePair(x, sign * f);
    while (true) {
      incrementIterationCount();
      if (!Double.isFinite(f) || maxAbs(g) <= gradientTolerance) {
        return previous;
      }
      twoLoop(g, d, s, y, rho, alphaK, stored, newest);
      double slope = WolfeLineSearch.dot(g, d);
      if (!(slope < 0)) {
        stored = 0;
        for (int i = 0; i < n; i++) {
          d[i] = -g[i];
        }
        slope = WolfeLineSearch.dot(g, d);
      }
      double step = stored == 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
      if (!search.search(x, f, slope, d, step)) {
        if (stored == 0) {
          return previous;
        }
        stored = 0;
        continue;
      }
      double sy = 0;
      double yy = 0;
      for (int i = 0; i < n; i++) {
        sNew[i] = search.xOut[i] - x[i];
        yNew[i] = search.gOut[i] - g[i];
        sy += sNew[i] * yNew[i];
        yy += yNew[i] * yNew[i];
      }
      // Keep the pair only where the curvature condition holds, so H stays positive definite.
      if (sy > 1e-12 * yy && sy > 0) {
        newest = (newest + 1) % memory;
        System.arraycopy(sNew, 0, s[newest], 0, n);
        System.arraycopy(yNew, 0, y[newest], 0, n);
        rho[newest] = 1 / sy;
        stored = Math.min(stored + 1, memory);
      }
      System.arraycopy(search.xOut, 0, x, 0, n);
      System.arraycopy(search.gOut, 0, g, 0, n);
      double fPrev = f;
      f = search.fOut;
      PointValuePair current = new PointValuePair(x, sign * f);
      if (checker != null && checker.converged(getIterations(), previous, current)) {
        return current;
      }
      if (!(f < fPrev)) {
        return current;
      }
      previous = current;
    }
  }

  /** d = −H g by the two-loop recursion (Nocedal & Wright, Algorithm 7.4). */
  private void twoLoop(
      double[] g,
      double[] d,
      double[][] s,
      double[][] y,
      double[] rho,
      double[] alphaK,
      int stored,
      int newest) {
    int n = g.length;
    for (int i = 0; i < n; i++) {
      d[i] = -g[i];
    }
    if (stored == 0) {
      return;
    }
    for (int k = 0, j = newest; k < stored; k++, j = (j - 1 + memory) % memory) {
      alphaK[j] = rho[j] * WolfeLineSearch.dot(s[j], d);
      for (int i = 0; i < n; i++) {
        d[i] -= alphaK[j] * y[j][i];
      }
    }
    double gamma = 1 / (rho[newest] * WolfeLineSearch.dot(y[newest], y[newest]));
    for (int i = 0; i < n; i++) {
      d[i] *= gamma;
    }
    int oldest = (newest - stored + 1 + memory) % memory;
    for (int k = 0, j = oldest; k < stored; k++, j = (j + 1) % memory) {
      double beta = rho[j] * WolfeLineSearch.dot(y[j], d);
      for (int i = 0; i < n; i++) {
        d[i] += (alphaK[j] - beta) * s[j][i];
      }
    }
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }
}
