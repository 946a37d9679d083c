package dev.hwplan.util;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A thread-safe memo of a pure function, keyed by value and bounded: when it holds {@code capacity}
 * entries it is emptied and fills again. A hit returns exactly what the function returned for an
 * equal key, so callers see no difference but speed. Emptying rather than evicting keeps a lookup
 * to one hash probe; sweeps that cycle through more keys than the capacity lose only the speed-up,
 * never correctness.
 *
 * @param <K> the key: a value with {@code equals} and {@code hashCode} over its content
 * @param <V> the function's result
 */
public final class BoundedMemo<K, V> {
  private final ConcurrentHashMap<K, V> map;
  private final int capacity;

  /** A memo holding at most {@code capacity} entries. */
  public BoundedMemo(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    this.map = new ConcurrentHashMap<>();
  }

  /** {@code f(key)}, computed at most once per key while the memo holds it. */
  public V get(K key, Function<? super K, ? extends V> f) {
    V v = map.get(key);
    if (v != null) {
      return v;
    }
    v = f.apply(key);
    put(key, v);
    return v;
  }

  /** The value held for {@code key}, or null. */
  public V peek(K key) {
    return map.get(key);
  }

  /** Holds {@code value} for {@code key}, emptying the memo first when it is full. */
  public void put(K key, V value) {
    if (map.size() >= capacity) {
      map.clear();
    }
    map.put(key, value);
  }

  /** Entries held now. */
  public int size() {
    return map.size();
  }
}
