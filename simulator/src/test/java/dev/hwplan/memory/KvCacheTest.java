package dev.hwplan.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KvCacheTest {
  private static KvCacheReport kv(String id, long context, long batch) {
    return KvCacheCalculator.compute(
        ModelCatalog.resolve(id), context, batch, KvCacheCalculator.Options.defaults());
  }

  /** Published per-token figures in bf16 (ISCA'25 Table 1, Llama 3 paper, DeepSeek-V2 Table 9). */
  @ParameterizedTest(name = "{0}: {1} bytes per token")
  @CsvSource({
    "llama-3.1-8b, 131072",
    "llama-3.1-70b, 327680",
    "llama-3.1-405b, 516096",
    "llama-2-7b, 524288",
    "qwen2.5-72b, 327680",
    "qwen2.5-7b, 57344",
    "falcon-7b, 8192",
    "gpt2, 36864",
    "phi-1.5, 196608",
    "gemma-2-9b, 344064",
    "deepseek-v2-lite, 31104",
    "deepseek-v2, 69120",
    "deepseek-v3, 70272",
  })
  void bytesPerToken(String id, long expected) {
    assertThat(KvCacheCalculator.bytesPerToken(ModelCatalog.resolve(id))).isEqualTo(expected);
  }

  /**
   * Published whole-cache sizes in bf16, one sequence: Llama 3.1 70B at 128K tokens, 40 GiB; Llama
   * 2 7B at 4096 tokens (NVIDIA blog "Mastering LLM Techniques": 1 x 4096 x 2 x 32 x 4096 x 2 bytes
   * ~ 2 GB).
   */
  @ParameterizedTest(name = "{0} at {1} tokens: {2} GiB")
  @CsvSource({"llama-3.1-70b, 131072, 40", "llama-2-7b, 4096, 2"})
  void totalBytes(String id, long context, long gib) {
    assertThat(kv(id, context, 1).totalBytes()).isEqualTo(gib << 30);
  }

  @Test
  void deepseekV3_mlaCachesOneLatentPerToken() {
    ModelSpec v3 = ModelCatalog.resolve("deepseek-v3");
    // HF config says num_key_value_heads 128; a naive GQA formula gives 4.0 MB per token.
    assertThat(v3.numKeyValueHeads()).isEqualTo(128);
    KvCacheReport r = kv("deepseek-v3", 131072, 1);
    assertThat(r.bytesPerToken()).isEqualTo(70272);
    assertThat(r.totalBytes()).isEqualTo(9_210_691_584L);
    assertThat(r.layers()).hasSize(61);
    // Not doubled: 61 x 576 elements x 2 bytes.
    assertThat(r.bytesPerToken()).isEqualTo(61L * 576 * 2).isNotEqualTo(2L * 61 * 576 * 2);
  }

  @Test
  void deepseekV3_expandedMlaIsPerHeadKAndV() {
    ModelSpec v3 = ModelCatalog.resolve("deepseek-v3");
    long expanded = KvCacheCalculator.bytesPerToken(v3, KvDtype.BF16, MlaLayout.EXPANDED);
    assertThat(expanded).isEqualTo(61L * 128 * (192 + 128) * 2);
  }

  @Test
  void mistralAt32kHoldsAnEighthOfTheFullCache() {
    KvCacheReport r = kv("mistral-7b", 32768, 1);
    // Mistral 7B paper section 2: a 4096 window at 32k reduces the cache 8x; 4 GiB -> 0.5 GiB.
    assertThat(r.totalBytes()).isEqualTo(512L << 20);
    assertThat(r.bytesPerToken() * 32768).isEqualTo(4L << 30);
  }

  @Test
  void gemma2HalfTheLayersAreLocal() {
    KvCacheReport r = kv("gemma-2-9b", 8192, 1);
    // 21 global layers x 8192 + 21 local x 4096 tokens, 8192 bytes a token and layer: 1.969 GiB.
    assertThat(r.totalBytes()).isEqualTo(8192L * (21 * 8192 + 21 * 4096));
    assertThat(r.layers().get(0).slidingWindow()).isEqualTo(4096);
    assertThat(r.layers().get(1).slidingWindow()).isNull();
  }

  @Test
  void quantisedKvStatesItsScaleOverhead() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-8b");
    assertThat(KvCacheCalculator.bytesPerToken(m, KvDtype.FP8, MlaLayout.LATENT)).isEqualTo(65536);
    // int8: 128 bytes + one fp16 scale per head vector
    assertThat(KvCacheCalculator.bytesPerToken(m, KvDtype.INT8, MlaLayout.LATENT))
        .isEqualTo(32L * 2 * 8 * (128 + 2));
    // int4: 64 bytes + 4 groups x 4 bytes per head vector
    assertThat(KvCacheCalculator.bytesPerToken(m, KvDtype.INT4, MlaLayout.LATENT))
        .isEqualTo(32L * 2 * 8 * (64 + 16));
    KvCacheReport r =
        KvCacheCalculator.compute(
            m, 1024, 1, KvCacheCalculator.Options.defaults().withDtype(KvDtype.INT4));
    assertThat(r.scaleOverheadBytesPerElement()).isEqualTo(0.125);
    assertThat(r.notes()).anyMatch(n -> n.contains("scale overhead"));
  }

  @Test
  void pagedAllocationRoundsUpToBlocks() {
    KvCacheReport r = kv("llama-3.1-8b", 1000, 3);
    assertThat(r.blocksPerSequence()).isEqualTo(63); // ceil(1000 / 16)
    assertThat(r.pagingWasteBytes()).isEqualTo(3L * 8 * 131072);
  }

  @Test
  void tpBeyondKvHeadsReplicates() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-70b");
    KvCacheReport r =
        KvCacheCalculator.compute(
            m, 4096, 1, KvCacheCalculator.Options.defaults(), Parallelism.of(16, 1));
    assertThat(r.notes()).anyMatch(n -> n.contains("replicated"));
    // Each of 16 ranks holds one of the 8 KV heads: 1/8 of the cache per GPU, not 1/16.
    assertThat(r.perGpuBytes()).isEqualTo(r.pagedBytes() / 8);
  }

  @Test
  void tpMustDivideHeads() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-8b");
    assertThatThrownBy(
            () ->
                KvCacheCalculator.compute(
                    m, 1, 1, KvCacheCalculator.Options.defaults(), Parallelism.of(3, 1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--tp")
        .hasMessageContaining("does not divide the 32 attention heads");
  }

  @Test
  void negativeContextIsBadInput() {
    assertThatThrownBy(() -> kv("llama-3.1-8b", -1, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--context");
  }

  @Test
  void compareReexpressesTheModel() {
    List<KvComparison.Row> rows =
        KvComparison.compare(ModelCatalog.resolve("deepseek-v2-lite"), 1, 1, KvDtype.BF16, 0, 0);
    // DeepSeek-V2 Table 9 (elements per token): small MoE with MHA 110.6K, with MLA 15.6K.
    assertThat(rows.get(0).elementsPerTokenPerLayer() * 27).isEqualTo(110_592);
    assertThat(rows.get(3).elementsPerTokenPerLayer() * 27).isEqualTo(15_552);
    assertThat(rows.get(3).native_()).isTrue();
    List<KvComparison.Row> llama =
        KvComparison.compare(ModelCatalog.resolve("llama-3.1-70b"), 1, 1, KvDtype.BF16, 0, 0);
    assertThat(llama.get(1).native_()).isTrue();
    // DeepSeek-V2 Table 1: MLA with d_c = 4 d_h, d_R = d_h/2 is GQA with 2.25 groups.
    assertThat(llama.get(3).bytesPerToken() / (double) llama.get(2).bytesPerToken())
        .isEqualTo(2.25);
  }
}
