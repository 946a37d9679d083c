package dev.hwplan.kernels;

import dev.hwplan.kernels.provider.KernelProviders;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The providers the correctness tests check: the selected one, and the scalar reference. */
final class TestProviders {
  private TestProviders() {}

  static List<KernelProvider> underTest() {
    List<KernelProvider> all = new ArrayList<>();
    all.add(KernelProviders.get());
    if (KernelProviders.get() != KernelProviders.scalar()) {
      all.add(KernelProviders.scalar());
    }
    return all;
  }

  static Stream<KernelProvider> stream() {
    return underTest().stream();
  }
}
