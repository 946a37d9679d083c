package dev.hwplan.training;

/**
 * A map from {@code long} keys to values by open addressing (linear probing), so that a lookup
 * allocates nothing (a {@code HashMap<Long, V>} boxes its keys). Not thread-safe.
 */
final class LongMap<V> {
  private long[] keys = new long[64];
  private Object[] values = new Object[64];
  private boolean[] used = new boolean[64];
  private int size;

  @SuppressWarnings("unchecked")
  V get(long key) {
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (used[i]) {
      if (keys[i] == key) {
        return (V) values[i];
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  void put(long key, V value) {
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (used[i]) {
      if (keys[i] == key) {
        values[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
    used[i] = true;
    keys[i] = key;
    values[i] = value;
    size++;
  }

  private void grow() {
    long[] k = keys;
    Object[] v = values;
    boolean[] u = used;
    keys = new long[k.length * 2];
    values = new Object[k.length * 2];
    used = new boolean[k.length * 2];
    size = 0;
    for (int i = 0; i < k.length; i++) {
      if (u[i]) {
        put(k[i], v[i] == null ? null : cast(v[i]));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private V cast(Object o) {
    return (V) o;
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
