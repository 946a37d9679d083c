package dev.hwplan.serving;

/**
 * A map from non-zero longs to ints by open addressing with linear probing and backward-shift
 * deletion (no tombstones), growing by doubling: no allocation in the steady state. Key 0 marks an
 * empty slot and cannot be stored.
 */
final class LongIntMap {
  private long[] keys = new long[1024];
  private int[] values = new int[1024];
  private int size;
  private int mask = 1023;

  int size() {
    return size;
  }

  /** The value of {@code key}, or {@code missing}. */
  int get(long key, int missing) {
    int i = slot(key);
    long k;
    while ((k = keys[i]) != 0) {
      if (k == key) {
        return values[i];
      }
      i = (i + 1) & mask;
    }
    return missing;
  }

  void put(long key, int value) {
    if (key == 0) {
      throw new IllegalArgumentException("key 0 marks an empty slot");
    }
    if (2 * (size + 1) > keys.length) {
      rehash(2 * keys.length);
    }
    int i = slot(key);
    long k;
    while ((k = keys[i]) != 0) {
      if (k == key) {
        values[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    size++;
  }

  /** Removes {@code key}; true if it was there. */
  boolean remove(long key) {
    int i = slot(key);
    long k;
    while ((k = keys[i]) != key) {
      if (k == 0) {
        return false;
      }
      i = (i + 1) & mask;
    }
    // backward shift: move later entries of the probe run into the hole
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      long kj = keys[j];
      if (kj == 0) {
        break;
      }
      int home = slot(kj);
      // kj may move into the hole if its home is not cyclically within (hole, j]
      boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!stays) {
        keys[hole] = kj;
        values[hole] = values[j];
        hole = j;
      }
    }
    keys[hole] = 0;
    size--;
    return true;
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void rehash(int capacity) {
    long[] ok = keys;
    int[] ov = values;
    keys = new long[capacity];
    values = new int[capacity];
    mask = capacity - 1;
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != 0) {
        put(ok[i], ov[i]);
      }
    }
  }
}
