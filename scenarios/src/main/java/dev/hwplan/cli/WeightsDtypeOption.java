package dev.hwplan.cli;

import dev.hwplan.memory.WeightDtype;
import picocli.CommandLine.Option;

/** The {@code --weights-dtype} option (default bf16). */
public final class WeightsDtypeOption {
  @Option(
      names = "--weights-dtype",
      defaultValue = "bf16",
      description =
          "bf16, fp16, fp8 (weight-only, W8A16, where the GPU has no fp8 arithmetic), fp8-w8a16,"
              + " int8, int4, mxfp4 (routed experts only).")
  String weightsDtype;

  /** The weights' storage type; an unknown name is bad input naming {@code --weights-dtype}. */
  public WeightDtype parse() {
    return WeightDtype.parse(weightsDtype, "--weights-dtype");
  }
}
