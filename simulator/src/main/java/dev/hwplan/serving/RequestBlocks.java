package dev.hwplan.serving;

/**
 * The KV blocks that the requests of one engine hold: a request's logical blocks (its tokens in
 * {@code blockSize} pieces) and the pool blocks behind them ({@link KvBlocks}). Without sliding
 * windows a request holds one pool block per logical block; with them it holds its footprint
 * ({@link EngineConfig#poolBlocks}). With prefix caching the blocks are named and a full block's
 * content is registered so that later requests find it ({@link #cachedPrefix}), as vLLM V1's {@code
 * KVCacheManager} does.
 */
class RequestBlocks {
  /** Blocks of a request that prefix caching names: the index must fit 24 bits of the key. */
  static final int MAX_CACHED_BLOCK = 1 << 24;

  private final RequestTable req;
  private final EngineConfig cfg;
  private final KvBlocks kv;
  private final int blockSize;
  private final boolean windowed;

  /** Blocks the last {@link #cachedPrefix} found that no request holds (evicted if taken). */
  int evictable;

  RequestBlocks(RequestTable req, EngineConfig cfg, long blocks, boolean named) {
    this.req = req;
    this.cfg = cfg;
    this.kv = new KvBlocks(blocks, named);
    this.blockSize = cfg.blockSize();
    this.windowed = cfg.footprint() != null;
  }

  /**
   * The blocks of an engine of {@code blocks} pool blocks: with prefix caching on a model with
   * sliding-window layers, vLLM's hybrid manager ({@link HybridBlocks}).
   */
  static RequestBlocks of(RequestTable req, EngineConfig cfg, long blocks) {
    return cfg.prefixCaching() && cfg.footprint() != null
        ? new HybridBlocks(req, cfg, blocks)
        : new RequestBlocks(req, cfg, blocks, cfg.prefixCaching());
  }

  /**
   * Whether waiting request {@code r}, with {@code hits} cached blocks found ({@link
   * #cachedPrefix}; {@code evictable} of them free) and {@code need} more logical blocks, fits
   * above {@code watermark} free blocks.
   */
  boolean fits(int r, int hits, long need, int evictable, long watermark) {
    return poolNeed(r, need) + evictable <= free() - watermark;
  }

  /** Pool blocks of this engine. */
  long total() {
    return kv.total;
  }

  /** Whether blocks are named (prefix caching). */
  boolean named() {
    return kv.named;
  }

  long free() {
    return kv.free();
  }

  long used() {
    return kv.total - kv.free();
  }

  /** Blocks whose content the prefix cache holds now. */
  int cached() {
    return kv.cached();
  }

  long blocksFor(long tokens) {
    return (tokens + blockSize - 1) / blockSize;
  }

  /**
   * The longest run of cached full blocks that starts request {@code r}, at most all but its last
   * token (vLLM V1's {@code get_computed_blocks}); their ids go to {@code r}'s block list, and
   * {@link #evictable} counts those no request holds.
   */
  int cachedPrefix(int r) {
    int hits = 0;
    evictable = 0;
    int tokens = req.prompt[r] + req.generated[r];
    int most = Math.min((tokens - 1) / blockSize, MAX_CACHED_BLOCK);
    int[] ids = req.blockIds(r, most);
    while (hits < most) {
      int b = kv.lookup(contentKey(r, hits));
      if (b < 0) {
        break;
      }
      ids[hits++] = b;
      if (kv.holders(b) == 0) {
        evictable++;
      }
    }
    return hits;
  }

  /** Takes the {@code hits} cached blocks {@link #cachedPrefix} found for {@code r}. */
  void reuse(int r, int hits) {
    int[] ids = req.blockIds[r];
    for (int i = 0; i < hits; i++) {
      kv.touch(ids[i]);
    }
    req.blocks[r] = hits;
    req.hashed[r] = hits;
  }

  /** Pool blocks that {@code r} would take for {@code need} more logical blocks. */
  long poolNeed(int r, long need) {
    return windowed ? cfg.poolBlocks(req.blocks[r] + need) - held(r) : need;
  }

  /** Blocks for {@code n} more tokens of {@code r} if they are free; false if they are not. */
  boolean allocate(int r, int n) {
    long tokens = req.computed[r] + (long) n;
    if (tokens <= (long) req.blocks[r] * blockSize) {
      return true;
    }
    long need = blocksFor(tokens) - req.blocks[r];
    if (poolNeed(r, need) > kv.free()) {
      return false;
    }
    grab(r, (int) need);
    return true;
  }

  /** Gives {@code r} {@code need} more logical blocks (free ones: the caller checked). */
  void grab(int r, int need) {
    if (need <= 0) {
      return;
    }
    int have = req.blocks[r];
    if (kv.named) {
      int[] ids = req.blockIds(r, have + need);
      for (int i = have; i < have + need; i++) {
        ids[i] = kv.allocate();
      }
    } else {
      kv.take(windowed ? cfg.poolBlocks(have + need) - cfg.poolBlocks(have) : need);
    }
    req.blocks[r] = have + need;
  }

  /**
   * Pool blocks that {@code r}'s logical blocks take: as many, unless sliding-window layers keep
   * only their window ({@link KvFootprint}).
   */
  long held(int r) {
    return cfg.poolBlocks(req.blocks[r]);
  }

  /** Frees every block of {@code r}, its last first (so those are evicted first). */
  void drop(int r) {
    int n = req.blocks[r];
    if (kv.named) {
      int[] ids = req.blockIds[r];
      for (int i = n - 1; i >= 0; i--) {
        kv.release(ids[i]);
      }
    } else {
      kv.give(windowed ? cfg.poolBlocks(n) : n);
    }
    req.blocks[r] = 0;
    req.hashed[r] = 0;
  }

  /**
   * Registers the content of {@code r}'s blocks that {@code tokens} tokens fill (vLLM V1 caches a
   * block once the tokens scheduled fill it, so requests scheduled later find it).
   */
  void cacheFull(int r, long tokens) {
    int full = (int) Math.min(Math.min(tokens / blockSize, req.blocks[r]), MAX_CACHED_BLOCK);
    int h = req.hashed[r];
    if (h >= full) {
      return;
    }
    for (int i = h; i < full; i++) {
      register(r, i);
    }
    req.hashed[r] = full;
  }

  /** Registers the content of {@code r}'s block {@code i}, full now. */
  void register(int r, int i) {
    kv.register(req.blockIds[r][i], contentKey(r, i));
  }

  /**
   * The content of block {@code i} of {@code r}, exactly: a block within the shared prefix is the
   * prefix stream's, any other is its own stream's (the hash chain makes every later block depend
   * on the request's own tokens). Only the first {@link #MAX_CACHED_BLOCK} blocks of a request are
   * cached (2^24 blocks, 268 million tokens at 16 a block).
   */
  final long contentKey(int r, int i) {
    long s = (long) (i + 1) * blockSize <= req.shared[r] ? req.sharedStream[r] : req.stream[r];
    return s << 24 | i;
  }
}
