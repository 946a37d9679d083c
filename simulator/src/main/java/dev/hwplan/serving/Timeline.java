package dev.hwplan.serving;

import java.util.ArrayList;
import java.util.List;

/**
 * Batch size, KV-block use and preemptions of one replica over simulated time, in at most {@link
 * #POINTS} buckets: when the run outlasts them, neighbouring buckets merge and the width doubles,
 * so memory stays the same however long the run. Values are time-weighted means over each bucket
 * (idle time counts as batch 0).
 */
final class Timeline {
  static final int POINTS = 256;
  private double width = 0.01;
  private final double[] batch = new double[POINTS];
  private final double[] kv = new double[POINTS];
  private final long[] preemptions = new long[POINTS];
  private int last = -1;

  /** An iteration from {@code start} to {@code end} of {@code size} sequences. */
  void iteration(double start, double end, int size, double kvFraction) {
    double t = start;
    while (t < end) {
      int b = bucket(t);
      double segEnd = Math.min(end, (b + 1) * width);
      double dt = segEnd - t;
      batch[b] += size * dt;
      kv[b] += kvFraction * dt;
      last = Math.max(last, b);
      if (segEnd <= t) {
        break; // rounding at a bucket edge
      }
      t = segEnd;
    }
  }

  void preempted(double time) {
    int b = bucket(time);
    preemptions[b]++;
    last = Math.max(last, b);
  }

  private int bucket(double t) {
    while (t >= POINTS * width) {
      halve();
    }
    return (int) Math.max(0, Math.min(POINTS - 1, Math.floor(t / width)));
  }

  private void halve() {
    for (int i = 0; i < POINTS / 2; i++) {
      batch[i] = batch[2 * i] + batch[2 * i + 1];
      kv[i] = kv[2 * i] + kv[2 * i + 1];
      preemptions[i] = preemptions[2 * i] + preemptions[2 * i + 1];
    }
    for (int i = POINTS / 2; i < POINTS; i++) {
      batch[i] = 0;
      kv[i] = 0;
      preemptions[i] = 0;
    }
    last = last < 0 ? -1 : last / 2;
    width *= 2;
  }

  /** The buckets up to the last one with anything in it. */
  List<ServingResult.TimelinePoint> points() {
    List<ServingResult.TimelinePoint> out = new ArrayList<>(last + 1);
    for (int i = 0; i <= last; i++) {
      out.add(
          new ServingResult.TimelinePoint(
              i * width, width, batch[i] / width, kv[i] / width, preemptions[i]));
    }
    return out;
  }
}
