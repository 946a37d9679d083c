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
  private final EngineConfig cfg;
  private final Policy policy;
  private final int blockSize;
  private final long watermark;
  private final Recorder recorder;

  private long freeBlocks;
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
  private double transferSeconds;
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

  Replica(int index, RequestTable req, IterationTimer timer, EngineConfig cfg, Recorder recorder) {
    this.index = index;
    this.req = req;
    this.timer = timer;
    this.cfg = cfg;
    this.policy = cfg.policy();
    this.blockSize = cfg.blockSize();
    this.watermark = cfg.watermarkBlocks();
    this.recorder = recorder;
    this.freeBlocks = cfg.kvBlocks();
    this.swapFree = cfg.preemption() == Preemption.SWAP ? cfg.swapBlocks() : 0;
    int most = cfg.maxNumSeqs() + 1;
    this.sched = new int[most];
    this.schedTokens = new int[most];
    this.chunkTokens = new long[most];
    this.chunkPrefix = new long[most];
  }

  long freeBlocks() {
    return freeBlocks;
  }

  long usedBlocks() {
    return cfg.kvBlocks() - freeBlocks;
  }

  /** The most blocks in use at once so far. */
  long peakUsedBlocks() {
    return peakUsed;
  }

  long swapUsedBlocks() {
    return cfg.preemption() == Preemption.SWAP ? cfg.swapBlocks() - swapFree : 0;
  }

  int running() {
    return runningCount;
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
    peakUsed = Math.max(peakUsed, cfg.kvBlocks() - freeBlocks);
    double gpu = timer.seconds(decodes, decodeContext, chunks, chunkTokens, chunkPrefix);
    iterationStart = now;
    iterationEnd = now + gpu + cfg.engineOverheadSeconds() + transferSeconds;
    busy = true;
    iterations++;
    return true;
  }

  /** Applies the iteration that ends at {@code now}: tokens computed and sampled, completions. */
  void finish(double now) {
    int completions = 0;
    doneCount = 0;
    recorder.iteration(index, iterationStart, now, schedCount, usedBlocks(), cfg.kvBlocks());
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
      int c = computed[r] + schedTokens[i];
      computed[r] = c;
      int g = generated[r];
      if (c != prompt[r] + g) {
        continue; // a prompt chunk: no token yet
      }
      generated[r] = ++g;
      if (g == 1) {
        req.firstToken[r] = now;
        recorder.firstToken(now - req.arrival[r]);
      } else if (lastToken[r] == previous) {
        sameGap++;
      } else {
        recorder.interTokens(now - lastToken[r], 1);
      }
      lastToken[r] = now;
      if (g == output[r]) {
        freeBlocks += req.blocks[r];
        req.blocks[r] = 0;
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
    boolean preempted = false;
    final int[] computed = req.computed;
    final int[] prompt = req.prompt;
    final int[] generated = req.generated;
    final int[] blocks = req.blocks;
    int i = 0;
    while (i < runningCount && budget > 0) {
      int r = running[i];
      int c = computed[r];
      int n = (int) Math.min(prompt[r] + generated[r] - c, budget);
      if ((long) c + n > (long) blocks[r] * blockSize) { // needs a block
        if (!allocateOrPreempt(r, n)) {
          preempted = true;
          break;
        }
        preempted |= lastPreempted;
      }
      schedule(r, n);
      budget -= n;
      i++;
    }
    if (!preempted) {
      admit(budget, true);
    }
  }

  private void scheduleSarathi() {
    long budget = cfg.maxNumBatchedTokens();
    boolean preempted = false;
    for (int i = 0; i < runningCount && budget > 0; i++) {
      int r = running[i];
      if (!decoding(r)) {
        continue;
      }
      if (!allocateOrPreempt(r, 1)) {
        preempted = true;
        break;
      }
      preempted |= lastPreempted;
      schedule(r, 1);
      budget--;
    }
    for (int i = 0; i < runningCount && budget > 0; i++) {
      int r = running[i];
      if (decoding(r)) {
        continue;
      }
      int n = (int) Math.min(req.remaining(r), budget);
      if (!allocate(r, n)) {
        break;
      }
      schedule(r, n);
      budget -= n;
    }
    if (!preempted) {
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
      int n = req.remaining(r);
      if (!allocateOrPreempt(r, n)) {
        break;
      }
      schedule(r, n);
    }
  }

  /** Waiting requests in FCFS order, while the budget, the sequence cap and the blocks allow. */
  private void admit(long budget, boolean chunked) {
    while (!waiting.isEmpty() && budget > 0 && runningCount < cfg.maxNumSeqs()) {
      int r = waiting.peekFirst();
      int remaining = req.remaining(r);
      if (!chunked && remaining > budget) {
        break;
      }
      int n = (int) Math.min(remaining, budget);
      boolean swappedIn = req.hostBlocks[r] > 0;
      int target =
          policy.wholePromptAdmission() ? req.computed[r] + remaining : req.computed[r] + n;
      long need = blocksFor(target) - req.blocks[r];
      if (need > freeBlocks - watermark) {
        break;
      }
      waiting.pollFirst();
      freeBlocks -= need;
      req.blocks[r] += (int) need;
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

  private boolean lastPreempted;

  /**
   * Blocks for {@code n} more tokens of running request {@code r}, preempting the last running
   * request until they are free; false when {@code r} itself had to go.
   */
  private boolean allocateOrPreempt(int r, int n) {
    lastPreempted = false;
    while (!allocate(r, n)) {
      int victim = running[--runningCount];
      preempt(victim);
      lastPreempted = true;
      if (victim == r) {
        return false;
      }
    }
    return true;
  }

  private boolean allocate(int r, int n) {
    long tokens = req.computed[r] + (long) n;
    if (tokens <= (long) req.blocks[r] * blockSize) {
      return true;
    }
    long need = blocksFor(tokens) - req.blocks[r];
    if (need > freeBlocks) {
      return false;
    }
    freeBlocks -= need;
    req.blocks[r] += (int) need;
    return true;
  }

  private void preempt(int v) {
    preemptions++;
    recorder.preempted(index, clock);
    int held = req.blocks[v];
    freeBlocks += held;
    req.blocks[v] = 0;
    if (cfg.preemption() == Preemption.SWAP && held > 0 && held <= swapFree) {
      swapFree -= held;
      req.hostBlocks[v] = held;
      transferSeconds += held * cfg.swapSecondsPerBlock();
    } else {
      req.computed[v] = 0;
    }
    waiting.addFirst(v);
  }

  private long blocksFor(long tokens) {
    return (tokens + blockSize - 1) / blockSize;
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
    if (n == 1 && c > 0) {
      decodes++;
      decodeContext += c + 1;
    } else {
      chunkTokens[chunks] = n;
      chunkPrefix[chunks++] = c;
    }
  }
}
