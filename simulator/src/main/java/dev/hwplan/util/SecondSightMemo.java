package dev.hwplan.util;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * A {@link BoundedMemo} that remembers a result only when its key comes a second time: a key's
 * first visit marks one bit of a table (its hash's), and only a key whose bit is already set is
 * stored. Work that never repeats (a sweep that meets each step once) then keeps nothing alive and
 * pays a hash and a bit, not the growth, clearing and garbage collection of entries that are never
 * asked again; work that repeats is stored at its second visit. A bit set by another key (a
 * collision) only stores an entry early: the table has 16 bits an entry and is cleared when one in
 * 16 is set, so that happens to fewer than one new key in 16. A second table of bits, also 16 an
 * entry, marks the hashes of stored keys, so a key whose bit there is clear is known to be absent
 * without a probe of the memo (all but at most one in 16 of the keys of a sweep of new work).
 * Results are exactly the function's, hit or miss; thread-safe (a race at worst misses a stored
 * entry, and the function gives the same result again).
 *
 * @param <K> the key: a value with {@code equals} and {@code hashCode} over its content
 * @param <V> the function's result
 */
public final class SecondSightMemo<K, V> {
  private final BoundedMemo<K, V> memo;
  private final int capacity;
  private final AtomicLongArray seen;
  private final AtomicLongArray stored;
  private final int seenMask;
  private final int storedMask;
  private int marked;

  /** A memo of at most {@code capacity} entries (a power of two). */
  public SecondSightMemo(int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
    }
    this.memo = new BoundedMemo<>(capacity);
    this.capacity = capacity;
    this.seen = new AtomicLongArray(Math.max(1, capacity / 4));
    this.stored = new AtomicLongArray(Math.max(1, capacity / 4));
    this.seenMask = capacity * 16 - 1;
    this.storedMask = capacity * 16 - 1;
  }

  /** {@code f(key)}, computed at most twice per key while the memo holds it. */
  public V get(K key, Function<? super K, ? extends V> f) {
    int h = key.hashCode();
    h ^= h >>> 16;
    int s = h & storedMask;
    if ((stored.get(s >>> 6) & (1L << s)) != 0) {
      V v = memo.peek(key);
      if (v != null) {
        return v;
      }
    }
    V v = f.apply(key);
    int b = h & seenMask;
    if ((set(seen, b >>> 6, 1L << b) & (1L << b)) != 0) {
      if (memo.size() >= capacity) {
        clear(stored); // the memo empties itself at this put
      }
      memo.put(key, v);
      set(stored, s >>> 6, 1L << s);
    } else if (++marked >= capacity) {
      // One bit in 16 is set: forget the first visits, so collisions stay rare.
      marked = 0;
      clear(seen);
    }
    return v;
  }

  /** Sets bits {@code m} of word {@code i}; the word as it was. */
  private static long set(AtomicLongArray bits, int i, long m) {
    long old = bits.get(i);
    while ((old & m) == 0 && !bits.compareAndSet(i, old, old | m)) {
      old = bits.get(i);
    }
    return old;
  }

  private static void clear(AtomicLongArray bits) {
    for (int i = 0; i < bits.length(); i++) {
      bits.set(i, 0);
    }
  }
}
