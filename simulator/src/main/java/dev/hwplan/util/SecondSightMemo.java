package dev.hwplan.util;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * A {@link BoundedMemo} that remembers a result only when its key comes a second time: a key's
 * first visit marks one bit of a small table (its hash's), and only a key whose bit is already set
 * is stored. Work that never repeats (a sweep that meets each step once) then keeps nothing alive
 * and pays a hash and a bit, not the growth, clearing and garbage collection of entries that are
 * never asked again; work that repeats is stored at its second visit. A bit set by another key (a
 * collision) only stores an entry early. Results are exactly the function's, hit or miss;
 * thread-safe.
 *
 * @param <K> the key: a value with {@code equals} and {@code hashCode} over its content
 * @param <V> the function's result
 */
public final class SecondSightMemo<K, V> {
  private final BoundedMemo<K, V> memo;
  private final AtomicLongArray seen;
  private final int mask;
  private final int forgetAfter;
  private int marked;

  /** A memo of at most {@code capacity} entries (a power of two). */
  public SecondSightMemo(int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
    }
    this.memo = new BoundedMemo<>(capacity);
    int bits = capacity * 4;
    this.seen = new AtomicLongArray(bits / 64);
    this.mask = bits - 1;
    this.forgetAfter = bits / 4;
  }

  /** {@code f(key)}, computed at most twice per key while the memo holds it. */
  public V get(K key, Function<? super K, ? extends V> f) {
    V v = memo.peek(key);
    if (v != null) {
      return v;
    }
    v = f.apply(key);
    int h = key.hashCode();
    int bit = (h ^ (h >>> 16)) & mask;
    long m = 1L << (bit & 63);
    long old = seen.getAndUpdate(bit >>> 6, w -> w | m);
    if ((old & m) != 0) {
      memo.put(key, v);
    } else if (++marked >= forgetAfter) {
      // The table is a quarter full: forget the first visits, so collisions stay rare.
      marked = 0;
      for (int i = 0; i < seen.length(); i++) {
        seen.set(i, 0);
      }
    }
    return v;
  }
}
