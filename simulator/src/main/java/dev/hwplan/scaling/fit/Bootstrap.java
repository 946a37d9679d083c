package dev.hwplan.scaling.fit;

import dev.hwplan.scaling.ChinchillaLaw;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The fits to bootstrap resamples of the runs: each round draws n runs with replacement (seeded per
 * round) and refits from the point estimate.
 *
 * @param samples one law per round that converged to a finite fit, in round order
 * @param rounds rounds run
 * @param seed the seed the rounds' generators derive from
 * @param failures rounds left out because their fit did not converge
 */
public record Bootstrap(List<ChinchillaLaw> samples, int rounds, long seed, int failures) {
  public Bootstrap {
    samples = List.copyOf(samples);
  }

  /** The percentile interval of any quantity computed from the law, e.g. a prediction. */
  public Interval interval(ToDoubleFunction<ChinchillaLaw> quantity, double confidence) {
    double[] v = samples.stream().mapToDouble(quantity).toArray();
    return Interval.of(v, confidence);
  }
}
