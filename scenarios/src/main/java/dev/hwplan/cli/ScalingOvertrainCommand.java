package dev.hwplan.cli;

import dev.hwplan.scaling.Allocation;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.SelectedFit;
import dev.hwplan.scaling.TrainingFlops;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hwplan scaling overtrain}: the loss at a fixed N as D grows past compute-optimal. */
@Command(
    name = "overtrain",
    description = {
      "The loss of a fixed model size as training tokens grow past compute-optimal",
      "(over-training for cheaper inference, as Llama 3 did), against the compute-optimal",
      "model that reaches the same loss: its compute and its serving FLOPs per token."
    },
    mixinStandardHelpOptions = true)
final class ScalingOvertrainCommand extends ScalingLawCommand {
  @Mixin ModelSizeOption size;

  @Option(
      names = "--tokens-per-param",
      split = ",",
      paramLabel = "R",
      defaultValue = "10,20,50,100,200,500,1000,2000",
      description = "Tokens per parameter to tabulate (default ${DEFAULT-VALUE}).")
  List<Double> ratios;

  @Override
  public void run() {
    double params = size.positive();
    for (double r : ratios) {
      ScalingCommand.positive(r, "--tokens-per-param");
    }
    SelectedFit fit = fit();
    ChinchillaLaw law = fit.law();
    // Every row is computed and checked before any is printed.
    List<Map<String, Object>> rows = new ArrayList<>();
    for (double r : ratios) {
      double d = computable(r * params, "tokens");
      double c = computable(TrainingFlops.of(params, d), "flops");
      double loss = law.loss(params, d);
      double cSame = computable(law.flopsToReach(loss), "the compute-optimal flops");
      Allocation same = law.optimal(cSame);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("tokensPerParam", r);
      row.put("tokens", d);
      row.put("flops", c);
      row.put("loss", loss);
      row.put("computeOptimalLossAtSameFlops", law.frontierLoss(c));
      row.put("computeOptimalFlopsForSameLoss", cSame);
      row.put("computeOverhead", c / cSame);
      row.put("computeOptimalParamsForSameLoss", same.params());
      row.put("servingFlopsPerToken", TrainingFlops.servingFlopsPerToken(params));
      row.put("servingFlopsSaving", same.params() / params);
      rows.add(row);
    }
    Map<String, Object> m = ScalingCommand.head(fit);
    m.put("params", params);
    m.put("floorLoss", law.floorAt(params));
    if (printedRows(m, "rows", rows)) {
      return;
    }
    PrintWriter out = out();
    out.printf(
        Locale.ROOT,
        "%s params (fit %s); floor with unlimited data %.4f%n",
        ScalingText.count(params),
        fit.name(),
        law.floorAt(params));
    out.printf(
        Locale.ROOT,
        "  %9s %10s %10s %8s %10s %12s %14s%n",
        "tok/param",
        "tokens",
        "FLOP",
        "loss",
        "opt. loss",
        "opt. FLOP x",
        "opt. params");
    for (Map<String, Object> row : rows) {
      out.printf(
          Locale.ROOT,
          "  %9.0f %10s %10s %8.4f %10.4f %12.2f %14s%n",
          (Double) row.get("tokensPerParam"),
          ScalingText.count((Double) row.get("tokens")),
          ScalingText.flops((Double) row.get("flops")),
          (Double) row.get("loss"),
          (Double) row.get("computeOptimalLossAtSameFlops"),
          (Double) row.get("computeOverhead"),
          ScalingText.count((Double) row.get("computeOptimalParamsForSameLoss")));
    }
    out.println(
        "  opt. FLOP x: this run's compute over the least compute that reaches its loss;"
            + " opt. params: that compute-optimal model's size (serving cost scales with it).");
    out.flush();
  }
}
