package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.scaling.Allocation;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.DataConstrainedLaw;
import dev.hwplan.scaling.SelectedFit;
import dev.hwplan.scaling.fit.Interval;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hwplan scaling optimal}: the compute-optimal N and D for a FLOP budget. */
@Command(
    name = "optimal",
    description = {
      "The compute-optimal model size and token count for a FLOP budget under C = 6ND:",
      "N_opt = G (C/6)^(beta/(alpha+beta)), D_opt = (C/6)^(alpha/(alpha+beta)) / G",
      "(Hoffmann et al. 2022, Eq. 4), and the loss they reach."
    },
    mixinStandardHelpOptions = true)
final class ScalingOptimalCommand implements Runnable {
  @Option(
      names = "--flops",
      required = true,
      paramLabel = "C",
      converter = QuantityConverter.class,
      description = "Training compute in FLOP, e.g. 1e24.")
  double flops;

  @Option(
      names = "--unique-tokens",
      paramLabel = "U",
      converter = QuantityConverter.class,
      description = {
        "Only U unique tokens exist: search the allocation under Muennighoff et al. 2023's",
        "data-constrained law (repeated epochs), applied to the chosen fit."
      })
  Double uniqueTokens;

  @Mixin FitOption fitOption;
  @Mixin JsonOutput json;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    ScalingCommand.positive(flops, "--flops");
    SelectedFit fit = fitOption.resolve();
    ChinchillaLaw law = fit.law();
    Map<String, Object> m = ScalingCommand.head(fit);
    Allocation a;
    Map<String, ToDoubleFunction<ChinchillaLaw>> q = new LinkedHashMap<>();
    if (uniqueTokens == null) {
      a = law.optimal(flops);
      q.put("params", l -> l.optimalParams(flops));
      q.put("tokens", l -> l.optimalTokens(flops));
      q.put("tokensPerParam", l -> l.optimalTokens(flops) / l.optimalParams(flops));
      q.put("loss", l -> l.frontierLoss(flops));
    } else {
      ScalingCommand.positive(uniqueTokens, "--unique-tokens");
      DataConstrainedLaw dc = DataConstrainedLaw.MUENNIGHOFF2023.withBase(law);
      a = dc.optimal(flops, uniqueTokens);
      q.put("params", l -> dc.withBase(l).optimal(flops, uniqueTokens).params());
      q.put("loss", l -> dc.withBase(l).optimal(flops, uniqueTokens).loss());
    }
    m.put("flops", flops);
    m.put("params", a.params());
    m.put("tokens", a.tokens());
    m.put("tokensPerParam", a.tokensPerParam());
    m.put("loss", a.loss());
    if (uniqueTokens != null) {
      m.put("uniqueTokens", uniqueTokens);
      m.put("epochs", a.tokens() / uniqueTokens);
      m.put("unconstrained", allocation(law.optimal(flops)));
    }
    m.put("paramsExponent", law.paramsExponent());
    m.put("tokensExponent", law.tokensExponent());
    m.put("g", law.g());
    m.put("servingFlopsPerToken", a.servingFlopsPerToken());
    Map<String, Interval> intervals = ScalingCommand.intervals(fit, q);
    m.put("intervals", ScalingCommand.json(intervals));
    PrintWriter out = spec.commandLine().getOut();
    if (json.enabled()) {
      JsonOutput.print(out, m);
      return;
    }
    out.printf(Locale.ROOT, "Budget %s FLOP, fit %s%n", ScalingText.flops(flops), fit.name());
    out.printf(
        Locale.ROOT,
        "  compute-optimal: %s params on %s tokens (%.1f tokens/param)%s%n",
        ScalingText.count(a.params()),
        ScalingText.count(a.tokens()),
        a.tokensPerParam(),
        uniqueTokens == null
            ? ""
            : String.format(
                Locale.ROOT, ", %.1f epochs of the unique data", a.tokens() / uniqueTokens));
    out.printf(Locale.ROOT, "  predicted loss:  %.4f nats/token%n", a.loss());
    out.printf(
        Locale.ROOT,
        "  N_opt ~ C^%.3f, D_opt ~ C^%.3f%n",
        law.paramsExponent(),
        law.tokensExponent());
    ScalingCommand.print(out, intervals);
    out.flush();
  }

  static Map<String, Object> allocation(Allocation a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("flops", a.flops());
    m.put("params", a.params());
    m.put("tokens", a.tokens());
    m.put("tokensPerParam", a.tokensPerParam());
    m.put("loss", a.loss());
    return m;
  }

  static void checkTarget(ChinchillaLaw law, double loss, String option) {
    if (!(loss > law.e())) {
      throw InvalidInputException.option(
          option,
          String.format(
              Locale.ROOT,
              "a loss of %.4f is at or below the fit's irreducible loss E = %.4f; no compute reaches it",
              loss,
              law.e()));
    }
  }
}
