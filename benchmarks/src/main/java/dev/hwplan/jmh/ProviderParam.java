package dev.hwplan.jmh;

import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.provider.KernelProviders;

/** Maps the {@code provider} benchmark parameter to a provider, failing where it is absent. */
final class ProviderParam {
  private ProviderParam() {}

  static KernelProvider of(String name) {
    return switch (name) {
      case "scalar" -> KernelProviders.scalar();
      case "vector" ->
          KernelProviders.vector()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the vector provider is not available: run with --add-modules"
                              + " jdk.incubator.vector"));
      default -> throw new IllegalArgumentException("provider must be scalar or vector: " + name);
    };
  }
}
