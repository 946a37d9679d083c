package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.step.StepConfig;
import org.junit.jupiter.api.Test;

/**
 * Sliding-window layers keep only their window's KV blocks, as vLLM's hybrid KV cache manager does.
 * Gemma 3 27B (google/gemma-3-27b-it config.json; Gemma 3 report, arXiv:2503.19786, section 2): 62
 * layers, every sixth global (layers 5, 11, ..., 59: 10 of them), the other 52 with a 1,024-token
 * window; 16 KV heads of 128, so a token costs 2 x 16 x 128 x 2 B = 8,192 B a layer in bf16 and a
 * 16-token block of all 62 layers 8,126,464 B. A request filling b blocks holds 10 x b + 52 x
 * min(b, 64) layer-blocks, that is ceil((10 b + 52 min(b, 64)) / 62) pool blocks.
 */
class SlidingWindowKvTest {
  static final ModelSpec GEMMA = ModelCatalog.resolve("gemma-3-27b");
  static final StepConfig STEP = StepConfig.of(GEMMA);
  static final long BLOCK_BYTES = 16 * 62 * 8192L;

  @Test
  void gemma3Blocks() {
    assertThat(
            KvCacheCalculator.tokenBytesPerGpu(
                    GEMMA, STEP.kv(), STEP.mlaLayout(), STEP.parallelism())
                * 16)
        .isEqualTo(BLOCK_BYTES)
        .isEqualTo(8_126_464L);
    KvFootprint f = new KvFootprint(STEP, 16, BLOCK_BYTES, 0, 131_072);
    assertThat(f.maxLogicalBlocks()).isEqualTo(8192);
    assertThat(f.blocks(1)).isEqualTo(1);
    assertThat(f.blocks(64)).isEqualTo(64); // 1,024 tokens: the window holds them all
    assertThat(f.blocks(65)).isEqualTo(65); // (650 + 3,328) / 62 = 64.2
    assertThat(f.blocks(256)).isEqualTo(95); // 4,096 tokens: 5,888 / 62 = 94.97, not 256
    assertThat(f.bytes(256)).isEqualTo(5_888L * 16 * 8192);
    assertThat(f.blocks(512)).isEqualTo(137); // 8,192 tokens: 8,448 / 62 = 136.3
    assertThat(f.blocks(8192)).isEqualTo(1375); // 131,072 tokens: 85,248 / 62 = 1,374.97
    // the bytes are the one definition's
    assertThat(f.bytes(300))
        .isEqualTo(
            KvCacheCalculator.sequenceBytesPerGpu(
                GEMMA, STEP.kv(), STEP.mlaLayout(), STEP.parallelism(), 300 * 16, 16));
    // the longest request that 95 pool blocks hold: 10 b + 3,328 <= 95 x 62 = 5,890, b = 256
    assertThat(f.mostLogical(95)).isEqualTo(256);
    assertThat(f.mostLogical(1375)).isEqualTo(8192); // the whole context
  }

  @Test
  void aModelWithoutWindowsHasNoFootprint() {
    assertThat(KvFootprint.of(StepConfig.of(ModelCatalog.resolve("llama-3.1-8b")), 16, 1, 0, 8192))
        .isNull();
  }

  @Test
  void theServingPlanKeepsOnlyTheWindowAndCachesPrefixesAsTheHybridManager() {
    GpuProfile h100 = ProfileCatalog.bundled().get("h100-sxm");
    ServingPlan p = ServingPlan.of(STEP, h100, 1, ServingPlan.Settings.defaults(Policy.VLLM));
    EngineConfig e = p.engine();
    assertThat(e.footprint()).isNotNull();
    assertThat(e.prefixCaching()).isTrue();
    assertThat(p.notes()).anyMatch(n -> n.startsWith("prefix caching with sliding windows"));
    assertThat(p.memory().kvBytesPerBlock()).isEqualTo(BLOCK_BYTES);
    assertThat(e.kvBlocks()).isEqualTo(p.memory().kvBlocks());
    assertThat(e.poolBlocks(512)).isEqualTo(137);
    assertThat(p.notes())
        .anyMatch(n -> n.contains("52 of 62 layers") && n.contains("holds 137 of the 512 blocks"));
    ServingPlan.Settings off = ServingPlan.Settings.defaults(Policy.VLLM).withPrefixCaching(false);
    assertThat(ServingPlan.of(STEP, h100, 1, off).engine().prefixCaching()).isFalse();
  }

  /**
   * Ten users of 4,000 + 96 tokens (256 blocks each at the end) in 950 blocks: with the window each
   * holds at most 95, so all ten run at once without a preemption, and every block is free at the
   * end; the same cache counted with full attention (2,560 blocks wanted) runs three at a time.
   */
  @Test
  void tenLongRequestsFitInTheBlocksOfTheirWindows() {
    KvFootprint f = new KvFootprint(STEP, 16, BLOCK_BYTES, 0, 131_072);
    EngineConfig windowed =
        new EngineConfig(
            Policy.VLLM, 8192, 256, 16, 950, Preemption.RECOMPUTE, 0, 0, 0, false, null, f, 1, 1);
    EngineConfig full = TestEngines.recompute(Policy.VLLM, 8192, 256, 16, 950);
    ServingSimulator.Run w = run(windowed);
    ServingSimulator.Run u = run(full);
    assertThat(w.result().completedRequests()).isEqualTo(100);
    assertThat(w.result().preemptions()).isZero();
    Replica r = w.replicas().get(0);
    assertThat(r.peakUsedBlocks()).isLessThanOrEqualTo(950).isGreaterThan(3 * 256);
    assertThat(r.freeBlocks()).isEqualTo(950);
    // full attention: four requests of 250 blocks and more do not fit 950, so at most three run
    assertThat(w.result().meanBatchSize()).isGreaterThan(9);
    assertThat(u.result().meanBatchSize()).isLessThanOrEqualTo(3);
    assertThat(u.replicas().get(0).peakUsedBlocks()).isLessThanOrEqualTo(3 * 256);
    assertThat(w.result().durationSeconds()).isLessThan(0.6 * u.result().durationSeconds());
    assertThat(u.replicas().get(0).freeBlocks()).isEqualTo(950);
    // 10 b + 3,328 <= 950 x 62 = 58,900: b = 5,557 blocks, 88,912 tokens
    assertThat(windowed.maxRequestTokens()).isEqualTo(5557L * 16);
    assertThat(full.maxRequestTokens()).isEqualTo(950L * 16);
  }

  private static ServingSimulator.Run run(EngineConfig e) {
    return ServingSimulator.run(
        new ServingSimulator.Spec(
            e,
            1,
            Routing.ROUND_ROBIN,
            Workload.closed(
                10, LengthDistribution.fixed(4000), LengthDistribution.fixed(96), 100, 3),
            131_072,
            0,
            0,
            false,
            null),
        ConservationTest.TIMER,
        (req, s, now) -> {});
  }
}
