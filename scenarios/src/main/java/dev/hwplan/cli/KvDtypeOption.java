package dev.hwplan.cli;

import dev.hwplan.memory.KvDtype;
import picocli.CommandLine.Option;

/** The {@code --kv-dtype} option (default bf16). */
public final class KvDtypeOption {
  @Option(
      names = "--kv-dtype",
      defaultValue = "bf16",
      description = "bf16, fp16, fp8, int8, int4, nvfp4.")
  String kvDtype;

  /** The KV cache's storage type; an unknown name is bad input naming {@code --kv-dtype}. */
  public KvDtype parse() {
    return KvDtype.parse(kvDtype, "--kv-dtype");
  }
}
