package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.serving.LengthDistribution;
import dev.hwplan.serving.Workload;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** {@code hwplan serve}'s traffic: open or closed loop or a trace, lengths, sharing, seed. */
final class ServeWorkloadOptions {
  @Option(names = "--qps", description = "Open loop: mean arrival rate in requests/s.")
  Double qps;

  @Option(
      names = "--burstiness",
      defaultValue = "1",
      description = "Gamma shape of the gaps: 1 is Poisson, below 1 burstier (default 1).")
  double burstiness;

  @Option(
      names = "--concurrency",
      description = "Closed loop: users, each sending its next request when the last completes.")
  Integer concurrency;

  @Option(
      names = "--trace",
      paramLabel = "FILE",
      description = "Arrivals and lengths from a CSV or JSON Lines trace.")
  Path trace;

  @Option(
      names = "--prompt-tokens",
      paramLabel = "DIST",
      description = "N, uniform:A:B, normal:MEAN:SD, lognormal:MEAN:SD or file:PATH.")
  String promptTokens;

  @Option(names = "--output-tokens", paramLabel = "DIST", description = "As --prompt-tokens.")
  String outputTokens;

  @Option(
      names = "--shared-prefix-tokens",
      defaultValue = "0",
      paramLabel = "N",
      description = "A system prompt of N tokens in front of the prompts that carry one.")
  int sharedPrefixTokens;

  @Option(
      names = "--shared-prefix-fraction",
      defaultValue = "1",
      paramLabel = "F",
      description = "Fraction of requests that carry a shared prefix (default 1).")
  double sharedPrefixFraction;

  @Option(
      names = "--shared-prefixes",
      defaultValue = "1",
      paramLabel = "K",
      description = "Distinct shared prefixes, one picked uniformly per request (default 1).")
  int sharedPrefixes;

  @Option(
      names = "--turns",
      paramLabel = "DIST",
      description = "Turns per conversation (as --prompt-tokens); each turn re-sends the history.")
  String turns;

  @Option(
      names = "--think-time",
      defaultValue = "0",
      paramLabel = "S",
      description = "Mean seconds between a turn's end and the next (exponential; default 0).")
  double thinkTime;

  @Option(
      names = "--requests",
      defaultValue = "1000",
      description = "Requests to simulate (default 1000; a trace: all its lines unless given).")
  long requests;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of arrivals and lengths (default 0).")
  long seed;

  /**
   * The workload these options give; {@code findMaxQps} searches the rate (no closed loop or
   * trace), {@code findMinGpus} needs one.
   */
  Workload workload(boolean findMaxQps, boolean findMinGpus, ParseResult parsed) {
    int given = (qps != null ? 1 : 0) + (concurrency != null ? 1 : 0) + (trace != null ? 1 : 0);
    if (findMaxQps) {
      if (concurrency != null || trace != null) {
        throw InvalidInputException.option(
            "--find-max-qps", "searches an open-loop rate: leave out --concurrency and --trace");
      }
    } else if (given != 1) {
      throw InvalidInputException.option(
          "--qps", "give exactly one of --qps, --concurrency or --trace");
    }
    if (findMinGpus && qps == null) {
      throw InvalidInputException.option("--qps", "--find-min-gpus needs the rate to serve");
    }
    if (trace != null) {
      if (sharing().any()) {
        throw InvalidInputException.option(
            sharedPrefixTokens > 0 ? "--shared-prefix-tokens" : "--turns",
            "a trace names its own prefixes and sessions (prefix_id, prefix_tokens, session_id)");
      }
      return Workload.trace(trace, parsed.hasMatchedOption("--requests") ? requests : -1);
    }
    if (promptTokens == null) {
      throw InvalidInputException.option("--prompt-tokens", "is required (N, uniform:A:B, ...)");
    }
    if (outputTokens == null) {
      throw InvalidInputException.option("--output-tokens", "is required (N, uniform:A:B, ...)");
    }
    LengthDistribution pt = LengthDistribution.parse(promptTokens, "--prompt-tokens");
    LengthDistribution ot = LengthDistribution.parse(outputTokens, "--output-tokens");
    Workload.Sharing sh = sharing();
    if (concurrency != null) {
      return Workload.closed(concurrency, pt, ot, requests, seed).withSharing(sh);
    }
    return Workload.open(qps == null ? 1 : qps, burstiness, pt, ot, requests, seed).withSharing(sh);
  }

  private Workload.Sharing sharing() {
    LengthDistribution t = turns == null ? null : LengthDistribution.parse(turns, "--turns");
    return new Workload.Sharing(
        sharedPrefixTokens, sharedPrefixFraction, sharedPrefixes, t, thinkTime);
  }
}
