package dev.hwplan.serving;

import dev.hwplan.io.InvalidInputException;
import java.nio.file.Path;

/**
 * The traffic of a run.
 *
 * <ul>
 *   <li>{@link Arrival#OPEN}: requests arrive at {@code qps} on average, the gaps drawn from a
 *       gamma distribution of shape {@code burstiness} and mean {@code 1/qps}, as vLLM's {@code
 *       benchmark_serving.py --burstiness} draws them (1: Poisson; below 1 burstier, above 1 more
 *       regular); the first request arrives at time 0;
 *   <li>{@link Arrival#CLOSED}: {@code concurrency} users, each sending its next request the moment
 *       its last one completes (the benchmark's {@code --max-concurrency} with every request ready
 *       at the start);
 *   <li>{@link Arrival#TRACE}: arrival times and lengths from a file ({@link TraceSource}).
 * </ul>
 *
 * Lengths come from {@code prompt} and {@code output}; {@code requests} is how many to simulate
 * (for a trace, at most that many of its lines; -1 for all). Lengths and gaps come from separate
 * generators seeded from {@code seed}, so two runs that differ only in QPS see the same requests,
 * arriving at proportionally scaled times.
 */
public record Workload(
    Arrival arrival,
    double qps,
    double burstiness,
    int concurrency,
    Path trace,
    LengthDistribution prompt,
    LengthDistribution output,
    long requests,
    long seed) {
  /** How requests arrive. */
  public enum Arrival {
    OPEN,
    CLOSED,
    TRACE
  }

  public Workload {
    if (arrival == Arrival.OPEN && !(qps > 0 && Double.isFinite(qps))) {
      throw InvalidInputException.option("--qps", "must be a positive rate, got " + qps);
    }
    if (arrival == Arrival.OPEN && !(burstiness > 0 && Double.isFinite(burstiness))) {
      throw InvalidInputException.option("--burstiness", "must be positive, got " + burstiness);
    }
    if (arrival == Arrival.CLOSED && concurrency <= 0) {
      throw InvalidInputException.option(
          "--concurrency", "must be a positive number of users, got " + concurrency);
    }
    if (arrival != Arrival.TRACE && requests <= 0) {
      throw InvalidInputException.option("--requests", "must be positive, got " + requests);
    }
    if (arrival == Arrival.TRACE && requests == 0) {
      throw InvalidInputException.option("--requests", "must be positive, got 0");
    }
  }

  /** Open loop at {@code qps}. */
  public static Workload open(
      double qps,
      double burstiness,
      LengthDistribution prompt,
      LengthDistribution output,
      long requests,
      long seed) {
    return new Workload(Arrival.OPEN, qps, burstiness, 0, null, prompt, output, requests, seed);
  }

  /** Closed loop with {@code users} concurrent users. */
  public static Workload closed(
      int users, LengthDistribution prompt, LengthDistribution output, long requests, long seed) {
    return new Workload(Arrival.CLOSED, 0, 1, users, null, prompt, output, requests, seed);
  }

  /** The requests of a trace file (all of them with {@code requests == -1}). */
  public static Workload trace(Path file, long requests) {
    return new Workload(Arrival.TRACE, 0, 1, 0, file, null, null, requests, 0);
  }

  /** The same traffic at another rate (open loop). */
  public Workload withQps(double q) {
    return new Workload(arrival, q, burstiness, concurrency, trace, prompt, output, requests, seed);
  }

  /** The same traffic from another seed. */
  public Workload withSeed(long s) {
    return new Workload(arrival, qps, burstiness, concurrency, trace, prompt, output, requests, s);
  }

  /** The same traffic with another request count. */
  public Workload withRequests(long n) {
    return new Workload(arrival, qps, burstiness, concurrency, trace, prompt, output, n, seed);
  }

  /** A short description, e.g. {@code poisson 20 req/s}. */
  public String describe() {
    return switch (arrival) {
      case OPEN ->
          (burstiness == 1 ? "poisson " : "gamma(burstiness " + burstiness + ") ") + qps + " req/s";
      case CLOSED -> "closed loop, " + concurrency + " users";
      case TRACE -> "trace " + trace;
    };
  }

  /** A fresh source of this workload's requests, each capped or checked against the limits. */
  RequestSource open(Limits limits) {
    return switch (arrival) {
      case OPEN, CLOSED -> new SyntheticSource(this, limits);
      case TRACE -> new TraceSource(trace, requests, limits);
    };
  }

  /**
   * What one request may hold: {@code context} tokens of the model, and what the KV cache of a
   * replica holds ({@code kvTokens}).
   */
  record Limits(long context, long kvTokens) {
    long tokens() {
      return Math.min(context, kvTokens);
    }
  }
}
