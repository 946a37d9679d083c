package dev.hwplan.serving;

/** The open-loop workloads the serving tests run, with prompt and output lengths given as specs. */
final class Workloads {
  private Workloads() {}

  /**
   * Poisson arrivals (burstiness 1) at {@code qps}, prompt and output lengths from the {@link
   * LengthDistribution} specs {@code prompts} and {@code outputs} (e.g. {@code uniform:1:900}).
   */
  static Workload poisson(double qps, String prompts, String outputs, long requests, long seed) {
    return Workload.open(
        qps,
        1,
        LengthDistribution.parse(prompts, "p"),
        LengthDistribution.parse(outputs, "o"),
        requests,
        seed);
  }
}
