package dev.hwplan.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import dev.hwplan.model.ModelCatalog;
import org.junit.jupiter.api.Test;

class ModelFlopsTest {
  private static final ModelFlops LLAMA8B_8K =
      ModelFlops.of(ModelCatalog.resolve("llama-3.1-8b"), 8192);

  @Test
  void llama8bAt8kTokens_countsMatmulsWithoutTheLookupPlusAttention() {
    // 6 x (8,030,261,248 - 128,256 x 4,096 embedding) + 6 x 32 layers x 8,192 x 4,096
    assertThat(LLAMA8B_8K.trainingFlopsPerToken()).isEqualTo(51_471_998_976.0);
    assertThat(LLAMA8B_8K.params()).isEqualTo(8_030_261_248.0);
    assertThat(LLAMA8B_8K.ratioTo6N()).isCloseTo(1.0682923, withPercentage(1e-4));
  }

  @Test
  void optimal_spendsTheWholeBudgetUnderTheExactCount() {
    ChinchillaLaw law = NamedFit.EPOCH2024.law();
    Allocation a = LLAMA8B_8K.optimal(law, 1e24);
    assertThat(a.flops()).isEqualTo(1e24);
    assertThat(6 * LLAMA8B_8K.ratioTo6N() * a.params() * a.tokens())
        .isCloseTo(1e24, withPercentage(1e-9));
    // A dearer token buys a smaller model on fewer tokens, and a higher loss, than 6ND says.
    Allocation approx = law.optimal(1e24);
    assertThat(a.params()).isLessThan(approx.params());
    assertThat(a.tokens()).isLessThan(approx.tokens());
    assertThat(a.loss()).isGreaterThan(approx.loss());
  }

  @Test
  void forModel_buysBudgetOverExactFlopsPerToken() {
    Allocation own = LLAMA8B_8K.forModel(NamedFit.EPOCH2024.law(), 1e24);
    assertThat(own.tokens()).isCloseTo(1e24 / 51_471_998_976.0, withPercentage(1e-12));
    assertThat(own.params()).isEqualTo(8_030_261_248.0);
  }

  @Test
  void serving_addsTheAttentionTermTo2N() {
    // 2 x 7,504,924,672 + 4 x 32 heads x 128 x 4,096 tokens x 32 layers
    assertThat(LLAMA8B_8K.servingFlopsPerToken(4096))
        .isEqualTo(2.0 * 7_504_924_672L + 4.0 * 32 * 128 * 4096 * 32);
  }
}
