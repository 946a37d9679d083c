package dev.hwplan.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exact totals. Llama totals are HF's "8.03B / 70.6B / 406B" to the parameter; the others are
 * recomputed from the configs by the formulas in the shared KV/attention notes (B3.1), which this
 * code implements independently.
 */
class ParameterCountTest {
  @ParameterizedTest(name = "{0} has {1} parameters")
  @CsvSource({
    "llama-3.1-8b, 8030261248",
    "llama-3.1-70b, 70553706496",
    "llama-3.1-405b, 405853388800",
    "llama-2-7b, 6738415616",
    "llama-2-70b, 68976648192",
    "mistral-7b, 7241732096",
    "mixtral-8x7b, 46702792704",
    "qwen2.5-7b, 7615616512",
    "qwen2.5-72b, 72706203648",
    "gemma-2-9b, 9241705984",
    "falcon-7b, 6921720704",
    "gpt2, 124439808",
    "phi-1.5, 1418270720",
    "deepseek-v2-lite, 15706484224",
    "deepseek-v2, 235741434880",
    "deepseek-v3, 671026419200",
  })
  void totalParameters(String id, long expected) {
    assertThat(ParameterCounter.count(ModelCatalog.resolve(id)).total()).isEqualTo(expected);
  }

  @Test
  void mixtralActiveUsesTwoOfEightExperts() {
    ParameterCount p = ParameterCounter.count(ModelCatalog.resolve("mixtral-8x7b"));
    // Mistral's announcement: 46.7B total, 12.9B used per token.
    assertThat(p.active()).isEqualTo(12_879_925_248L);
  }

  /**
   * DeepSeek-V3: 671,026,419,200 total, counting the router's e_score_correction_bias (noaux_tc)
   * and excluding the MTP module (HF repo 685B = 671B + 14B MTP). Active: 37,552,297,472 with the
   * embedding and head; DeepSeek states 37B (README_WEIGHTS: 36.7B). Without the embedding lookup,
   * which costs no FLOPs, it is 36.63B.
   */
  @Test
  void deepseekV3TotalAndActive() {
    ParameterCount p = ParameterCounter.count(ModelCatalog.resolve("deepseek-v3"));
    assertThat(p.active()).isEqualTo(37_552_297_472L);
    assertThat(p.active() - p.embedding()).isEqualTo(36_625_618_432L);
    assertThat(p.router()).isEqualTo(58L * (256 * 7168 + 256));
  }

  @Test
  void deepseekV2ActiveIs21B() {
    // DeepSeek-V2 paper: 236B total, 21B activated.
    assertThat(ParameterCounter.count(ModelCatalog.resolve("deepseek-v2")).active())
        .isEqualTo(21_375_800_320L);
  }

  @Test
  void llama8bBreakdown() {
    ParameterCount p = ParameterCounter.count(ModelCatalog.resolve("llama-3.1-8b"));
    assertThat(p.embedding()).isEqualTo(128256L * 4096);
    assertThat(p.outputHead()).isEqualTo(128256L * 4096);
    assertThat(p.nonEmbedding() - p.outputHead()).isEqualTo(6_979_588_096L);
    assertThat(p.norms()).isEqualTo(65L * 4096);
  }

  @Test
  void legacyFormatsReadToTheSameModel() {
    Path hf = Path.of("src/test/resources/hf");
    ModelSpec rw = HfConfigReader.read(hf.resolve("falcon-7b.legacy-RW.json"));
    assertThat(rw.numKeyValueHeads()).isEqualTo(1);
    assertThat(ParameterCounter.count(rw).total()).isEqualTo(6_921_720_704L);
    ModelSpec phi = HfConfigReader.read(hf.resolve("phi-1_5.legacy-phi-msft.json"));
    assertThat(ParameterCounter.count(phi).total()).isEqualTo(1_418_270_720L);
  }
}
