package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.InvalidInputException;
import org.junit.jupiter.api.Test;

/**
 * Prefix caching on a model with sliding-window layers, as vLLM's hybrid KV cache manager does it
 * ({@link HybridBlocks}): Gemma 3 27B on one GPU ({@link SlidingWindowKvTest}), blocks of 16
 * tokens, a layer-block (16 tokens of one layer) of 131,072 B, so a logical block's full-attention
 * entry weighs 10 layer-blocks and its sliding-window entry 52, a pool block 62. The window is
 * 1,024 tokens: a hit needs the sliding entries of the ceil(1,023 / 16) = 64 blocks before it.
 */
class SlidingWindowPrefixCacheTest {
  static final int PREFIX = 2048; // 128 blocks shared

  static final LengthDistribution PROMPTS = LengthDistribution.parse("uniform:1:3000", "p");
  static final LengthDistribution OUTPUTS = LengthDistribution.parse("uniform:1:800", "o");

  static EngineConfig engine(long blocks) {
    KvFootprint f =
        new KvFootprint(SlidingWindowKvTest.STEP, 16, SlidingWindowKvTest.BLOCK_BYTES, 0, 131_072);
    return new EngineConfig(
        Policy.VLLM, 8192, 256, 16, blocks, Preemption.RECOMPUTE, 0, 0, 0, true, null, f, 1, 1);
  }

  /** A request of {@code prompt} tokens whose first 2,048 are shared prefix 1 (when shared). */
  static int request(RequestTable t, long id, int prompt, boolean shared) {
    int s = t.take(id, prompt, 100, 0, -1);
    if (shared) {
      t.sharedStream[s] = 1;
      t.shared[s] = PREFIX;
      t.flags[s] |= RequestTable.SHAREABLE;
    }
    return s;
  }

  /** Admits {@code s} as the replica does (the whole prompt in one chunk); returns its hit. */
  static int admit(RequestBlocks kv, RequestTable t, int s) {
    int hits = kv.cachedPrefix(s);
    int evictable = kv.evictable;
    long need = kv.blocksFor(t.prompt[s]) - hits;
    assertThat(kv.fits(s, hits, need, evictable, 0)).isTrue();
    kv.reuse(s, hits);
    t.computed[s] = hits * 16;
    kv.grab(s, (int) need);
    kv.cacheFull(s, t.prompt[s]);
    t.computed[s] = t.prompt[s];
    return hits;
  }

  /** One decode step of {@code s}. */
  static void decode(RequestBlocks kv, RequestTable t, int s) {
    assertThat(kv.allocate(s, 1)).isTrue();
    kv.cacheFull(s, t.computed[s] + 1L);
    t.computed[s]++;
  }

  /**
   * A (2,048 shared + 2,048 own tokens) prefills and decodes once: its window has passed blocks 0
   * to 191 ((4,096 - 1,023) / 16), whose sliding entries are freed but keep their content. With
   * room to spare, B with the same prefix finds the 64 sliding entries before block 128 and the 128
   * full ones (A still holds those): a hit of 128 blocks, 2,048 tokens. A holds 257 full entries
   * and 65 sliding ones: 257 x 10 + 65 x 52 = 5,950 layer-blocks, 96 pool blocks (95.97).
   */
  @Test
  void aPrefixIsFoundWhileTheSlidingLayersStillHoldItsWindow() {
    RequestTable t = new RequestTable();
    RequestBlocks kv = RequestBlocks.of(t, engine(1000), 1000);
    assertThat(kv).isInstanceOf(HybridBlocks.class);
    int a = request(t, 1, 4096, true);
    assertThat(admit(kv, t, a)).isZero();
    assertThat(kv.used()).isEqualTo(256); // a 4,096-token chunk: every sliding entry too
    decode(kv, t, a);
    assertThat(kv.used()).isEqualTo(96);
    int b = request(t, 2, 4096, true);
    assertThat(admit(kv, t, b)).isEqualTo(128);
    kv.drop(a);
    kv.drop(b);
    assertThat(kv.free()).isEqualTo(1000);
  }

  /**
   * The same in 200 pool blocks (12,400 layer-blocks), A of 2,048 shared + 1,024 own tokens (192
   * blocks). After A's first decode its window has passed blocks 0 to 127 ((3,072 - 1,023) / 16):
   * their sliding entries go to the free queue, the latest first (vLLM's remove_skipped_blocks).
   * Free: 434 fresh layer-blocks and the 128 entries (6,656). C, unshared, 1,600 tokens (100
   * blocks, 6,200 layer-blocks), evicts 111 of them, 127 down to 17 (5,766 / 52 = 110.9). B's full
   * entries (held by A) cover 128 blocks, but its sliding entries only blocks 0 to 16, fewer than
   * the 64 a window needs: the hit is that run from the start, 17 blocks (272 tokens within the
   * first window), not 128. A model without sliding layers would find all 128.
   */
  @Test
  void aPrefixWhoseSlidingBlocksWereEvictedIsFoundOnlyAsFarAsTheyRemain() {
    RequestTable t = new RequestTable();
    RequestBlocks kv = RequestBlocks.of(t, engine(200), 200);
    int a = request(t, 1, 3072, true);
    assertThat(admit(kv, t, a)).isZero();
    decode(kv, t, a);
    int c = request(t, 3, 1600, false);
    assertThat(admit(kv, t, c)).isZero();
    int b = request(t, 2, 3072, true);
    assertThat(kv.cachedPrefix(b)).isEqualTo(17);
    kv.drop(c);
    kv.drop(a);
    assertThat(kv.free()).isEqualTo(200);
    // with the memory back, B takes its 17 blocks and computes the rest
    assertThat(admit(kv, t, b)).isEqualTo(17);
    kv.drop(b);
    assertThat(kv.free()).isEqualTo(200);
  }

  /** The V0-style policies admit whole prompts: their prefix caching stays off for these models. */
  @Test
  void wholePromptPoliciesDoNotCacheSlidingWindowModels() {
    EngineConfig e = engine(400);
    assertThatThrownBy(
            () ->
                new EngineConfig(
                    Policy.SARATHI,
                    512,
                    64,
                    16,
                    400,
                    Preemption.RECOMPUTE,
                    0,
                    0,
                    0,
                    true,
                    null,
                    e.footprint(),
                    1,
                    1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--prefix-caching");
  }

  /**
   * Conservation with the hybrid cache under pressure: shared prefixes, conversations, preemption
   * by recompute and by swap, token budgets of 512 and 8,192, colocated and disaggregated (a
   * request's prefill on one engine, its decode on another: two hybrid caches, one request table);
   * every request completes once with its tokens, prefixes are found, and every byte of every
   * engine is free at the end.
   */
  @Test
  void everyRequestCompletesOnceAndEveryBlockIsFree() {
    for (Preemption mode : Preemption.values()) {
      for (int budget : new int[] {512, 8192, -512}) {
        boolean split = budget < 0;
        budget = Math.abs(budget);
        Policy policy = Policy.VLLM;
        EngineConfig base = engine(400);
        EngineConfig e =
            new EngineConfig(
                policy,
                budget,
                64,
                16,
                400,
                mode,
                40,
                1e-4,
                1e-3,
                true,
                null,
                base.footprint(),
                1,
                1);
        int requests = 1500;
        Workload w =
            Workload.open(60, 0.5, PROMPTS, OUTPUTS, requests, 5)
                .withSharing(new Workload.Sharing(2000, 0.7, 3, LengthDistribution.fixed(2), 0.5));
        ServingSimulator.Spec spec =
            new ServingSimulator.Spec(
                e,
                2,
                Routing.PREFIX_AFFINITY,
                w,
                131_072,
                0,
                0,
                false,
                split ? new ServingSimulator.Disaggregation(2, e, null, 8192 * 62, 2e9) : null);
        ServingSimulator.Run run =
            ConservationTest.runEachOnce(spec, ConservationTest.TIMER, requests);
        ServingResult r = run.result();
        for (Replica rep : run.replicas()) {
          assertThat(rep.freeBlocks()).isEqualTo(400);
          assertThat(rep.swapUsedBlocks()).isZero();
        }
        assertThat(run.replicas()).hasSize(split ? 4 : 2);
        assertThat(r.preemptions()).as("%s %s preempts", budget, mode).isPositive();
        assertThat(r.prefixCacheHitTokens()).as("%s %s finds prefixes", budget, mode).isPositive();
      }
    }
  }
}
