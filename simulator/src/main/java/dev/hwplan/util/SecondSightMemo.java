package dev.hwplan.util;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * A {@link BoundedMemo} that remembers a result only when its key comes a second time: a key's
 * first visit writes its hash into one slot of a small table (chosen by the hash), and only a key
 * whose hash is already there is stored. Work that never repeats (a sweep that meets each step
 * once) then keeps nothing alive and pays a hash and a slot, not the growth, clearing and garbage
 * collection of entries that are never asked again; work that repeats is stored at its second visit
 * (or a later one, where other keys took its slot in between). Two keys of one 32-bit hash only
 * store an entry early. A table of bits marks the hashes of stored keys, so a key whose bit is
 * clear is known to be absent without a probe of the memo (most keys of a sweep of new work).
 * Results are exactly the function's, hit or miss; thread-safe (a race at worst misses a stored
 * entry or stores one early, and the function gives the same result again).
 *
 * @param <K> the key: a value with {@code equals} and {@code hashCode} over its content
 * @param <V> the function's result
 */
public final class SecondSightMemo<K, V> {
  private final BoundedMemo<K, V> memo;
  private final int capacity;
  private final int[] seen;
  private final AtomicLongArray stored;
  private final int mask;

  /** A memo of at most {@code capacity} entries (a power of two). */
  public SecondSightMemo(int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
    }
    this.memo = new BoundedMemo<>(capacity);
    this.capacity = capacity;
    int slots = capacity * 4;
    this.seen = new int[slots];
    this.stored = new AtomicLongArray(Math.max(1, slots / 64));
    this.mask = slots - 1;
  }

  /** {@code f(key)}, computed at most twice per key while the memo holds it and its slot. */
  public V get(K key, Function<? super K, ? extends V> f) {
    int h = key.hashCode();
    int slot = (h ^ (h >>> 16)) & mask;
    int word = slot >>> 6;
    long m = 1L << (slot & 63);
    if ((stored.get(word) & m) != 0) {
      V v = memo.peek(key);
      if (v != null) {
        return v;
      }
    }
    V v = f.apply(key);
    if (seen[slot] == h) {
      if (memo.size() >= capacity) {
        clear(stored); // the memo empties itself at this put
      }
      memo.put(key, v);
      set(stored, word, m);
    } else {
      seen[slot] = h;
    }
    return v;
  }

  /** Sets bits {@code m} of word {@code i}. */
  private static void set(AtomicLongArray bits, int i, long m) {
    long old = bits.get(i);
    while ((old & m) == 0 && !bits.compareAndSet(i, old, old | m)) {
      old = bits.get(i);
    }
  }

  private static void clear(AtomicLongArray bits) {
    for (int i = 0; i < bits.length(); i++) {
      bits.set(i, 0);
    }
  }
}
