package dev.hwplan.bench;

import dev.hwplan.perf.calibration.AccuracyReport;
import dev.hwplan.regress.BenchmarkResult;
import dev.hwplan.regress.Direction;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A prediction error of the calibrated GPU model from {@link AccuracyReport#bundled()}: the
 * held-out rows of one GPU ({@code same-gpu}) or every row of the other GPU ({@code cross-gpu}),
 * error {@code |predicted / measured - 1|}. Computed, not timed: deterministic (a seeded split of
 * the committed measurements), unit {@code ratio}, smaller is better, no samples, so {@code hwplan
 * regress} judges it by the window's spread (any change beyond the threshold when the history is
 * flat, as it is for a deterministic figure).
 */
public final class AccuracyMeasure implements Measure {
  /** Which figure of a row. */
  public enum Statistic {
    MEDIAN("median", AccuracyReport.Row::medianError),
    P90("p90", AccuracyReport.Row::p90Error);

    private final String key;
    private final ToDoubleFunction<AccuracyReport.Row> value;

    Statistic(String key, ToDoubleFunction<AccuracyReport.Row> value) {
      this.key = key;
      this.value = value;
    }
  }

  private final String id;
  private final ToDoubleFunction<AccuracyReport> value;

  private AccuracyMeasure(String id, ToDoubleFunction<AccuracyReport> value) {
    this.id = id;
    this.value = value;
  }

  /**
   * The metric's name, from what it measures: {@code predict.<family>.<gpu>.<statistic>Error} on
   * one GPU, {@code predict.<family>.crossGpu.<gpu>To<Gpu>.<statistic>Error} across two, {@code
   * predict.decodeStep.<gpu>.medianError} for whole decode steps, each GPU by its profile's name
   * without {@code -sxm} ({@code h100-sxm}: {@code h100}).
   */
  public String id() {
    return id;
  }

  /** {@code family} on {@code gpu}'s held-out shapes, calibrated on the rest of that GPU's. */
  public static AccuracyMeasure sameGpu(String family, String gpu, Statistic s) {
    return row(family + "." + gpuName(gpu), family, "same-gpu", gpu, gpu, s);
  }

  /** {@code family} on every shape of {@code predicted}, calibrated on {@code calibratedOn}. */
  public static AccuracyMeasure crossGpu(
      String family, String calibratedOn, String predicted, Statistic s) {
    String to = gpuName(predicted);
    String pair = gpuName(calibratedOn) + "To" + to.substring(0, 1).toUpperCase(Locale.ROOT);
    return row(
        family + ".crossGpu." + pair + to.substring(1),
        family,
        "cross-gpu",
        calibratedOn,
        predicted,
        s);
  }

  /** The median |error| of whole decode steps on {@code gpu}, with its own calibration. */
  public static AccuracyMeasure decodeStep(String gpu) {
    return new AccuracyMeasure(
        "predict.decodeStep." + gpuName(gpu) + ".medianError",
        a -> {
          double median = a.decodeStepMedianError(gpu, gpu);
          if (Double.isNaN(median)) {
            throw new IllegalStateException(
                "no decode steps of " + gpu + " in the accuracy report");
          }
          return median;
        });
  }

  private static String gpuName(String profile) {
    return profile.endsWith("-sxm") ? profile.substring(0, profile.length() - 4) : profile;
  }

  private static AccuracyMeasure row(
      String what,
      String family,
      String scenario,
      String calibratedOn,
      String predicted,
      Statistic s) {
    return new AccuracyMeasure(
        "predict." + what + "." + s.key + "Error",
        a ->
            s.value.applyAsDouble(
                a.find(family, scenario, calibratedOn, predicted)
                    .orElseThrow(
                        () ->
                            new IllegalStateException(
                                "no "
                                    + String.join(
                                        " ",
                                        Arrays.asList(family, scenario, calibratedOn, predicted))
                                    + " row in the accuracy report"))));
  }

  @Override
  public BenchmarkResult run(String name, BenchSettings settings) {
    return new BenchmarkResult(
        name, "ratio", Direction.SMALLER_IS_BETTER, value.applyAsDouble(AccuracyReport.bundled()));
  }
}
