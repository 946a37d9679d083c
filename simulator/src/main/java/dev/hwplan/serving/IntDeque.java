package dev.hwplan.serving;

import java.util.Arrays;

/** A ring buffer of ints, double-ended, growing by doubling: no allocation in the steady state. */
final class IntDeque {
  private int[] a = new int[64];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void addLast(int v) {
    grow();
    a[(head + size) & (a.length - 1)] = v;
    size++;
  }

  void addFirst(int v) {
    grow();
    head = (head - 1) & (a.length - 1);
    a[head] = v;
    size++;
  }

  int peekFirst() {
    if (size == 0) {
      throw new IllegalStateException("empty");
    }
    return a[head];
  }

  int pollFirst() {
    int v = peekFirst();
    head = (head + 1) & (a.length - 1);
    size--;
    return v;
  }

  private void grow() {
    if (size < a.length) {
      return;
    }
    int[] b = new int[a.length * 2];
    for (int i = 0; i < size; i++) {
      b[i] = a[(head + i) & (a.length - 1)];
    }
    a = b;
    head = 0;
  }

  @Override
  public String toString() {
    int[] out = new int[size];
    for (int i = 0; i < size; i++) {
      out[i] = a[(head + i) & (a.length - 1)];
    }
    return Arrays.toString(out);
  }
}
