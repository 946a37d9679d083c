package dev.hwplan.serving;

import java.util.Arrays;

/**
 * Timed events, each an int (a request slot), taken earliest first, ties in the order pushed: a
 * binary min-heap in primitive arrays, growing by doubling (no allocation in the steady state).
 */
final class EventHeap {
  private double[] time = new double[16];
  private long[] order = new long[16];
  private int[] value = new int[16];
  private int size;
  private long pushed;

  int size() {
    return size;
  }

  /** The earliest time, or +infinity when empty. */
  double peekTime() {
    return size == 0 ? Double.POSITIVE_INFINITY : time[0];
  }

  void push(double t, int v) {
    if (size == time.length) {
      time = Arrays.copyOf(time, 2 * size);
      order = Arrays.copyOf(order, 2 * size);
      value = Arrays.copyOf(value, 2 * size);
    }
    long o = pushed++;
    int i = size++;
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (!(t < time[p] || (t == time[p] && o < order[p]))) {
        break;
      }
      time[i] = time[p];
      order[i] = order[p];
      value[i] = value[p];
      i = p;
    }
    time[i] = t;
    order[i] = o;
    value[i] = v;
  }

  /** Takes the earliest event's value. */
  int pop() {
    int top = value[0];
    int last = --size;
    double t = time[last];
    long o = order[last];
    int v = value[last];
    int i = 0;
    while (true) {
      int c = 2 * i + 1;
      if (c >= last) {
        break;
      }
      if (c + 1 < last
          && (time[c + 1] < time[c] || (time[c + 1] == time[c] && order[c + 1] < order[c]))) {
        c++;
      }
      if (!(time[c] < t || (time[c] == t && order[c] < o))) {
        break;
      }
      time[i] = time[c];
      order[i] = order[c];
      value[i] = value[c];
      i = c;
    }
    if (last > 0) {
      time[i] = t;
      order[i] = o;
      value[i] = v;
    }
    return top;
  }
}
