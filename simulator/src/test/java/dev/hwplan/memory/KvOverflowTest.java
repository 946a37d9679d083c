package dev.hwplan.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * KV-cache counts are exact up to 2^63 bytes and refused beyond, naming the option that took them
 * there: never a wrapped or negative number.
 */
class KvOverflowTest {
  private static final KvCacheCalculator.Options BF16 = KvCacheCalculator.Options.defaults();

  @Test
  void theLargestTotalBelowTwoToTheSixtyThreeIsExact() {
    // Llama-3.1-8B: 2^17 bytes a token; 2^20 tokens x 2^25 sequences = 2^62 bytes.
    KvCacheReport r =
        KvCacheCalculator.compute(ModelCatalog.resolve("llama-3.1-8b"), 1 << 20, 1L << 25, BF16);
    assertThat(r.totalBytes()).isEqualTo(1L << 62);
    assertThat(r.pagedBytes()).isEqualTo(1L << 62);
    assertThat(r.layers().get(0).totalBytes()).isEqualTo(1L << 57);
  }

  @Test
  void aBatchPastTwoToTheSixtyThreeBytesNamesTheBatch() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-405b");
    // 516,096 B/token x 131,072 tokens x (2^31 - 1) sequences = 1.45e20 bytes (the case).
    BigInteger exact =
        BigInteger.valueOf(516_096L * 131_072L).multiply(BigInteger.valueOf(Integer.MAX_VALUE));
    assertThat(exact).isGreaterThan(BigInteger.valueOf(Long.MAX_VALUE));
    assertThatThrownBy(() -> KvCacheCalculator.compute(m, 131_072, Integer.MAX_VALUE, BF16))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "command line: field '--batch': the KV cache of 2147483647 sequences of 131072 tokens"
                + " is more than 2^63 bytes (8 EiB), beyond what any machine holds");
  }

  @Test
  void aSequencePastTwoToTheSixtyThreeBytesNamesTheContext() {
    // Falcon-7B's config gives no position limit: only the arithmetic bounds its context.
    ModelSpec falcon = ModelCatalog.resolve("falcon-7b");
    assertThat(falcon.maxContext()).isNull();
    assertThatThrownBy(() -> KvCacheCalculator.compute(falcon, Long.MAX_VALUE, 1, BF16))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("field '--context'")
        .hasMessageContaining("more than 2^63 bytes");
  }

  @Test
  void theComparisonRowsAreExactToo() {
    ModelSpec v3 = ModelCatalog.resolve("deepseek-v3");
    // The MHA row of DeepSeek-V3 is ~57x its own cache: it overflows first, naming --batch.
    assertThatThrownBy(() -> KvComparison.compare(v3, 163_840, 1L << 30, KvDtype.BF16, 0, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("field '--batch': the MHA row's KV cache");
    assertThatThrownBy(() -> KvComparison.compare(v3, 4096, 1, KvDtype.BF16, 7, 0))
        .hasMessage(
            "command line: field '--groups': KV heads of the GQA row must divide the 128 attention"
                + " heads, got 7");
    assertThatThrownBy(() -> KvComparison.compare(v3, 4096, 1, KvDtype.BF16, 0, Integer.MAX_VALUE))
        .hasMessageContaining("field '--latent-rank'");
  }

  @Test
  void memoryPerGpuStaysExactAndRefusesTheUnholdable() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-8b");
    KvCacheReport r = KvCacheCalculator.compute(m, 131_072, 1L << 20, BF16, Parallelism.of(8, 4));
    // 2^17 B/token over TP 8 (one KV head a rank) and 8 of the 32 layers: 2^17/8/4 a token.
    assertThat(r.perGpuBytes()).isEqualTo((1L << 17) / 32 * 131_072 * (1L << 20));
  }
}
