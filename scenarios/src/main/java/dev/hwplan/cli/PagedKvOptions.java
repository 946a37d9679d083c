package dev.hwplan.cli;

import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.KvDtype;
import picocli.CommandLine.Option;

/** How the KV cache is paged and stored: {@code --block-size} and {@code --mla-layout}. */
public final class PagedKvOptions {
  @Option(
      names = "--block-size",
      defaultValue = "16",
      description = "Paged block in tokens (vLLM: 16).")
  int blockSize;

  @Option(
      names = "--mla-layout",
      defaultValue = "latent",
      description = "latent or expanded (MLA models).")
  String mlaLayout;

  /** The calculator's options for a cache of {@code dtype}; a bad layout is bad input. */
  public KvCacheCalculator.Options options(KvDtype dtype) {
    return new KvCacheCalculator.Options(dtype, KvCommand.layout(mlaLayout), blockSize);
  }
}
