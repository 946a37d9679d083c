package dev.hwplan.serving;

import java.util.SplittableRandom;

/**
 * Open- and closed-loop requests with lengths from the workload's distributions. Lengths longer
 * than a request may be (unbounded distributions) are capped: the prompt at the limit less one, the
 * output at what is left. With {@link Workload.Sharing}: shared prefixes in front of prompts, and
 * conversations whose follow-up turns wait in a heap until their arrival time (completion plus
 * think time).
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

  // shared content
  private final Workload.Sharing sharing;
  private final SplittableRandom prefixes;
  private final SplittableRandom turns;
  private long conversations;

  // follow-up turns waiting to arrive: entries in parallel arrays, a binary min-heap of entry
  // indices on (time, push order); the entries past the heap's end are free
  private int[] heap = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  private double[] fTime = new double[16];
  private long[] fOrder = new long[16];
  private long[] fStream = new long[16];
  private int[] fUser = new int[16];
  private int[] fTurns = new int[16];
  private int[] fPrompt = new int[16];
  private int[] fOutput = new int[16];
  private int[] fPrefixStream = new int[16];
  private int[] fPrefix = new int[16];
  private int followUps;
  private long pushed;

  SyntheticSource(Workload w, Workload.Limits limits) {
    this.w = w;
    this.cap = limits.tokens();
    this.lengths = new SplittableRandom(w.seed());
    this.gaps = new SplittableRandom(w.seed() ^ 0x5DEECE66DL);
    this.sharing = w.sharing();
    this.prefixes = new SplittableRandom(w.seed() ^ 0x2545F4914F6CDD1DL);
    this.turns = new SplittableRandom(w.seed() ^ 0x9E3779B97F4A7C15L);
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
    double t = newArrival();
    return followUps > 0 && fTime[heap[0]] <= t ? fTime[heap[0]] : t;
  }

  private double newArrival() {
    if (w.arrival() == Workload.Arrival.OPEN) {
      return next;
    }
    return size == 0 ? Double.POSITIVE_INFINITY : pendingTime[head];
  }

  @Override
  int take(RequestTable t) {
    if (followUps > 0 && fTime[heap[0]] <= newArrival()) {
      return takeFollowUp(t);
    }
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
    int prefixStream = 0;
    int prefix = 0;
    if (sharing.prefix() && prefixes.nextDouble() < sharing.prefixFraction()) {
      prefixStream = 1 + (sharing.prefixes() == 1 ? 0 : prefixes.nextInt(sharing.prefixes()));
      prefix = sharing.prefixTokens();
    }
    long p = Math.min(prefix + (long) w.prompt().sample(lengths), cap - 1);
    long o = Math.min(w.output().sample(lengths), cap - p);
    int more = sharing.conversations() ? Math.max(1, sharing.turns().sample(turns)) - 1 : 0;
    long id = issued++;
    int s = t.take(id, (int) p, (int) o, time, user);
    if (prefix > 0 || more > 0) {
      t.content(
          s,
          prefixStream,
          (int) Math.min(prefix, p),
          more > 0 ? RequestTable.conversationStream(conversations++) : RequestTable.ownStream(id),
          more,
          more > 0);
    }
    return s;
  }

  private int takeFollowUp(RequestTable t) {
    int e = heap[0];
    int s = t.take(issued++, fPrompt[e], fOutput[e], fTime[e], fUser[e]);
    t.content(s, fPrefixStream[e], fPrefix[e], fStream[e], fTurns[e], true);
    popFollowUp();
    return s;
  }

  @Override
  void completed(RequestTable t, int s, double now) {
    int user = t.user[s];
    long pending = issued + size + followUps;
    if (t.turnsLeft[s] > 0 && (t.flags[s] & RequestTable.CONVERSATION) != 0) {
      // the next turn: the history so far and a new message, after the user's think time
      long p = (long) t.prompt[s] + t.generated[s] + w.prompt().sample(turns);
      long o = w.output().sample(turns);
      double think =
          sharing.thinkSeconds() > 0
              ? -Math.log(1.0 - turns.nextDouble()) * sharing.thinkSeconds()
              : 0;
      if (p < cap && pending < w.requests()) {
        pushFollowUp(
            now + think,
            t.stream[s],
            user,
            t.turnsLeft[s] - 1,
            (int) p,
            (int) Math.min(o, cap - p),
            t.sharedStream[s],
            t.shared[s]);
        return;
      }
      // too long for the context or the cache: the conversation ends here
    }
    if (user >= 0 && pending < w.requests()) {
      push(now, user);
    }
  }

  private void pushFollowUp(
      double time,
      long stream,
      int user,
      int turnsLeft,
      int prompt,
      int output,
      int prefixStream,
      int prefix) {
    if (followUps == heap.length) {
      int m = 2 * followUps;
      heap = java.util.Arrays.copyOf(heap, m);
      fTime = java.util.Arrays.copyOf(fTime, m);
      fOrder = java.util.Arrays.copyOf(fOrder, m);
      fStream = java.util.Arrays.copyOf(fStream, m);
      fUser = java.util.Arrays.copyOf(fUser, m);
      fTurns = java.util.Arrays.copyOf(fTurns, m);
      fPrompt = java.util.Arrays.copyOf(fPrompt, m);
      fOutput = java.util.Arrays.copyOf(fOutput, m);
      fPrefixStream = java.util.Arrays.copyOf(fPrefixStream, m);
      fPrefix = java.util.Arrays.copyOf(fPrefix, m);
      for (int e = followUps; e < m; e++) {
        heap[e] = e; // the free entries sit past the heap's end
      }
    }
    int i = followUps++;
    int e = heap[i];
    fTime[e] = time;
    fOrder[e] = pushed++;
    fStream[e] = stream;
    fUser[e] = user;
    fTurns[e] = turnsLeft;
    fPrompt[e] = prompt;
    fOutput[e] = output;
    fPrefixStream[e] = prefixStream;
    fPrefix[e] = prefix;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!earlier(e, heap[parent])) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = e;
  }

  /** Removes the heap's top entry (its fields stay readable until the next push). */
  private void popFollowUp() {
    int top = heap[0];
    int last = --followUps;
    int e = heap[last];
    heap[last] = top; // a free entry again
    if (last == 0) {
      return;
    }
    int i = 0;
    while (true) {
      int c = 2 * i + 1;
      if (c >= last) {
        break;
      }
      if (c + 1 < last && earlier(heap[c + 1], heap[c])) {
        c++;
      }
      if (!earlier(heap[c], e)) {
        break;
      }
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = e;
  }

  /** Whether entry {@code a} arrives before entry {@code b} (by time, then by push order). */
  private boolean earlier(int a, int b) {
    return fTime[a] < fTime[b] || (fTime[a] == fTime[b] && fOrder[a] < fOrder[b]);
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
