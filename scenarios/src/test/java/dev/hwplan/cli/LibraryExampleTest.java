package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.KvCacheReport;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ParameterCounter;
import org.junit.jupiter.api.Test;

/** The README's JShell session, as Java: the library calls it shows, with the values it prints. */
class LibraryExampleTest {
  @Test
  void readmeJshellSession() {
    var v3 = ModelCatalog.resolve("deepseek-v3");
    assertThat(KvCacheCalculator.bytesPerToken(v3)).isEqualTo(70272L);
    KvCacheReport r =
        KvCacheCalculator.compute(v3, 131072, 1, KvCacheCalculator.Options.defaults());
    assertThat(r.totalBytes()).isEqualTo(9210691584L);
    assertThat(ParameterCounter.count(ModelCatalog.resolve("llama-3.1-8b")).total())
        .isEqualTo(8030261248L);
    assertThat(ProfileCatalog.bundled().get("h100-sxm").peakFlops(DType.BF16).getAsDouble())
        .isEqualTo(9.8942976E14);
  }
}
