package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.SelectedFit;
import dev.hwplan.scaling.TrainingFlops;
import dev.hwplan.scaling.fit.Interval;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hwplan scaling reach}: the compute (or tokens at fixed N) that reach a target loss. */
@Command(
    name = "reach",
    description = {
      "How many FLOPs reach a target loss, trained compute-optimally: C = 6 (K/(L-E))^(1/gamma),",
      "gamma = alpha*beta/(alpha+beta). With --params, the tokens that N needs instead."
    },
    mixinStandardHelpOptions = true)
final class ScalingReachCommand extends ScalingLawCommand {
  @Option(
      names = "--loss",
      required = true,
      paramLabel = "L",
      description = "Target loss in nats per token.")
  double target;

  @Option(
      names = "--params",
      paramLabel = "N",
      converter = QuantityConverter.class,
      description = "Fix the model size: the tokens (and FLOPs) this N needs for the target.")
  Double params;

  @Override
  public void run() {
    ScalingCommand.positive(target, "--loss");
    SelectedFit fit = fit();
    ChinchillaLaw law = fit.law();
    ScalingOptimalCommand.checkTarget(law, target, "--loss");
    double flopsOpt = computable(law.flopsToReach(target), "the compute to reach it");
    Map<String, Object> m = ScalingCommand.head(fit);
    m.put("targetLoss", target);
    m.put("computeOptimal", ScalingText.json(law.optimal(flopsOpt)));
    Map<String, ToDoubleFunction<ChinchillaLaw>> q = new LinkedHashMap<>();
    q.put("computeOptimalFlops", l -> l.flopsToReach(target));
    double tokens = Double.NaN;
    if (params != null) {
      ScalingCommand.positive(params, "--params");
      double floor = law.floorAt(params);
      if (!(target > floor)) {
        throw InvalidInputException.option(
            "--loss",
            String.format(
                Locale.ROOT,
                "a model of %s params cannot reach %.4f: its floor with unlimited data is %.4f",
                ScalingText.count(params),
                target,
                floor));
      }
      tokens = computable(law.tokensToReach(target, params), "tokens");
      computable(TrainingFlops.of(params, tokens), "flops");
      double n = params;
      m.put("params", params);
      m.put("tokens", tokens);
      m.put("tokensPerParam", tokens / params);
      m.put("flops", TrainingFlops.of(params, tokens));
      m.put("computeOverhead", TrainingFlops.of(params, tokens) / flopsOpt);
      m.put("floorLoss", floor);
      q.put("tokens", l -> l.tokensToReach(target, n));
    }
    Map<String, Interval> intervals = intervals(m, fit, q);
    if (printedJson(m)) {
      return;
    }
    PrintWriter out = out();
    var opt = law.optimal(flopsOpt);
    out.printf(Locale.ROOT, "Target loss %.4f (fit %s)%n", target, fit.name());
    out.printf(
        Locale.ROOT,
        "  compute-optimal: %s FLOP, %s params on %s tokens%n",
        ScalingText.flops(flopsOpt),
        ScalingText.count(opt.params()),
        ScalingText.count(opt.tokens()));
    if (params != null) {
      out.printf(
          Locale.ROOT,
          "  at %s params:    %s tokens (%.0f tokens/param), %s FLOP, %.2fx the optimal compute%n",
          ScalingText.count(params),
          ScalingText.count(tokens),
          tokens / params,
          ScalingText.flops(TrainingFlops.of(params, tokens)),
          TrainingFlops.of(params, tokens) / flopsOpt);
    }
    end(out, intervals);
  }
}
