package dev.hwplan.serving;

import static dev.hwplan.io.Checks.positiveOption;

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
    long seed,
    Sharing sharing) {
  /**
   * Content that requests share, for prefix caching: a shared prefix (a system prompt) in front of
   * some requests' prompts, and conversations whose every next turn re-sends the history.
   *
   * <ul>
   *   <li>{@code prefixTokens} tokens of one of {@code prefixes} system prompts (picked uniformly)
   *       go in front of the prompt of a fraction {@code prefixFraction} of the requests (first
   *       turns; a conversation keeps its system prompt), so a prompt is the prefix plus a length
   *       drawn from the prompt distribution;
   *   <li>with {@code turns} (a length distribution of turns per conversation; null or 1: none), a
   *       request is the first turn of a conversation; when a turn completes, the next one arrives
   *       {@code thinkSeconds} later on average (exponential; 0: at once) with the whole history as
   *       its prompt's start: the previous prompt, the previous output, and a new message drawn
   *       from the prompt distribution, with an output drawn from the output one. A conversation
   *       ends after its turns, or when the next turn would not fit the model's context or the KV
   *       cache. Open loop: conversations start at {@code qps}; closed loop: each user runs one
   *       conversation at a time, starting the next when one ends.
   * </ul>
   *
   * Follow-up turns draw their lengths from their own generator, in completion order: a run at
   * another rate sees the same first turns but not the same follow-ups.
   */
  public record Sharing(
      int prefixTokens,
      double prefixFraction,
      int prefixes,
      LengthDistribution turns,
      double thinkSeconds) {
    /** Nothing shared: every request's content is its own. */
    public static final Sharing NONE = new Sharing(0, 0, 1, null, 0);

    /** System prompts at most: their streams are 1 .. 2^20 - 1. */
    public static final int MAX_PREFIXES = (1 << 20) - 1;

    public Sharing {
      if (prefixTokens < 0) {
        throw InvalidInputException.option(
            "--shared-prefix-tokens", "must not be negative, got " + prefixTokens);
      }
      if (!(prefixFraction >= 0 && prefixFraction <= 1)) {
        throw InvalidInputException.option(
            "--shared-prefix-fraction", "must be within 0..1, got " + prefixFraction);
      }
      if (prefixes < 1 || prefixes > MAX_PREFIXES) {
        throw InvalidInputException.option(
            "--shared-prefixes", "must be within 1.." + MAX_PREFIXES + ", got " + prefixes);
      }
      if (!(thinkSeconds >= 0) || !Double.isFinite(thinkSeconds)) {
        throw InvalidInputException.option(
            "--think-time", "must be a non-negative time in seconds, got " + thinkSeconds);
      }
    }

    /** Whether requests are turns of conversations. */
    public boolean conversations() {
      return turns != null && !(turns.bounded() && turns.max() <= 1);
    }

    /** Whether some requests carry a shared prefix. */
    public boolean prefix() {
      return prefixTokens > 0 && prefixFraction > 0;
    }

    /** Whether anything is shared. */
    public boolean any() {
      return prefix() || conversations();
    }

    /** A short description, e.g. {@code 1024-token prefix (1 of 4) on 50% of requests}. */
    public String describe() {
      StringBuilder sb = new StringBuilder();
      if (prefix()) {
        sb.append(prefixTokens)
            .append("-token shared prefix")
            .append(prefixes > 1 ? " (1 of " + prefixes + ")" : "")
            .append(" on ")
            .append(String.format(java.util.Locale.ROOT, "%.0f%%", 100 * prefixFraction))
            .append(" of requests");
      }
      if (conversations()) {
        if (sb.length() > 0) {
          sb.append(", ");
        }
        sb.append("conversations of ").append(turns).append(" turns");
        if (thinkSeconds > 0) {
          sb.append(", think time ").append(thinkSeconds).append(" s");
        }
      }
      return sb.toString();
    }
  }

  /** How requests arrive. */
  public enum Arrival {
    OPEN,
    CLOSED,
    TRACE
  }

  public Workload {
    if (sharing == null) {
      sharing = Sharing.NONE;
    }
    if (arrival == Arrival.TRACE && sharing.any()) {
      throw InvalidInputException.option(
          sharing.prefix() ? "--shared-prefix-tokens" : "--turns",
          "a trace names its own prefixes and sessions (prefix_id, prefix_tokens, session_id)");
    }
    if (arrival == Arrival.OPEN && !(qps > 0 && Double.isFinite(qps))) {
      throw InvalidInputException.option("--qps", "must be a positive rate, got " + qps);
    }
    if (arrival == Arrival.OPEN && !(burstiness > 0 && Double.isFinite(burstiness))) {
      throw InvalidInputException.option("--burstiness", "must be positive, got " + burstiness);
    }
    if (arrival == Arrival.CLOSED) {
      positiveOption(concurrency, "--concurrency", "number of users");
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
    return new Workload(
        Arrival.OPEN, qps, burstiness, 0, null, prompt, output, requests, seed, Sharing.NONE);
  }

  /** Closed loop with {@code users} concurrent users. */
  public static Workload closed(
      int users, LengthDistribution prompt, LengthDistribution output, long requests, long seed) {
    return new Workload(
        Arrival.CLOSED, 0, 1, users, null, prompt, output, requests, seed, Sharing.NONE);
  }

  /** The requests of a trace file (all of them with {@code requests == -1}). */
  public static Workload trace(Path file, long requests) {
    return new Workload(Arrival.TRACE, 0, 1, 0, file, null, null, requests, 0, Sharing.NONE);
  }

  /** The same traffic at another rate (open loop). */
  public Workload withQps(double q) {
    return with(q, requests, seed, sharing);
  }

  /** The same traffic from another seed. */
  public Workload withSeed(long s) {
    return with(qps, requests, s, sharing);
  }

  /** The same traffic with another request count. */
  public Workload withRequests(long n) {
    return with(qps, n, seed, sharing);
  }

  /** The same traffic with shared content. */
  public Workload withSharing(Sharing s) {
    return with(qps, requests, seed, s);
  }

  /** The one copy the withers make: this traffic with the four fields they change. */
  private Workload with(double q, long n, long s, Sharing sh) {
    return new Workload(arrival, q, burstiness, concurrency, trace, prompt, output, n, s, sh);
  }

  /** A short description, e.g. {@code poisson 20 req/s}. */
  public String describe() {
    String base = describeArrival();
    return sharing.any() ? base + ", " + sharing.describe() : base;
  }

  private String describeArrival() {
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
