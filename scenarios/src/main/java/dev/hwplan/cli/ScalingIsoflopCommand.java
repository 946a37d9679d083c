package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.scaling.Allocation;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.SelectedFit;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hwplan scaling isoflop}: loss against model size at fixed compute. */
@Command(
    name = "isoflop",
    description = {
      "IsoFLOP curves: the loss of models from N_opt/span to N_opt*span, each trained",
      "on D = C/(6N) tokens, for each budget (Hoffmann et al. 2022, Sec. 3.2 and Fig. 3)."
    },
    mixinStandardHelpOptions = true)
final class ScalingIsoflopCommand extends ScalingLawCommand {
  @Option(
      names = "--flops",
      required = true,
      split = ",",
      paramLabel = "C",
      converter = QuantityConverter.class,
      description = "One or more budgets in FLOP, e.g. 1e21,1e22,1e23.")
  List<Double> budgets;

  @Option(
      names = "--span",
      defaultValue = "10",
      description = "How far either side of N_opt to go, as a factor (default ${DEFAULT-VALUE}).")
  double span;

  @Option(
      names = "--points",
      defaultValue = "21",
      description = "Points per curve, log-spaced (default ${DEFAULT-VALUE}).")
  int points;

  @Override
  public void run() {
    if (!(span > 1) || !Double.isFinite(span)) {
      throw InvalidInputException.option("--span", "must be a factor above 1, got " + span);
    }
    if (points < 2 || points > 10_000) {
      throw InvalidInputException.option("--points", "must be from 2 to 10000, got " + points);
    }
    for (double c : budgets) {
      ScalingCommand.positive(c, "--flops");
    }
    SelectedFit fit = fit();
    ChinchillaLaw law = fit.law();
    // Every curve is computed and checked before any is printed.
    List<Allocation> optima = new ArrayList<>();
    List<List<Allocation>> tables = new ArrayList<>();
    List<Object> curves = new ArrayList<>();
    for (double c : budgets) {
      Allocation opt = law.optimal(c);
      List<Allocation> curve = new ArrayList<>();
      List<Object> rows = new ArrayList<>();
      for (int i = 0; i < points; i++) {
        double f = -1 + 2.0 * i / (points - 1);
        double n = computable(opt.params() * Math.pow(span, f), "params");
        computable(c / (6 * n), "tokens");
        Allocation a = law.atFlops(c, n);
        curve.add(a);
        rows.add(ScalingText.json(a));
      }
      optima.add(opt);
      tables.add(curve);
      // insertion order: Map.of's iteration order changes from one JVM to the next
      Map<String, Object> curveJson = new LinkedHashMap<>();
      curveJson.put("flops", c);
      curveJson.put("optimum", ScalingText.json(opt));
      curveJson.put("points", rows);
      curves.add(curveJson);
    }
    if (printedRows(ScalingCommand.head(fit), "curves", curves)) {
      return;
    }
    PrintWriter out = out();
    for (int b = 0; b < budgets.size(); b++) {
      Allocation opt = optima.get(b);
      out.printf(
          Locale.ROOT,
          "IsoFLOP %s FLOP (fit %s): optimum %s params, %s tokens, loss %.4f%n",
          ScalingText.flops(budgets.get(b)),
          fit.name(),
          ScalingText.count(opt.params()),
          ScalingText.count(opt.tokens()),
          opt.loss());
      out.printf(Locale.ROOT, "  %10s %10s %12s %9s%n", "params", "tokens", "tokens/param", "loss");
      for (Allocation a : tables.get(b)) {
        out.printf(
            Locale.ROOT,
            "  %10s %10s %12.1f %9.4f%n",
            ScalingText.count(a.params()),
            ScalingText.count(a.tokens()),
            a.tokensPerParam(),
            a.loss());
      }
    }
    out.flush();
  }
}
