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
 * @param unidentified rounds left out because their resample does not identify the constants (fewer
 *     than 3 distinct sizes or token counts, or 6 distinct points: see {@link
 *     ScalingRuns#identificationProblem})
 */
public record Bootstrap(
    List<ChinchillaLaw> samples, int rounds, long seed, int failures, int unidentified) {
  /**
   * The largest share of rounds that may fail to identify the constants for the intervals to be
   * reported. The rounds left out are the least informative resamples, so the interval of the rest
   * understates the uncertainty; beyond 5% of them, the data are too few for a bootstrap interval.
   */
  public static final double MAX_UNIDENTIFIED_SHARE = 0.05;

  public Bootstrap {
    samples = List.copyOf(samples);
  }

  /** A bootstrap whose every resample identified the constants. */
  public Bootstrap(List<ChinchillaLaw> samples, int rounds, long seed, int failures) {
    this(samples, rounds, seed, failures, 0);
  }

  /**
   * Null when the percentile intervals mean something, else why they are undetermined: too many
   * resamples could not identify the constants, or fewer than two rounds gave a fit.
   */
  public String undetermined() {
    if (unidentified > MAX_UNIDENTIFIED_SHARE * rounds) {
      return String.format(
          java.util.Locale.ROOT,
          "%d of %d bootstrap resamples (more than %.0f%%) do not identify the 5 constants (they"
              + " draw fewer than 3 distinct sizes or token counts, or 6 distinct runs), so the"
              + " spread of the rest would understate the uncertainty: intervals undetermined;"
              + " more runs at more sizes and token counts are needed",
          unidentified,
          rounds,
          100 * MAX_UNIDENTIFIED_SHARE);
    }
    if (samples.size() < 2) {
      return samples.size()
          + " of "
          + rounds
          + " bootstrap rounds gave a fit: intervals undetermined";
    }
    return null;
  }

  /** The percentile interval of any quantity computed from the law, e.g. a prediction. */
  public Interval interval(ToDoubleFunction<ChinchillaLaw> quantity, double confidence) {
    double[] v = samples.stream().mapToDouble(quantity).toArray();
    return Interval.of(v, confidence);
  }
}
