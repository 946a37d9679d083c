package dev.hwplan.serving;

import java.util.Arrays;

/**
 * A queue of ints 0 .. n-1 linked through arrays (no node objects), from which any member can be
 * taken out in O(1): the free block queue of vLLM's {@code BlockPool} ({@link KvBlocks}, {@link
 * HybridBlocks}), whose head is the next block to evict.
 */
final class LinkedQueue {
  private int[] prev;
  private int[] next;
  private int head = -1;
  private int tail = -1;

  /** A queue of room for {@code n} members, holding 0 .. n-1 in order when {@code full}. */
  LinkedQueue(int n, boolean full) {
    prev = new int[Math.max(n, 1)];
    next = new int[Math.max(n, 1)];
    if (full) {
      for (int b = 0; b < n; b++) {
        prev[b] = b - 1;
        next[b] = b + 1 < n ? b + 1 : -1;
      }
      head = n > 0 ? 0 : -1;
      tail = n - 1;
    }
  }

  /** The first member, or -1 when empty. */
  int head() {
    return head;
  }

  /** Room for members below {@code n}. */
  void ensure(int n) {
    if (n > prev.length) {
      int m = Math.max(n, 2 * prev.length);
      prev = Arrays.copyOf(prev, m);
      next = Arrays.copyOf(next, m);
    }
  }

  /** Appends {@code b}, not a member, at the tail. */
  void append(int b) {
    prev[b] = tail;
    next[b] = -1;
    if (tail >= 0) {
      next[tail] = b;
    } else {
      head = b;
    }
    tail = b;
  }

  /** Takes member {@code b} out. */
  void unlink(int b) {
    int p = prev[b];
    int n = next[b];
    if (p >= 0) {
      next[p] = n;
    } else {
      head = n;
    }
    if (n >= 0) {
      prev[n] = p;
    } else {
      tail = p;
    }
  }
}
