package dev.hwplan.scaling.fit;

import dev.hwplan.scaling.ChinchillaLaw;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;

/**
 * Fits the Chinchilla law to runs as Hoffmann et al. 2022 did (Sec. 3.3, App. D.2): minimise the
 * summed Huber loss (δ = 1e-3) of log-loss residuals through log-sum-exp with L-BFGS from each
 * point of an initialisation grid, and keep the best. Starts and bootstrap rounds run in parallel;
 * every result is independent of the thread count, since each start and each round is its own
 * computation and each round has its own seeded generator.
 */
public final class ChinchillaFitter {
  /** Relative change of the objective between iterations at which a start has converged. */
  static final double RELATIVE_TOLERANCE = 1e-10;

  /** Largest gradient component at which a start has converged. */
  static final double GRADIENT_TOLERANCE = 1e-12;

  private static final int MEMORY = 10;
  private static final int MAX_ITERATIONS = 2_000;
  private static final int MAX_EVALUATIONS = 10_000;

  private final double delta;
  private final List<double[]> grid;

  public ChinchillaFitter(double delta, List<double[]> grid) {
    if (!(delta > 0) || grid.isEmpty()) {
      throw new IllegalArgumentException("need δ > 0 and at least one starting point");
    }
    this.delta = delta;
    this.grid = List.copyOf(grid);
  }

  /** Hoffmann 2022's setup: δ = 1e-3 and the 4,500-point grid. */
  public static ChinchillaFitter hoffmann2022() {
    return new ChinchillaFitter(HuberLogLoss.DEFAULT_DELTA, InitialisationGrid.hoffmann2022());
  }

  /** The best fit over the grid. Needs at least 6 runs for the 5 constants. */
  public PointFit fit(List<ScalingRun> runs) {
    requireEnough(runs);
    HuberLogLoss objective = HuberLogLoss.of(runs, delta);
    Optimum[] all =
        IntStream.range(0, grid.size())
            .parallel()
            .mapToObj(i -> minimize(objective, grid.get(i)))
            .toArray(Optimum[]::new);
    Optimum best = null;
    int converged = 0;
    long evaluations = 0;
    for (Optimum o : all) {
      evaluations += o.evaluations;
      if (o.converged) {
        converged++;
      }
      if (o.valid() && (best == null || o.value < best.value)) {
        best = o;
      }
    }
    if (best == null) {
      throw new IllegalStateException(
          "no starting point gave a finite fit with positive exponents");
    }
    return new PointFit(toLaw(best.x), best.value, grid.size(), converged, evaluations);
  }

  /**
   * {@code rounds} bootstrap refits from {@code start}, seeded by {@code seed}; {@code onRound}
   * runs after each round (from worker threads), e.g. to move a progress bar.
   */
  public Bootstrap bootstrap(
      List<ScalingRun> runs, ChinchillaLaw start, int rounds, long seed, Runnable onRound) {
    requireEnough(runs);
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be at least 1");
    }
    HuberLogLoss objective = HuberLogLoss.of(runs, delta);
    double[] x0 = toX(start);
    int n = runs.size();
    Optimum[] all =
        IntStream.range(0, rounds)
            .parallel()
            .mapToObj(
                r -> {
                  int[] counts = resample(n, roundSeed(seed, r));
                  Optimum o =
                      ScalingRuns.identificationProblem(runs, counts) != null
                          ? null
                          : minimize(objective.reweighted(counts), x0);
                  onRound.run();
                  return o;
                })
            .toArray(Optimum[]::new);
    List<ChinchillaLaw> laws = new ArrayList<>(rounds);
    int failures = 0;
    int unidentified = 0;
    for (Optimum o : all) {
      if (o == null) {
        unidentified++;
      } else if (o.converged && o.valid()) {
        laws.add(toLaw(o.x));
      } else {
        failures++;
      }
    }
    return new Bootstrap(laws, rounds, seed, failures, unidentified);
  }

  /** The objective value of {@code law} on {@code runs}, for comparing fits. */
  public double objective(List<ScalingRun> runs, ChinchillaLaw law) {
    return HuberLogLoss.of(runs, delta).valueAndGradient(toX(law), new double[5]);
  }

  /** The log residuals log L̂ − log L of {@code law} on {@code runs}, in input order. */
  public static double[] logResiduals(List<ScalingRun> runs, ChinchillaLaw law) {
    return HuberLogLoss.of(runs, HuberLogLoss.DEFAULT_DELTA).logResiduals(toX(law));
  }

  private static Optimum minimize(HuberLogLoss objective, double[] start) {
    CachedObjective f = new CachedObjective(objective);
    LbfgsOptimizer optimizer =
        new LbfgsOptimizer(
            new SimpleValueChecker(RELATIVE_TOLERANCE, 0), MEMORY, GRADIENT_TOLERANCE);
    try {
      PointValuePair p =
          optimizer.optimize(
              new MaxEval(MAX_EVALUATIONS),
              new MaxIter(MAX_ITERATIONS),
              new ObjectiveFunction(f::value),
              new ObjectiveFunctionGradient(f::gradient),
              GoalType.MINIMIZE,
              new InitialGuess(start));
      return new Optimum(p.getPoint(), p.getValue(), optimizer.getEvaluations(), true);
    } catch (TooManyEvaluationsException | TooManyIterationsException e) {
      return new Optimum(f.bestPoint(), f.bestValue(), MAX_EVALUATIONS, false);
    }
  }

  /** Counts of each run in one resample of n draws with replacement. */
  static int[] resample(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] counts = new int[n];
    for (int i = 0; i < n; i++) {
      counts[rng.nextInt(n)]++;
    }
    return counts;
  }

  /** A well-mixed seed for round r, so that rounds do not depend on which thread ran them. */
  static long roundSeed(long seed, int round) {
    return mix64(seed ^ mix64(round + 0x9E3779B97F4A7C15L));
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double[] toX(ChinchillaLaw law) {
    return new double[] {
      Math.log(law.a()), Math.log(law.b()), Math.log(law.e()), law.alpha(), law.beta()
    };
  }

  private static ChinchillaLaw toLaw(double[] x) {
    return ChinchillaLaw.fromLogParams(x[0], x[1], x[2], x[3], x[4]);
  }

  private static void requireEnough(List<ScalingRun> runs) {
    if (runs.size() < 6) {
      throw new IllegalArgumentException(
          "need at least 6 runs to fit 5 constants, got " + runs.size());
    }
  }

  private record Optimum(double[] x, double value, int evaluations, boolean converged) {
    /** A finite fit with positive exponents; anything else is not a Chinchilla law. */
    boolean valid() {
      return Double.isFinite(value)
          && x[3] > 0
          && x[4] > 0
          && Double.isFinite(x[0])
          && Double.isFinite(x[1])
          && Double.isFinite(x[2]);
    }
  }
}
