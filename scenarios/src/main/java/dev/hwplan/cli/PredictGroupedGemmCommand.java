package dev.hwplan.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hwplan predict grouped-gemm}: the MoE experts' grouped GEMM, {@code E} GEMMs of {@code T x
 * n x k} in one launch ({@code torch._grouped_mm}), the tokens balanced over the experts.
 */
@Command(
    name = "grouped-gemm",
    description =
        "Time of the MoE experts' grouped GEMM (E experts, T tokens each, n x k weights each):"
            + " seconds, interval, bound, efficiency.",
    mixinStandardHelpOptions = true)
final class PredictGroupedGemmCommand extends PredictOpCommand {
  @Option(names = "--experts", required = true, description = "Experts (groups) in the launch.")
  long experts;

  @Option(
      names = "--tokens-per-expert",
      required = true,
      description = "Token rows each expert receives.")
  long tokensPerExpert;

  @Mixin GemmShapeOptions shape;

  @Override
  void putFlags(Map<String, Object> f) {
    f.put("experts", experts);
    f.put("tokensPerExpert", tokensPerExpert);
    shape.putInto(f);
  }
}
