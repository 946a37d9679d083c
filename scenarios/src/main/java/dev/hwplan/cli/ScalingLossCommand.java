package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.DataConstrainedLaw;
import dev.hwplan.scaling.KaplanLaw;
import dev.hwplan.scaling.NamedFit;
import dev.hwplan.scaling.SelectedFit;
import dev.hwplan.scaling.TrainingFlops;
import dev.hwplan.scaling.fit.Interval;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hwplan scaling loss}: the predicted loss of N parameters trained on D tokens. */
@Command(
    name = "loss",
    description = "Predicted loss L(N, D) of a model of N parameters trained on D tokens.",
    mixinStandardHelpOptions = true)
final class ScalingLossCommand extends ScalingLawCommand {
  @Mixin ModelSizeOption size;

  @Option(
      names = "--tokens",
      required = true,
      paramLabel = "D",
      converter = QuantityConverter.class,
      description = "Training tokens, e.g. 1.4e12 or 1.4T.")
  double tokens;

  @Mixin UniqueTokensOption unique;

  @Option(
      names = "--compare",
      description = "Also give the loss under every published fit and Kaplan et al. 2020's laws.")
  boolean compare;

  @Override
  public void run() {
    double params = size.positive();
    ScalingCommand.positive(tokens, "--tokens");
    Double uniqueTokens = unique.value();
    SelectedFit fit = fit();
    ChinchillaLaw law = fit.law();
    Map<String, Object> m = ScalingCommand.head(fit);
    double flops = computable(TrainingFlops.of(params, tokens), "flops (6ND)");
    m.put("params", params);
    m.put("tokens", tokens);
    m.put("tokensPerParam", tokens / params);
    m.put("flops", flops);
    ToDoubleFunction<ChinchillaLaw> lossOf = l -> l.loss(params, tokens);
    if (uniqueTokens != null) {
      ScalingCommand.positive(uniqueTokens, "--unique-tokens");
      if (uniqueTokens > tokens) {
        throw InvalidInputException.option(
            "--unique-tokens", "more unique tokens than training tokens (use --tokens)");
      }
      computable(tokens / uniqueTokens, "epochs");
      DataConstrainedLaw dc = DataConstrainedLaw.MUENNIGHOFF2023.withBase(law);
      m.put("uniqueTokens", uniqueTokens);
      m.put("epochs", tokens / uniqueTokens);
      m.put("effectiveTokens", dc.effectiveTokens(tokens, uniqueTokens));
      m.put("lossWithUniqueData", law.loss(params, tokens));
      lossOf =
          l -> DataConstrainedLaw.MUENNIGHOFF2023.withBase(l).loss(params, tokens, uniqueTokens);
    }
    double loss = lossOf.applyAsDouble(law);
    m.put("loss", loss);
    m.put("irreducibleLoss", law.e());
    m.put("paramsTerm", law.paramsTerm(params));
    m.put("dataTerm", law.dataTerm(tokens));
    m.put("computeOptimalLossAtSameFlops", law.frontierLoss(flops));
    m.put("servingFlopsPerToken", TrainingFlops.servingFlopsPerToken(params));
    Map<String, Interval> intervals = intervals(m, fit, Map.of("loss", lossOf));
    if (compare) {
      m.put("comparison", comparison(params));
    }
    if (printedJson(m)) {
      return;
    }
    PrintWriter out = out();
    out.printf(
        Locale.ROOT,
        "%s params on %s tokens (%.1f tokens/param, %s FLOP), fit %s%n",
        ScalingText.count(params),
        ScalingText.count(tokens),
        tokens / params,
        ScalingText.flops(flops),
        fit.name());
    out.printf(
        Locale.ROOT,
        "  loss %.4f nats/token = E %.4f + A/N^alpha %.4f + B/D^beta %.4f%n",
        law.loss(params, tokens),
        law.e(),
        law.paramsTerm(params),
        law.dataTerm(tokens));
    if (uniqueTokens != null) {
      out.printf(
          Locale.ROOT,
          "  with %s unique tokens (%.1f epochs): loss %.4f (Muennighoff et al. 2023)%n",
          ScalingText.count(uniqueTokens),
          tokens / uniqueTokens,
          loss);
    }
    out.printf(
        Locale.ROOT, "  compute-optimal loss at the same FLOPs: %.4f%n", law.frontierLoss(flops));
    ScalingCommand.print(out, intervals);
    if (compare) {
      comparison(params)
          .forEach((k, v) -> out.printf(Locale.ROOT, "  %-26s %.4f%n", k, (Double) v));
    }
    out.flush();
  }

  private Map<String, Object> comparison(double params) {
    Map<String, Object> c = new LinkedHashMap<>();
    for (NamedFit f : NamedFit.values()) {
      c.put(f.id(), f.law().loss(params, tokens));
    }
    c.put("kaplan2020", KaplanLaw.JOINT.loss(params, tokens));
    c.put("kaplan2020ParamsOnly", KaplanLaw.SEPARATE.lossOfParams(params));
    c.put("kaplan2020TokensOnly", KaplanLaw.SEPARATE.lossOfTokens(tokens));
    return c;
  }
}
