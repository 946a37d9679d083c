package dev.hwplan.serving;

/**
 * One replica: an engine with its own scheduler and paged KV cache, running one iteration at a
 * time. {@link #start} picks the iteration's work by the policy and times it; {@link #finish}
 * applies it when it ends (tokens computed, tokens sampled, requests completed). Blocks are
 * counted, not named: paged blocks are interchangeable, so the free count is the allocator's whole
 * state. Everything lives in primitive arrays, reused iteration after iteration.
 */
final class Replica {
  final int index;
  private final RequestTable req;
  private final IterationTimer timer;
  final EngineConfig cfg;
  private final Policy policy;
  private final int blockSize;
  private final long watermark;
  private final Recorder recorder;

  private final RequestBlocks kv;

  /** The pipeline this engine shares with the replica's other micro-batches, or null. */
  final Pipeline pipeline;

  private final Speculation spec;

  /** A prefill replica of a disaggregated deployment: requests leave it with their first token. */
  final boolean prefillOnly;

  private final int specK;
  private final java.util.SplittableRandom accept;

  /** Verify steps of decoding sequences, and the tokens they gave. */
  long verifySteps;

  long verifyTokens;
  private long peakUsed;
  private long swapFree;
  final IntDeque waiting = new IntDeque();
  private int[] running = new int[64];
  private int runningCount;

  private final int[] sched;
  private final int[] schedTokens;
  private int schedCount;
  private final long[] chunkTokens;
  private final long[] chunkPrefix;
  double stepSeconds; // the last iteration's GPU time, and its swap transfers: Lockstep's
  double transferSeconds;
  private double clock;
  private boolean aligned;
  private long decodes;
  private long decodeContext;
  private int chunks;

  boolean busy;
  double iterationStart;
  double iterationEnd;
  private double previousEnd = Double.NaN;

  /** Requests routed here and not yet complete. */
  int outstanding;

  long iterations;
  long preemptions;

  /** Slots of the requests the last iteration completed, for the simulator to retire. */
  int[] done = new int[16];

  int doneCount;

  Replica(
      int index,
      RequestTable req,
      IterationTimer timer,
      EngineConfig cfg,
      Recorder recorder,
      long seed,
      boolean prefillOnly,
      Pipeline pipeline) {
    this.index = index;
    this.req = req;
    this.timer = timer;
    this.cfg = cfg;
    this.policy = cfg.policy();
    this.blockSize = cfg.blockSize();
    this.watermark = cfg.watermarkBlocks();
    this.recorder = recorder;
    this.kv = RequestBlocks.of(req, cfg, cfg.engineBlocks());
    this.pipeline = pipeline;
    this.prefillOnly = prefillOnly;
    this.spec = prefillOnly ? null : cfg.speculation();
    this.specK = spec == null ? 0 : spec.tokens();
    this.accept = new java.util.SplittableRandom(seed);
    this.swapFree = cfg.preemption() == Preemption.SWAP ? cfg.engineSwapBlocks() : 0;
    int most = cfg.maxNumSeqs() + 1;
    this.sched = new int[most];
    this.schedTokens = new int[most];
    this.chunkTokens = new long[most];
    this.chunkPrefix = new long[most];
  }

  long freeBlocks() {
    return kv.free();
  }

  long usedBlocks() {
    return kv.used();
  }

  /** Prompt tokens looked up in the prefix cache at admission, and those found cached. */
  long cacheQueries;

  long cacheHits;

  /** Blocks whose content the prefix cache holds now. */
  int cachedBlocks() {
    return kv.cached();
  }

  /** The most blocks in use at once so far. */
  long peakUsedBlocks() {
    return peakUsed;
  }

  long swapUsedBlocks() {
    return cfg.preemption() == Preemption.SWAP ? cfg.engineSwapBlocks() - swapFree : 0;
  }

  int running() {
    return runningCount;
  }

  /** The ranks of this engine's replica that run in lockstep ({@link Lockstep}). */
  int ranks() {
    return cfg.ranks();
  }

  void enqueue(int r) {
    waiting.addLast(r);
    outstanding++;
  }

  /** Picks and times the next iteration at {@code now}; false, and idle, when there is none. */
  boolean start(double now) {
    clock = now;
    aligned = policy == Policy.VLLM; // its iterations take a prefix of the running list, in order
    schedCount = 0;
    decodes = 0;
    decodeContext = 0;
    chunks = 0;
    transferSeconds = 0;
    switch (policy) {
      case VLLM -> scheduleVllm();
      case SARATHI -> scheduleSarathi();
      case PREFILL_FIRST -> scheduleUnchunked(true);
      case DECODE_FIRST -> scheduleUnchunked(false);
    }
    if (schedCount == 0) {
      busy = false;
      return false;
    }
    peakUsed = Math.max(peakUsed, kv.used());
    double gpu;
    if (specK > 0) {
      gpu =
          (decodes > 0
                  ? timer.seconds(
                      decodes, decodeContext, 1 + specK, chunks, chunkTokens, chunkPrefix)
                  : timer.seconds(decodes, decodeContext, chunks, chunkTokens, chunkPrefix))
              + spec.draftSeconds(decodes, decodeContext, chunks, chunkTokens, chunkPrefix);
    } else {
      gpu = timer.seconds(decodes, decodeContext, chunks, chunkTokens, chunkPrefix);
    }
    iterationStart = now;
    stepSeconds = gpu;
    double overhead = cfg.engineOverheadSeconds();
    iterationEnd = Pipeline.end(pipeline, cfg.ranks() > 1, now, overhead, gpu) + transferSeconds;
    busy = true;
    iterations++;
    return true;
  }

  /** Applies the iteration that ends at {@code now}: tokens computed and sampled, completions. */
  void finish(double now) {
    int completions = 0;
    doneCount = 0;
    recorder.iteration(index, iterationStart, now, schedCount, usedBlocks(), kv.total());
    int sameGap = 0; // tokens whose previous token came at the end of the previous iteration
    final int[] computed = req.computed;
    final int[] prompt = req.prompt;
    final int[] generated = req.generated;
    final int[] output = req.output;
    final double[] lastToken = req.lastToken;
    final int[] sched = this.sched;
    final int[] schedTokens = this.schedTokens;
    final double previous = previousEnd;
    final boolean inline = aligned;
    final int[] running = this.running;
    int kept = 0;
    for (int i = 0, n = schedCount; i < n; i++) {
      int r = sched[i];
      if (inline) {
        running[kept++] = r; // taken back below if it completes
      }
      int c0 = computed[r];
      int t = schedTokens[i];
      int g = generated[r];
      int emitted;
      boolean verify = t > 1 && c0 + 1 == prompt[r] + g && g > 0;
      if (verify) {
        // a verify step: the last token and the accepted proposals are computed, and 1 + j
        // tokens come out (no more than the request asks for)
        emitted = Math.min(spec.sampleTokens(accept), output[r] - g);
        verifySteps++;
        verifyTokens += emitted;
      } else {
        emitted = c0 + t == prompt[r] + g ? 1 : 0; // a prompt chunk gives no token until its last
      }
      computed[r] = verify ? c0 + emitted : c0 + t;
      if (emitted == 0) {
        continue;
      }
      g += emitted;
      generated[r] = g;
      if (g == emitted) {
        req.firstToken[r] = now;
        recorder.firstToken(now - req.arrival[r]);
      } else if (lastToken[r] == previous) {
        sameGap++;
      } else {
        recorder.interTokens(now - lastToken[r], 1);
      }
      lastToken[r] = now;
      if (g == output[r] || (prefillOnly && g == emitted)) {
        kv.drop(r);
        computed[r] = -1; // marks it complete for the compaction below
        completions++;
        if (inline) {
          kept--;
          retire(r);
        }
      }
    }
    if (sameGap > 0) {
      recorder.interTokens(now - previousEnd, sameGap);
    }
    previousEnd = now;
    busy = false;
    if (completions == 0) {
      return;
    }
    if (inline) {
      // the scheduled requests were the running list's prefix: move the unscheduled rest down
      for (int i = schedCount; i < runningCount; i++) {
        running[kept++] = running[i];
      }
      runningCount = kept;
      return;
    }
    int k = 0;
    for (int i = 0; i < runningCount; i++) {
      int r = running[i];
      if (req.computed[r] == -1) {
        retire(r);
      } else {
        running[k++] = r;
      }
    }
    runningCount = k;
  }

  private void retire(int r) {
    outstanding--;
    if (doneCount == done.length) {
      done = java.util.Arrays.copyOf(done, 2 * doneCount);
    }
    done[doneCount++] = r;
  }

  // ---- policies ----

  private void scheduleVllm() {
    long budget = cfg.maxNumBatchedTokens();
    long preemptionsBefore = preemptions;
    final int[] computed = req.computed;
    final int[] prompt = req.prompt;
    final int[] generated = req.generated;
    final int[] blocks = req.blocks;
    int i = 0;
    while (i < runningCount && budget > 0) {
      int r = running[i];
      int c = computed[r];
      int n;
      if (specK > 0 && verifying(r)) {
        n = 1 + specK; // the proposals count in the budget (vLLM V1's num_scheduled_tokens)
        if (n > budget) {
          budget = 0; // the rest wait for the next iteration
          break;
        }
      } else {
        n = (int) Math.min(prompt[r] + generated[r] - c, budget);
      }
      if ((long) c + n > (long) blocks[r] * blockSize && !allocateOrPreempt(r, n)) {
        break; // it needed a block and was preempted itself
      }
      schedule(r, n);
      budget -= n;
      i++;
    }
    if (preemptions == preemptionsBefore) {
      admit(budget, true);
    }
  }

  private void scheduleSarathi() {
    long budget = cfg.maxNumBatchedTokens();
    long preemptionsBefore = preemptions;
    for (int i = 0; i < runningCount && budget > 0; i++) {
      int r = running[i];
      if (!decoding(r)) {
        continue;
      }
      int d = specK > 0 && verifying(r) ? 1 + specK : 1;
      if (d > budget) {
        break;
      }
      if (!allocateOrPreempt(r, d)) {
        break;
      }
      schedule(r, d);
      budget -= d;
    }
    for (int i = 0; i < runningCount && budget > 0; i++) {
      int r = running[i];
      if (decoding(r)) {
        continue;
      }
      int n = (int) Math.min(req.remaining(r), budget);
      if (!kv.allocate(r, n)) {
        break;
      }
      schedule(r, n);
      budget -= n;
    }
    if (preemptions == preemptionsBefore) {
      admit(budget, true);
    }
  }

  /** Prefill-first (V0, Orca) or decode-first: an iteration prefills whole prompts or decodes. */
  private void scheduleUnchunked(boolean prefillFirst) {
    if ((prefillFirst || runningCount == 0) && !waiting.isEmpty()) {
      admit(cfg.maxNumBatchedTokens(), false);
      if (schedCount > 0) {
        return;
      }
    }
    for (int i = 0; i < runningCount; i++) {
      int r = running[i];
      int n = specK > 0 && verifying(r) ? 1 + specK : req.remaining(r);
      if (!allocateOrPreempt(r, n)) {
        break;
      }
      schedule(r, n);
    }
  }

  /** Waiting requests in FCFS order, while the budget, the sequence cap and the blocks allow. */
  private void admit(long budget, boolean chunked) {
    final RequestTable req = this.req;
    while (!waiting.isEmpty() && budget > 0 && runningCount < cfg.maxNumSeqs()) {
      int r = waiting.peekFirst();
      boolean swappedIn = req.hostBlocks[r] > 0;
      // prefix caching: the longest run of cached full blocks that starts the request (vLLM V1's
      // get_computed_blocks), at most all but its last token
      int hits = 0;
      int evictable = 0;
      if (kv.named()
          && !swappedIn
          && req.computed[r] == 0
          && (req.flags[r] & (RequestTable.SHAREABLE | RequestTable.PREEMPTED)) != 0) {
        hits = kv.cachedPrefix(r);
        evictable = kv.evictable;
      }
      int computed = req.computed[r] + hits * blockSize;
      int remaining = req.prompt[r] + req.generated[r] - computed;
      if (!chunked && remaining > budget) {
        break;
      }
      int n = (int) Math.min(remaining, budget);
      long target = policy.wholePromptAdmission() ? computed + (long) remaining : computed + n;
      long need = kv.blocksFor(target) - req.blocks[r] - hits;
      if (!kv.fits(r, hits, need, evictable, watermark)) {
        break;
      }
      waiting.pollFirst();
      if (kv.named() && req.computed[r] == 0 && !swappedIn) {
        cacheQueries += req.prompt[r] + req.generated[r];
        cacheHits += (long) hits * blockSize;
      }
      if (hits > 0) {
        kv.reuse(r, hits);
        req.computed[r] = computed;
      }
      kv.grab(r, (int) need);
      if (swappedIn) {
        transferSeconds += req.hostBlocks[r] * cfg.swapSecondsPerBlock();
        swapFree += req.hostBlocks[r];
        req.hostBlocks[r] = 0;
      }
      if (Double.isNaN(req.firstScheduled[r])) {
        req.firstScheduled[r] = clock;
      }
      addRunning(r);
      schedule(r, n);
      budget -= n;
    }
  }

  private boolean decoding(int r) {
    return req.remaining(r) == 1 && req.computed[r] > 0;
  }

  /** Whether {@code r} decodes past its first token: with speculation, a verify step. */
  private boolean verifying(int r) {
    return req.generated[r] > 0 && decoding(r);
  }

  /**
   * Blocks for {@code n} more tokens of running request {@code r}, preempting the last running
   * request until they are free; false when {@code r} itself had to go.
   */
  private boolean allocateOrPreempt(int r, int n) {
    while (!kv.allocate(r, n)) {
      int victim = running[--runningCount];
      preempt(victim);
      if (victim == r) {
        return false;
      }
    }
    return true;
  }

  private void preempt(int v) {
    preemptions++;
    recorder.preempted(index, clock);
    long held = kv.held(v);
    boolean swap = cfg.preemption() == Preemption.SWAP && held > 0 && held <= swapFree;
    if (kv.named() && !swap) {
      kv.cacheFull(v, req.computed[v]); // its own blocks may be found again when it is readmitted
      req.flags[v] |= RequestTable.PREEMPTED;
    }
    kv.drop(v);
    if (swap) {
      swapFree -= held;
      req.hostBlocks[v] = (int) held;
      transferSeconds += held * cfg.swapSecondsPerBlock();
    } else {
      req.computed[v] = 0;
    }
    waiting.addFirst(v);
  }

  private void addRunning(int r) {
    if (runningCount == running.length) {
      running = java.util.Arrays.copyOf(running, 2 * runningCount);
    }
    running[runningCount++] = r;
  }

  /** Adds {@code n} tokens of {@code r} to the iteration (at most maxNumSeqs requests a step). */
  private void schedule(int r, int n) {
    sched[schedCount] = r;
    schedTokens[schedCount++] = n;
    int c = req.computed[r];
    if (kv.named() && (req.flags[r] & RequestTable.SHAREABLE) != 0) {
      kv.cacheFull(r, c + (long) (n > 1 && specK > 0 && verifying(r) ? 1 : n));
    }
    if ((n == 1 && c > 0) || (n == 1 + specK && specK > 0 && verifying(r))) {
      decodes++;
      decodeContext += c + 1;
    } else {
      chunkTokens[chunks] = n;
      chunkPrefix[chunks++] = c;
    }
  }
}
