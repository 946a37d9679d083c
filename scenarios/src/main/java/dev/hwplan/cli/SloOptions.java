package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.serving.CapacitySearch;
import picocli.CommandLine.Option;

/** The serving objectives {@code --slo-ttft} and {@code --slo-tpot}, in seconds (none: 0). */
final class SloOptions {
  @Option(
      names = "--slo-ttft",
      paramLabel = "S",
      description = "TTFT objective in seconds (p99 for the searches).")
  Double ttft;

  @Option(
      names = "--slo-tpot",
      paramLabel = "S",
      description = "TPOT objective in seconds (p99 for the searches).")
  Double tpot;

  /** Refuses an objective that is not a positive, finite time, naming its flag. */
  void check() {
    positive(ttft, "--slo-ttft");
    positive(tpot, "--slo-tpot");
  }

  /** The TTFT objective in seconds, 0 when none was given. */
  double ttftSeconds() {
    return ttft == null ? 0 : ttft;
  }

  /** The TPOT objective in seconds, 0 when none was given. */
  double tpotSeconds() {
    return tpot == null ? 0 : tpot;
  }

  /** Both objectives, for the capacity searches. */
  CapacitySearch.Objective objective() {
    return new CapacitySearch.Objective(ttftSeconds(), tpotSeconds());
  }

  private static void positive(Double v, String flag) {
    if (v != null && !(v > 0 && Double.isFinite(v))) {
      throw InvalidInputException.option(flag, "must be a positive time in seconds, got " + v);
    }
  }
}
