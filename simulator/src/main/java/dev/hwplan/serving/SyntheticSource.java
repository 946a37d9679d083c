package dev.hwplan.serving;

import java.util.SplittableRandom;

/**
 * Open- and closed-loop requests with lengths from the workload's distributions. Lengths longer
 * than a request may be (unbounded distributions) are capped: the prompt at the limit less one, the
 * output at what is left.
 */
final class SyntheticSource extends RequestSource {
  private final Workload w;
  private final long cap;
  private final SplittableRandom lengths;
  private final SplittableRandom gaps;
  private long issued;

  // open loop: the next arrival
  private double next;

  // closed loop: arrivals waiting to be taken, a ring of (time, user)
  private double[] pendingTime;
  private int[] pendingUser;
  private int head;
  private int size;

  SyntheticSource(Workload w, Workload.Limits limits) {
    this.w = w;
    this.cap = limits.tokens();
    this.lengths = new SplittableRandom(w.seed());
    this.gaps = new SplittableRandom(w.seed() ^ 0x5DEECE66DL);
    if (w.arrival() == Workload.Arrival.CLOSED) {
      int n = (int) Math.min(w.concurrency(), w.requests());
      int capacity = Integer.highestOneBit(Math.max(1, w.concurrency()) * 2 - 1) * 2;
      pendingTime = new double[capacity];
      pendingUser = new int[capacity];
      for (int u = 0; u < n; u++) {
        push(0, u);
      }
    }
  }

  @Override
  double peek() {
    if (issued >= w.requests()) {
      return Double.POSITIVE_INFINITY;
    }
    if (w.arrival() == Workload.Arrival.OPEN) {
      return next;
    }
    return size == 0 ? Double.POSITIVE_INFINITY : pendingTime[head];
  }

  @Override
  int take(RequestTable t) {
    double time;
    int user = -1;
    if (w.arrival() == Workload.Arrival.OPEN) {
      time = next;
      next += gap();
    } else {
      time = pendingTime[head];
      user = pendingUser[head];
      head = (head + 1) & (pendingTime.length - 1);
      size--;
    }
    long p = Math.min(w.prompt().sample(lengths), cap - 1);
    long o = Math.min(w.output().sample(lengths), cap - p);
    return t.take(issued++, (int) p, (int) o, time, user);
  }

  @Override
  void completed(int user, double now) {
    if (user >= 0 && issued + size < w.requests()) {
      push(now, user);
    }
  }

  @Override
  long issued() {
    return issued;
  }

  private void push(double time, int user) {
    int i = (head + size) & (pendingTime.length - 1);
    pendingTime[i] = time;
    pendingUser[i] = user;
    size++;
  }

  /** A gap between arrivals: gamma of shape {@code burstiness}, mean {@code 1/qps}. */
  private double gap() {
    double k = w.burstiness();
    double theta = 1.0 / (w.qps() * k);
    if (k == 1) {
      return -Math.log(1.0 - gaps.nextDouble()) * theta;
    }
    return gamma(k) * theta;
  }

  /** Marsaglia and Tsang (2000); shape below 1 by Stuart's boost {@code G(k+1) U^(1/k)}. */
  private double gamma(double k) {
    if (k < 1) {
      double u = 1.0 - gaps.nextDouble();
      return gamma(k + 1) * Math.pow(u, 1 / k);
    }
    double d = k - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        double u1 = 1.0 - gaps.nextDouble();
        double u2 = gaps.nextDouble();
        x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = gaps.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }
}
