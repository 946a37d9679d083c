package dev.hwplan.cli;

import dev.hwplan.memory.MlaLayout;
import picocli.CommandLine.Option;

/** The {@code --mla} option of the decode commands: latent (the default) or expanded. */
public final class MlaOption {
  @Option(names = "--mla", defaultValue = "latent", description = "MLA decode: latent or expanded.")
  String mla;

  /** How MLA's cache is read in decode; an unknown name is bad input. */
  public MlaLayout parse() {
    return KvCommand.layout(mla);
  }
}
