package dev.hwplan.serving;

/**
 * The paged KV blocks of one replica. Without prefix caching blocks are interchangeable and only
 * counted. With it ({@link #named}) each block has an id, a reference count and, once full, the
 * hash of its content; free blocks wait in a queue in LRU order, and a free block that still holds
 * its hash can be taken back by a request whose prompt starts with the same content, as vLLM V1's
 * {@code KVCacheManager} and {@code BlockPool} do: a block freed goes to the queue's tail (a
 * request's blocks in reverse order, so its last blocks are evicted first); a block allocated comes
 * from the head, and its hash is evicted from the cache then. Content hashes are exact keys, not
 * digests: {@code stream << 24 | blockIndex} (see {@link Replica}).
 */
final class KvBlocks {
  final long total;
  final boolean named;
  private long free;

  // named blocks only
  private final long[] key;
  private final int[] ref;
  private final LinkedQueue queue;
  private final LongIntMap cache;

  KvBlocks(long total, boolean named) {
    this.total = total;
    this.named = named;
    this.free = total;
    if (named) {
      if (total > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("too many KV blocks to name: " + total);
      }
      int n = (int) total;
      key = new long[n];
      ref = new int[n];
      queue = new LinkedQueue(n, true);
      cache = new LongIntMap();
    } else {
      key = null;
      ref = null;
      queue = null;
      cache = null;
    }
  }

  /** Blocks no request holds (cached ones included: they are evicted when needed). */
  long free() {
    return free;
  }

  /** Counted blocks: takes {@code n}. */
  void take(long n) {
    free -= n;
  }

  /** Counted blocks: gives back {@code n}. */
  void give(long n) {
    free += n;
  }

  /** Named blocks: the least recently freed block, its cached content evicted. */
  int allocate() {
    int b = queue.head();
    if (b < 0) {
      throw new IllegalStateException("no free KV block");
    }
    unlink(b);
    if (key[b] != 0) {
      cache.remove(key[b]);
      key[b] = 0;
    }
    ref[b] = 1;
    return b;
  }

  /** Named blocks: one more request holds cached block {@code b} (taken off the queue if free). */
  void touch(int b) {
    if (ref[b]++ == 0) {
      unlink(b);
    }
  }

  /** Named blocks: a request lets go of {@code b}; at no holder it joins the queue's tail. */
  void release(int b) {
    if (--ref[b] == 0) {
      queue.append(b);
      free++;
    }
  }

  /** Holders of named block {@code b}. */
  int holders(int b) {
    return ref[b];
  }

  /** The cached block holding content {@code k}, or -1. */
  int lookup(long k) {
    return cache.get(k, -1);
  }

  /**
   * Names full block {@code b} by its content {@code k}, unless another block already holds that
   * content (two requests computing the same prefix at once: the first stays cached).
   */
  void register(int b, long k) {
    if (key[b] == 0 && cache.get(k, -1) < 0) {
      cache.put(k, b);
      key[b] = k;
    }
  }

  /** Blocks whose content is cached (held or free). */
  int cached() {
    return named ? cache.size() : 0;
  }

  private void unlink(int b) {
    queue.unlink(b);
    free--;
  }
}
