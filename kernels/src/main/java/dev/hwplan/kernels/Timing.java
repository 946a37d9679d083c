package dev.hwplan.kernels;

import java.util.Arrays;
import java.util.List;

/**
 * Repeated timings of one kernel call: the seconds per call of each sample, with the warm-up and
 * the number of calls a sample averaged over.
 */
public record Timing(List<Double> samplesSeconds, int warmupCalls, int callsPerSample) {
  public Timing {
    samplesSeconds = List.copyOf(samplesSeconds);
    if (samplesSeconds.isEmpty()) {
      throw new IllegalArgumentException("a timing needs at least one sample");
    }
  }

  private double[] sorted() {
    double[] s = samplesSeconds.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(s);
    return s;
  }

  /** The median seconds per call. */
  public double medianSeconds() {
    double[] s = sorted();
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  public double minSeconds() {
    return sorted()[0];
  }

  public double maxSeconds() {
    double[] s = sorted();
    return s[s.length - 1];
  }

  /** (max - min) / median: the spread of the samples, relative to the median. */
  public double relativeSpread() {
    return (maxSeconds() - minSeconds()) / medianSeconds();
  }
}
