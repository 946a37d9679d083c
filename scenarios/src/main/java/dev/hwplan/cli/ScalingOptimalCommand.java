package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.scaling.Allocation;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.DataConstrainedLaw;
import dev.hwplan.scaling.KaplanLaw;
import dev.hwplan.scaling.ModelFlops;
import dev.hwplan.scaling.SelectedFit;
import dev.hwplan.scaling.fit.Interval;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code hwplan scaling optimal}: the compute-optimal N and D for a FLOP budget. */
@Command(
    name = "optimal",
    description = {
      "The compute-optimal model size and token count for a FLOP budget under C = 6ND:",
      "N_opt = G (C/6)^(beta/(alpha+beta)), D_opt = (C/6)^(alpha/(alpha+beta)) / G",
      "(Hoffmann et al. 2022, Eq. 4), and the loss they reach. With --model, the exact FLOP",
      "count of that architecture replaces 6ND, and the model itself is placed in the budget.",
      "Kaplan et al. 2020's compute-efficient allocation is given for comparison.",
      "With --plan, the model goes on to the training planner (as 'train --flops C'): layout,",
      "MFU, days, GPU-hours and cost on a cluster, in one command."
    },
    mixinStandardHelpOptions = true)
final class ScalingOptimalCommand extends ScalingLawCommand {
  @Option(
      names = "--flops",
      required = true,
      paramLabel = "C",
      converter = QuantityConverter.class,
      description = "Training compute in FLOP, e.g. 1e24.")
  double flops;

  @Mixin UniqueTokensOption unique;

  @Option(
      names = "--model",
      paramLabel = "M",
      description = {
        "A bundled model id or a config.json: count training FLOPs exactly for its architecture",
        "(6N' plus the attention term 6 L T d_attn) instead of 6ND."
      })
  String model;

  @Option(
      names = "--seq-len",
      defaultValue = "4096",
      paramLabel = "T",
      description = "Training sequence length for the exact count (default ${DEFAULT-VALUE}).")
  long seqLen;

  @Option(
      names = "--context",
      paramLabel = "S",
      description = "Context for the serving FLOPs per token with --model (default: --seq-len).")
  Long context;

  @Mixin PlanHandOff handOff;

  /** With --plan, the train options (PlanHandOff). */
  @Unmatched List<String> trainOptions = new ArrayList<>();

  @Override
  public void run() {
    ScalingCommand.positive(flops, "--flops");
    handOff.refuseWithoutPlan(trainOptions);
    if (handOff.plan) {
      Given.onlyWhen(spec, "--unique-tokens", false, "the plan trains on fresh tokens (--plan)");
      Given.onlyWhen(spec, "--context", false, "it is the serving context, not planned (--plan)");
      Given.onlyWhen(spec, "--seq-len", false, "with --plan the sequence is train's --seq");
      handOff.run(spec, flops, fitOption.spec, model, trainOptions, json.enabled());
      return;
    }
    Given.onlyWhen(
        spec, "--seq-len", model != null, "it is the sequence length of --model's exact count");
    Given.onlyWhen(spec, "--context", model != null, "it is the serving context of --model");
    Double uniqueTokens = unique.value();
    SelectedFit fit = fit();
    ChinchillaLaw law = fit.law();
    Map<String, Object> m = ScalingCommand.head(fit);
    Allocation a;
    Map<String, ToDoubleFunction<ChinchillaLaw>> q = new LinkedHashMap<>();
    ModelFlops exact = model == null ? null : modelFlops();
    if (exact != null && uniqueTokens != null) {
      throw InvalidInputException.option(
          "--model", "cannot be combined with --unique-tokens (the data-constrained law is 6ND)");
    }
    if (exact != null) {
      a = exact.optimal(law, flops);
      q.put("params", l -> exact.optimal(l, flops).params());
      q.put("tokens", l -> exact.optimal(l, flops).tokens());
      q.put("loss", l -> exact.optimal(l, flops).loss());
      q.put("modelLoss", l -> exact.forModel(l, flops).loss());
    } else if (uniqueTokens == null) {
      a = law.optimal(flops);
      q.putAll(ScalingCommand.optimum(flops, true));
    } else {
      ScalingCommand.positive(uniqueTokens, "--unique-tokens");
      DataConstrainedLaw dc = DataConstrainedLaw.MUENNIGHOFF2023.withBase(law);
      a = dc.optimal(flops, uniqueTokens);
      q.put("params", l -> dc.withBase(l).optimal(flops, uniqueTokens).params());
      q.put("loss", l -> dc.withBase(l).optimal(flops, uniqueTokens).loss());
    }
    m.putAll(ScalingText.json(a));
    if (uniqueTokens != null) {
      m.put("uniqueTokens", uniqueTokens);
      m.put("epochs", a.tokens() / uniqueTokens);
      m.put("unconstrained", ScalingText.json(law.optimal(flops)));
    }
    m.put("paramsExponent", law.paramsExponent());
    m.put("tokensExponent", law.tokensExponent());
    m.put("g", law.g());
    m.put("servingFlopsPerToken", a.servingFlopsPerToken());
    m.put("kaplan2020", kaplan(flops));
    if (exact != null) {
      m.put("flopsCount", "exact");
      m.put("model", modelBlock(exact, law));
    } else {
      m.put("flopsCount", "6ND");
    }
    Map<String, Interval> intervals = intervals(m, fit, q);
    if (printedJson(m)) {
      return;
    }
    PrintWriter out = out();
    out.printf(Locale.ROOT, "Budget %s FLOP, fit %s%n", ScalingText.flops(flops), fit.name());
    out.printf(
        Locale.ROOT,
        "  compute-optimal: %s%s%n",
        ScalingText.split(a),
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
    if (exact != null) {
      Allocation own = exact.forModel(law, flops);
      out.printf(
          Locale.ROOT,
          "  exact FLOPs:     %s per training token at %d tokens/sequence = %.3f x 6N for %s%n",
          ScalingText.flops(exact.trainingFlopsPerToken()),
          seqLen,
          exact.ratioTo6N(),
          model);
      out.printf(
          Locale.ROOT, "  %s itself:  %s, loss %.4f%n", model, ScalingText.split(own), own.loss());
      out.printf(
          Locale.ROOT,
          "  serving:         %s FLOP per generated token at %d tokens of context (2N: %s)%n",
          ScalingText.flops(exact.servingFlopsPerToken(servingContext())),
          servingContext(),
          ScalingText.flops(2 * own.params()));
    }
    out.printf(
        Locale.ROOT,
        "  Kaplan 2020:     %s params on %s tokens (N ~ C^0.73)%n",
        ScalingText.count(KaplanLaw.computeEfficientParams(flops)),
        ScalingText.count(KaplanLaw.computeEfficientTokens(flops)));
    end(out, intervals);
  }

  private ModelFlops modelFlops() {
    if (seqLen <= 0) {
      throw InvalidInputException.option("--seq-len", "must be positive, got " + seqLen);
    }
    if (context != null && context <= 0) {
      throw InvalidInputException.option("--context", "must be positive, got " + context);
    }
    dev.hwplan.model.ModelSpec m = ModelCatalog.resolve(model);
    m.checkContext(seqLen, "--seq-len");
    if (context != null) {
      m.checkContext(context, "--context");
    }
    return ModelFlops.of(m, seqLen);
  }

  private long servingContext() {
    return context == null ? seqLen : context;
  }

  private Map<String, Object> modelBlock(ModelFlops exact, ChinchillaLaw law) {
    Allocation own = exact.forModel(law, flops);
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("id", model);
    b.put("seqLen", seqLen);
    b.put("params", own.params());
    b.put("trainingFlopsPerToken", exact.trainingFlopsPerToken());
    b.put("ratioTo6N", exact.ratioTo6N());
    b.put("tokens", own.tokens());
    b.put("tokensPerParam", own.tokensPerParam());
    b.put("loss", own.loss());
    b.put("servingContext", servingContext());
    b.put("servingFlopsPerToken", exact.servingFlopsPerToken(servingContext()));
    return b;
  }

  /** Kaplan et al. 2020's compute-efficient allocation (Table 5), for comparison. */
  static Map<String, Object> kaplan(double flops) {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("params", KaplanLaw.computeEfficientParams(flops));
    k.put("tokens", KaplanLaw.computeEfficientTokens(flops));
    return k;
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
