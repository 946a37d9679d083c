package dev.hwplan.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.scaling.NamedFit;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.GradientMultivariateOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;
import org.junit.jupiter.api.Test;

class LbfgsOptimizerTest {
  @Test
  void minimisesRosenbrockFromTheClassicStart() {
    LbfgsOptimizer opt = new LbfgsOptimizer(new SimpleValueChecker(1e-15, 0), 10, 1e-10);
    PointValuePair p =
        opt.optimize(
            new MaxEval(10_000),
            new ObjectiveFunction(
                x -> 100 * Math.pow(x[1] - x[0] * x[0], 2) + Math.pow(1 - x[0], 2)),
            new ObjectiveFunctionGradient(
                x ->
                    new double[] {
                      -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]),
                      200 * (x[1] - x[0] * x[0])
                    }),
            GoalType.MINIMIZE,
            new InitialGuess(new double[] {-1.2, 1}));
    assertThat(p.getPoint()[0]).isCloseTo(1, within(1e-6));
    assertThat(p.getPoint()[1]).isCloseTo(1, within(1e-6));
    assertThat(opt.getEvaluations()).isLessThan(200);
  }

  @Test
  void onTheChinchillaObjective_reachesConjugateGradientsOptimumWithFewerEvaluations() {
    // Why L-BFGS and not Commons Math's own NonLinearConjugateGradientOptimizer: same optimum,
    // far fewer evaluations (its Brent line search ignores the gradient).
    var runs = SyntheticRecoveryTest.synthetic(NamedFit.EPOCH2024.law(), 0.003, 3);
    HuberLogLoss objective = HuberLogLoss.of(runs, HuberLogLoss.DEFAULT_DELTA);
    double[] start = {6, 7, 0.5, 0.3, 0.3};

    CachedObjective f1 = new CachedObjective(objective);
    LbfgsOptimizer lbfgs = new LbfgsOptimizer(new SimpleValueChecker(1e-12, 0), 10, 1e-14);
    PointValuePair a = minimize(lbfgs, 100_000, f1, start);

    CachedObjective f2 = new CachedObjective(objective);
    NonLinearConjugateGradientOptimizer cg =
        new NonLinearConjugateGradientOptimizer(
            NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE,
            new SimpleValueChecker(1e-12, 0));
    PointValuePair b = minimize(cg, 1_000_000, f2, start);

    assertThat(a.getValue()).isLessThanOrEqualTo(b.getValue() * (1 + 1e-6));
    assertThat(lbfgs.getEvaluations()).isLessThan(cg.getEvaluations());
  }

  /**
   * {@code o} minimising {@code f} from {@code start} in at most {@code evaluations} evaluations.
   */
  private static PointValuePair minimize(
      GradientMultivariateOptimizer o, int evaluations, CachedObjective f, double[] start) {
    return o.optimize(
        new MaxEval(evaluations),
        new ObjectiveFunction(f::value),
        new ObjectiveFunctionGradient(f::gradient),
        GoalType.MINIMIZE,
        new InitialGuess(start));
  }
}
