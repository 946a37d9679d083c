package dev.hwplan.serving;

import java.util.Arrays;

/**
 * Prefix caching for models with sliding-window layers, as vLLM V1's hybrid KV cache manager does
 * it ({@code HybridKVCacheCoordinator} over a {@code FullAttentionManager} and a {@code
 * SlidingWindowManager} sharing one {@code BlockPool}). Each logical block of a request has a
 * full-attention entry (its tokens on the full layers, and a drafter's KV) and a sliding-window
 * entry (its tokens on the sliding layers). A request holds every full entry, but only the sliding
 * entries its window still reaches: before a step, those whose tokens all lie before {@code
 * computed - W + 1} are freed ({@code remove_skipped_blocks}); a prefill chunk's entries are all
 * allocated and cached, then freed at the next step. Freed entries that hold content stay in the
 * cache, in LRU order, until their memory is needed.
 *
 * <p>A cached prefix is a hit only as far as both kinds allow ({@code find_longest_cache_hit}): the
 * full entries give the longest run of cached blocks from the start, {@code l}; the sliding entries
 * then give, scanning back from {@code l}, the end of the last run of {@code ceil((W - 1) / B)}
 * cached blocks (the window the next token attends to), or failing that the run from the start. The
 * request then holds the hit's full entries and the sliding entries of that window only. So a
 * shared prefix whose sliding entries were evicted (they are freed as soon as the window passes
 * them, so earlier than the full ones) is recomputed even though its full entries are cached.
 *
 * <p>Memory is the engine's pool in bytes ({@code blocks x} the pool block's bytes), each entry
 * weighing its layers' bytes, so the entries of the two kinds share it exactly; vLLM instead pages
 * groups of equally many layers, padding the last. Blocks reported (use, free) are the bytes in
 * pool blocks.
 */
final class HybridBlocks extends RequestBlocks {
  private final RequestTable req;
  private final int blockSize;
  private final long blockBytes;
  private final long window;

  /** Cached sliding blocks a hit needs: {@code ceil((W - 1) / blockSize)}. */
  private final int windowBlocks;

  /** Entry weights in bytes: [0] full attention, [1] sliding window. */
  private final long[] weight = new long[2];

  /** Whether the (largest) stage has layers of each kind: a kind without bytes is not tracked. */
  private final boolean hasFull;

  private final boolean hasSliding;

  private long freeBytes;

  /**
   * Free bytes never given out, or given back by entries the queue evicted: taken before the
   * queue's entries, as vLLM's free queue starts with the blocks never used.
   */
  private long freshBytes;

  private long evictableBytes;

  // entries: their kind, holders, content key (0: none) and place in the queue of free entries
  private byte[] kind = new byte[1024];
  private int[] ref = new int[1024];
  private long[] key = new long[1024];
  private int entries;
  private int[] unused = new int[64];
  private int unusedCount;
  private final LinkedQueue queue = new LinkedQueue(1024, false);
  private final LongIntMap cache = new LongIntMap();

  /** Per request slot: its sliding entries by logical block, and the first it holds. */
  private int[][] slidingIds = new int[64][];

  private int[] slidingFirst = new int[64];

  HybridBlocks(RequestTable req, EngineConfig cfg, long blocks) {
    super(req, cfg, blocks, false);
    KvFootprint f = cfg.footprint();
    Integer w = f.window();
    if (w == null) {
      throw new IllegalArgumentException("prefix caching needs one sliding window for the model");
    }
    this.req = req;
    this.blockSize = cfg.blockSize();
    this.blockBytes = f.blockBytes();
    this.window = w;
    this.windowBlocks = (int) ((window - 1 + blockSize - 1) / blockSize);
    this.weight[0] = f.layerBlockBytes(false);
    this.weight[1] = f.layerBlockBytes(true);
    this.hasFull = weight[0] > 0;
    this.hasSliding = weight[1] > 0;
    this.freeBytes = Math.multiplyExact(blocks, blockBytes);
    this.freshBytes = freeBytes;
  }

  @Override
  boolean named() {
    return true;
  }

  @Override
  long free() {
    return freeBytes / blockBytes;
  }

  @Override
  long used() {
    return total() - free();
  }

  @Override
  int cached() {
    return cache.size();
  }

  /** Logical blocks before the window of a request with {@code computed} tokens computed. */
  private int skipped(long computed) {
    return (int) (Math.max(0, computed - window + 1) / blockSize);
  }

  /**
   * Room for slot {@code r}: the request table grows its slots, and a request may come to this
   * engine with blocks computed elsewhere (a prefill replica's).
   */
  private void ensureSlot(int r) {
    if (r >= slidingIds.length) {
      int m = Math.max(r + 1, 2 * slidingIds.length);
      slidingIds = Arrays.copyOf(slidingIds, m);
      slidingFirst = Arrays.copyOf(slidingFirst, m);
    }
  }

  private int[] sliding(int r, int n) {
    ensureSlot(r);
    int[] a = slidingIds[r];
    if (a == null || a.length < n) {
      a = Arrays.copyOf(a == null ? new int[0] : a, Math.max(n, a == null ? 16 : 2 * a.length));
      slidingIds[r] = a;
    }
    return a;
  }

  @Override
  int cachedPrefix(int r) {
    int tokens = req.prompt[r] + req.generated[r];
    int most = Math.min((tokens - 1) / blockSize, MAX_CACHED_BLOCK);
    int[] full = req.blockIds(r, most);
    int l = hasFull ? 0 : most;
    while (l < most && (full[l] = cache.get(contentKey(r, l), -1)) >= 0) {
      l++;
    }
    int[] win = sliding(r, l);
    int run = 0;
    int hits = hasSliding ? -1 : l;
    for (int i = hasSliding ? l - 1 : -1; i >= 0; i--) {
      if ((win[i] = cache.get(contentKey(r, i) | Long.MIN_VALUE, -1)) < 0) {
        run = 0;
      } else if (++run >= windowBlocks) {
        hits = i + run;
        break;
      }
    }
    hits = hits < 0 ? run : hits;
    evictableBytes = 0;
    for (int i = 0; hasFull && i < hits; i++) {
      evictableBytes += ref[full[i]] == 0 ? weight[0] : 0;
    }
    for (int i = hasSliding ? skipped((long) hits * blockSize) : hits; i < hits; i++) {
      evictableBytes += ref[win[i]] == 0 ? weight[1] : 0;
    }
    evictable = evictableBytes > 0 ? 1 : 0;
    return hits;
  }

  @Override
  void reuse(int r, int hits) {
    int[] full = req.blockIds[r];
    for (int i = 0; hasFull && i < hits; i++) {
      touch(full[i]);
    }
    int first = skipped((long) hits * blockSize);
    int[] win = sliding(r, hits);
    for (int i = first; hasSliding && i < hits; i++) {
      touch(win[i]);
    }
    slidingFirst[r] = first;
    req.blocks[r] = hits;
    req.hashed[r] = hits;
  }

  /**
   * Bytes that a request holding {@code have} logical blocks takes for {@code need} more at {@code
   * computed} tokens: a full entry each, and a sliding one each within the window.
   */
  private long bytesFor(int have, long computed, long need) {
    long from = Math.max(have, skipped(computed));
    return need * weight[0] + Math.max(0, have + need - from) * weight[1];
  }

  @Override
  boolean fits(int r, int hits, long need, int evictable, long watermark) {
    // r holds no block yet; with the hit it holds hits blocks, computed up to their end
    long computed = req.computed[r] + (long) hits * blockSize;
    long bytes = bytesFor(hits, computed, need) + (evictable > 0 ? evictableBytes : 0);
    return bytes <= freeBytes - watermark * blockBytes;
  }

  @Override
  boolean allocate(int r, int n) {
    dropSkipped(r);
    long tokens = req.computed[r] + (long) n;
    if (tokens <= (long) req.blocks[r] * blockSize) {
      return true;
    }
    long need = blocksFor(tokens) - req.blocks[r];
    if (bytesFor(req.blocks[r], req.computed[r], need) > freeBytes) {
      return false;
    }
    grab(r, (int) need);
    return true;
  }

  /** Frees {@code r}'s sliding entries that its window has passed, the latest first. */
  private void dropSkipped(int r) {
    ensureSlot(r);
    int to = Math.min(skipped(req.computed[r]), req.blocks[r]);
    int from = slidingFirst[r];
    if (to <= from || !hasSliding) {
      return;
    }
    int[] win = slidingIds[r];
    for (int i = to - 1; i >= from; i--) {
      release(win[i]);
    }
    slidingFirst[r] = to;
  }

  @Override
  void grab(int r, int need) {
    if (need <= 0) {
      return;
    }
    dropSkipped(r);
    int have = req.blocks[r];
    int[] full = req.blockIds(r, have + need);
    int[] win = sliding(r, have + need);
    int from = Math.max(have, skipped(req.computed[r]));
    if (have == 0) {
      slidingFirst[r] = from;
    }
    for (int i = have; i < have + need; i++) {
      if (hasFull) {
        full[i] = allocate(0);
      }
      if (hasSliding && i >= from) {
        win[i] = allocate(1);
      }
    }
    req.blocks[r] = have + need;
  }

  @Override
  long held(int r) {
    ensureSlot(r);
    long bytes = req.blocks[r] * weight[0] + (req.blocks[r] - slidingFirst[r]) * weight[1];
    return (bytes + blockBytes - 1) / blockBytes;
  }

  @Override
  void drop(int r) {
    ensureSlot(r);
    int n = req.blocks[r];
    int[] full = req.blockIds[r];
    for (int i = n - 1; hasFull && i >= 0; i--) {
      release(full[i]);
    }
    if (n > 0 && hasSliding) {
      int[] win = slidingIds[r];
      for (int i = n - 1; i >= slidingFirst[r]; i--) {
        release(win[i]);
      }
    }
    slidingFirst[r] = 0;
    req.blocks[r] = 0;
    req.hashed[r] = 0;
  }

  @Override
  void register(int r, int i) {
    long k = contentKey(r, i);
    if (hasFull) {
      register(req.blockIds[r][i], k);
    }
    if (hasSliding && i >= slidingFirst[r]) {
      register(slidingIds[r][i], k | Long.MIN_VALUE);
    }
  }

  // ---- the pool: entries of two weights, free cached ones in LRU order ----

  /** A new entry of kind {@code k}, evicting the least recently freed entries for room. */
  private int allocate(int k) {
    long w = weight[k];
    while (freshBytes < w) {
      int e = queue.head();
      if (e < 0) {
        throw new IllegalStateException("no free KV memory");
      }
      queue.unlink(e);
      if (key[e] != 0) {
        cache.remove(key[e]);
        key[e] = 0;
      }
      freshBytes += weight[kind[e]];
      recycle(e);
    }
    freshBytes -= w;
    freeBytes -= w;
    int e = unusedCount > 0 ? unused[--unusedCount] : newEntry();
    kind[e] = (byte) k;
    ref[e] = 1;
    key[e] = 0;
    return e;
  }

  private int newEntry() {
    if (entries == ref.length) {
      int m = 2 * entries;
      kind = Arrays.copyOf(kind, m);
      ref = Arrays.copyOf(ref, m);
      key = Arrays.copyOf(key, m);
      queue.ensure(m);
    }
    return entries++;
  }

  private void recycle(int e) {
    if (unusedCount == unused.length) {
      unused = Arrays.copyOf(unused, 2 * unusedCount);
    }
    unused[unusedCount++] = e;
  }

  /** One more holder of cached entry {@code e} (taken off the queue if it was free). */
  private void touch(int e) {
    if (ref[e]++ == 0) {
      queue.unlink(e);
      freeBytes -= weight[kind[e]];
    }
  }

  /** A holder lets go of {@code e}: at none it joins the free queue's tail, content and all. */
  private void release(int e) {
    if (--ref[e] > 0) {
      return;
    }
    freeBytes += weight[kind[e]];
    queue.append(e);
  }

  private void register(int e, long k) { // an entry, unless another holds the content already
    if (key[e] == 0 && cache.get(k, -1) < 0) {
      cache.put(k, e);
      key[e] = k;
    }
  }
}
