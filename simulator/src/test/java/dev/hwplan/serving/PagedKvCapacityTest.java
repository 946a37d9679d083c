package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.InferenceMemory;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.HfConfigReader;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The paged KV cache's capacity follows from the memory model. The vLLM paper (Kwon et al., SOSP
 * 2023, section 3) prices OPT-13B's KV cache at 800 KB a token (2 x 5120 x 40 x 2 bytes = 819,200
 * B) on an A100-40GB with about 12 GB left for it: 12 GiB holds 983 blocks of 16 tokens, 15,728
 * token slots. (12 GiB / 819,200 B is 15,728.6, which rounds to the 15,729 sometimes quoted; the
 * 15,729th token does not fit: it needs 12,885,196,800 B against 12,884,901,888.) The simulator
 * takes its blocks from the same calculation and never holds more.
 */
class PagedKvCapacityTest {
  static final long GIB = 1L << 30;

  @Test
  void optThirteenBOnAnA100With12GibForKvHas15728TokenSlots() throws Exception {
    ModelSpec opt =
        HfConfigReader.read(
            Path.of(getClass().getResource("/serving/opt-13b-as-gpt2.json").toURI()));
    assertThat(KvCacheCalculator.bytesPerToken(opt)).isEqualTo(819_200);
    GpuProfile a100 = ProfileCatalog.bundled().get("a100-sxm-40gb");
    InferenceMemory free = memory(opt, a100, 0);
    long reserve = free.kvBudgetBytes() - 12 * GIB; // leave exactly 12 GiB for KV
    assertThat(reserve).isPositive();
    InferenceMemory m = memory(opt, a100, reserve);
    assertThat(m.kvBudgetBytes()).isEqualTo(12 * GIB);
    assertThat(m.kvBytesPerBlock()).isEqualTo(16 * 819_200L);
    assertThat(m.kvBlocks()).isEqualTo(983);
    assertThat(m.kvBlocks() * m.blockSize()).isEqualTo(15_728);
    assertThat(15_729L * 819_200).isGreaterThan(12 * GIB);

    // Saturate that cache: 300 users of 600 + 600 tokens want 360k token slots at once.
    EngineConfig e = TestEngines.recompute(Policy.VLLM, 2048, 256, m.blockSize(), m.kvBlocks());
    LengthDistribution len = LengthDistribution.fixed(600);
    ServingSimulator.Run run =
        ServingSimulator.run(
            new ServingSimulator.Spec(
                e,
                1,
                Routing.ROUND_ROBIN,
                Workload.closed(300, len, len, 2000, 5),
                2048,
                0,
                0,
                false,
                null),
            ConservationTest.TIMER,
            (req, s, now) -> {});
    Replica r = run.replicas().get(0);
    assertThat(r.peakUsedBlocks()).isLessThanOrEqualTo(983).isGreaterThan(950);
    assertThat(r.freeBlocks()).isEqualTo(983);
    assertThat(run.result().preemptions()).isPositive();
  }

  private static InferenceMemory memory(ModelSpec m, GpuProfile g, long reserve) {
    return InferenceMemoryCalculator.compute(
        new InferenceMemoryCalculator.Request(
            m,
            g,
            Parallelism.single(),
            WeightDtype.FP16,
            new KvCacheCalculator.Options(KvDtype.parse("fp16", "kv"), MlaLayout.LATENT, 16),
            2048,
            1.0,
            reserve,
            2048));
  }
}
