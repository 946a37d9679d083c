package dev.hwplan.kernels.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.kernels.KernelProvider;
import org.junit.jupiter.api.Test;

/**
 * Asserts which path actually ran. Each surefire execution in kernels/pom.xml says what it expects
 * in {@code hwplan.test.expectedProvider}: the vector path with the incubator module, the scalar
 * path when forced, and the scalar fallback without the module.
 */
class ProviderSelectionTest {
  @Test
  void theExpectedPathRuns() {
    String expected = System.getProperty("hwplan.test.expectedProvider");
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    boolean forcedScalar = "scalar".equals(System.getProperty(KernelProviders.PROPERTY));
    if (expected == null) {
      expected = module && !forcedScalar ? "vector" : "scalar";
    }
    KernelProvider p = KernelProviders.get();
    assertThat(p.name()).isEqualTo(expected);
    if (expected.equals("vector")) {
      assertThat(p.vectorBitSize()).isGreaterThanOrEqualTo(128);
      assertThat(p.getClass().getName()).isEqualTo(KernelProviders.VECTOR_CLASS);
      assertThat(KernelProviders.fallbackReason()).isEmpty();
    } else {
      assertThat(p.vectorBitSize()).isZero();
      assertThat(KernelProviders.fallbackReason()).isPresent();
      if (!module) {
        assertThat(KernelProviders.fallbackReason().get()).contains("jdk.incubator.vector");
        assertThat(KernelProviders.vector()).isEmpty();
      }
    }
  }

  @Test
  void scalarIsAlwaysAvailable() {
    assertThat(KernelProviders.scalar().name()).isEqualTo("scalar");
  }
}
