package dev.hwplan.serving;

import org.HdrHistogram.Histogram;

/**
 * The metrics of a run, as vLLM's serving benchmark ({@code benchmarks/benchmark_serving.py})
 * defines them: TTFT from arrival to the first token; TPOT = (E2E - TTFT) / (output - 1) per
 * request with more than one output token; ITL, every gap between consecutive tokens of a request,
 * pooled over requests; E2E from arrival to the last token. Means are exact sums; percentiles come
 * from HdrHistogram at 3 significant digits (a reported percentile is within 0.1% of the recorded
 * value it stands for), so memory does not grow with the requests simulated.
 */
final class Recorder {
  private static final double NS = 1e9;

  final Histogram ttft = histogram();
  final Histogram tpot = histogram();
  final Histogram itl = histogram();
  final Histogram e2e = histogram();
  final Histogram queue = histogram();
  double ttftSum;
  double tpotSum;
  double itlSum;
  double e2eSum;
  double queueSum;
  long itlCount;
  long tpotCount;

  long completed;
  long promptTokens;
  long outputTokens;
  long good;
  double firstArrival = Double.NaN;
  double lastCompletion;
  long batchedSequences;
  long iterations;

  private final double sloTtft;
  private final double sloTpot;
  private final long allowedOver;
  private long ttftOver;
  private long tpotOver;
  final Timeline[] timelines;

  /**
   * @param sloTtft the TTFT objective in seconds, or NaN
   * @param sloTpot the TPOT objective in seconds, or NaN
   * @param stopAfterOver stop once more requests than this missed an objective (a p99 that cannot
   *     be met any more), or -1 never to stop
   */
  Recorder(int replicas, double sloTtft, double sloTpot, long stopAfterOver) {
    this.sloTtft = sloTtft;
    this.sloTpot = sloTpot;
    this.allowedOver = stopAfterOver;
    this.timelines = new Timeline[replicas];
    for (int i = 0; i < replicas; i++) {
      timelines[i] = new Timeline();
    }
  }

  private static Histogram histogram() {
    return new Histogram(3); // auto-resizing, 3 significant digits
  }

  private static long ns(double seconds) {
    return Math.max(0, Math.round(seconds * NS));
  }

  void arrived(double time) {
    if (Double.isNaN(firstArrival)) {
      firstArrival = time;
    }
  }

  void iteration(int replica, double start, double end, int size, long usedBlocks, long blocks) {
    iterations++;
    batchedSequences += size;
    timelines[replica].iteration(start, end, size, usedBlocks / (double) blocks);
  }

  void preempted(int replica, double time) {
    timelines[replica].preempted(time);
  }

  void firstToken(double seconds) {
    ttft.recordValue(ns(seconds));
    ttftSum += seconds;
    if (seconds > sloTtft) {
      ttftOver++;
    }
  }

  void interTokens(double seconds, long count) {
    itl.recordValueWithCount(ns(seconds), count);
    itlSum += seconds * count;
    itlCount += count;
  }

  void complete(RequestTable req, int r, double now) {
    completed++;
    lastCompletion = now;
    promptTokens += req.prompt[r];
    outputTokens += req.generated[r];
    double t = req.firstToken[r] - req.arrival[r];
    double e = now - req.arrival[r];
    e2e.recordValue(ns(e));
    e2eSum += e;
    double q = req.firstScheduled[r] - req.arrival[r];
    queue.recordValue(ns(q));
    queueSum += q;
    boolean ok = !(t > sloTtft);
    if (req.output[r] > 1) {
      double p = (e - t) / (req.output[r] - 1);
      tpot.recordValue(ns(p));
      tpotSum += p;
      tpotCount++;
      if (p > sloTpot) {
        tpotOver++;
        ok = false;
      }
    }
    if (ok) {
      good++;
    }
  }

  /** Whether any objective was given (goodput and attainment are reported only then). */
  boolean sloGiven() {
    return sloTtft == sloTtft || sloTpot == sloTpot;
  }

  /** Whether more requests missed an objective than its p99 allows: the run cannot pass. */
  boolean hopeless() {
    return allowedOver >= 0 && (ttftOver > allowedOver || tpotOver > allowedOver);
  }

  /** Which objective made the run hopeless. */
  String hopelessReason() {
    return ttftOver > allowedOver ? "TTFT p99" : "TPOT p99";
  }
}
