package dev.hwplan.perf.calibration;

import dev.hwplan.perf.Spread;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * The optimiser and the error measures every family's fit shares: Nelder-Mead on the logarithms of
 * the parameters (which keeps them positive), restarted from its own optimum; the sum of squared
 * log errors; the residual spread (5th and 95th percentile of measured over predicted).
 */
final class NelderMead {
  private NelderMead() {}

  /** Nelder-Mead over the logarithms of {@code x0}, restarted twice from its own optimum. */
  static double[] minimize(ToDoubleFunction<double[]> f, double[] x0) {
    DoubleUnaryOperator exp = Math::exp;
    int n = x0.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = Math.log(x0[i]);
    }
    SimplexOptimizer opt = new SimplexOptimizer(1e-9, 1e-12);
    double[] steps = new double[n];
    java.util.Arrays.fill(steps, 0.5);
    for (int round = 0; round < 3; round++) {
      PointValuePair p =
          opt.optimize(
              new MaxEval(6000),
              new ObjectiveFunction(
                  z -> {
                    double[] x = new double[n];
                    for (int i = 0; i < n; i++) {
                      x[i] = exp.applyAsDouble(z[i]);
                    }
                    return f.applyAsDouble(x);
                  }),
              GoalType.MINIMIZE,
              new InitialGuess(y),
              new NelderMeadSimplex(steps));
      y = p.getPoint();
      java.util.Arrays.fill(steps, 0.1);
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.exp(y[i]);
    }
    return x;
  }

  /** Sum of squared log errors of {@code predicted} against {@code measured}. */
  static <T> double logError(
      List<FitData.Row<T>> rows,
      ToDoubleFunction<FitData.Row<T>> predicted,
      ToDoubleFunction<T> measured) {
    double sum = 0;
    for (FitData.Row<T> r : rows) {
      double p = predicted.applyAsDouble(r);
      if (!(p > 0) || Double.isInfinite(p)) {
        return Double.MAX_VALUE;
      }
      double e = Math.log(p / measured.applyAsDouble(r.row()));
      sum += e * e;
    }
    return sum;
  }

  /** The spread of measured ({@code measured}) over predicted seconds. */
  static <T> Spread spread(
      List<FitData.Row<T>> rows,
      ToDoubleFunction<FitData.Row<T>> predicted,
      ToDoubleFunction<T> measured) {
    double[] ratios = new double[rows.size()];
    for (int i = 0; i < ratios.length; i++) {
      FitData.Row<T> r = rows.get(i);
      ratios[i] = measured.applyAsDouble(r.row()) / predicted.applyAsDouble(r);
    }
    return spreadOf(ratios);
  }

  /** The 5th and 95th percentile of measured/predicted ratios, widened to include 1. */
  static Spread spreadOf(double[] ratios) {
    if (ratios.length == 0) {
      return Spread.NONE;
    }
    double lo = Math.min(1, Stats.percentile(ratios, 0.05));
    double hi = Math.max(1, Stats.percentile(ratios, 0.95));
    return new Spread(lo, hi, ratios.length);
  }
}
