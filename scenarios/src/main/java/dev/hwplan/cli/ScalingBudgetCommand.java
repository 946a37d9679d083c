package dev.hwplan.cli;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.scaling.Allocation;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.SelectedFit;
import dev.hwplan.scaling.TrainingCost;
import dev.hwplan.scaling.TrainingFlops;
import dev.hwplan.scaling.fit.Interval;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code hwplan scaling budget}: which model to train for a budget, and what it costs. */
@Command(
    name = "budget",
    description = {
      "Which model should we train for this budget? Turns a budget (FLOPs, GPU-hours, money, or",
      "days on N GPUs) into compute on a GPU at an assumed MFU, then gives the compute-optimal",
      "model, its predicted loss, GPU-hours, cost, wall-clock time and serving FLOPs per token.",
      "With --plan, that budget's FLOPs go on to the training planner (as 'train --flops C'),",
      "whose layout and MFU give the days and the cost."
    },
    mixinStandardHelpOptions = true)
final class ScalingBudgetCommand extends ScalingLawCommand {
  static final class Budget {
    @Option(
        names = "--flops",
        paramLabel = "C",
        converter = QuantityConverter.class,
        description = "Training compute in FLOP.")
    Double flops;

    @Option(
        names = "--gpu-hours",
        paramLabel = "H",
        converter = QuantityConverter.class,
        description = "GPU-hours.")
    Double gpuHours;

    @Option(
        names = "--cost",
        paramLabel = "USD",
        converter = QuantityConverter.class,
        description = "Money, in the currency of --price-per-gpu-hour (needs it).")
    Double cost;

    @Option(
        names = "--days",
        paramLabel = "T",
        converter = QuantityConverter.class,
        description = "Wall-clock days on --gpus GPUs.")
    Double days;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Budget budget;

  @Option(names = "--gpu", required = true, paramLabel = "ID", description = "GPU profile id.")
  String gpu;

  @Option(
      names = "--mfu",
      required = true,
      paramLabel = "F",
      description = "Assumed model FLOPs utilisation, 0-1 (Llama 3 reports 0.38-0.43 on H100).")
  double mfu;

  @Option(
      names = "--dtype",
      defaultValue = "bf16",
      paramLabel = "D",
      description = "Training dtype whose dense peak is used (default ${DEFAULT-VALUE}).")
  DType dtype;

  @Mixin PriceOption price;

  @Option(names = "--gpus", paramLabel = "N", description = "GPUs in the job, for wall-clock time.")
  Integer gpus;

  @Option(
      names = "--tokens-per-param",
      paramLabel = "R",
      converter = QuantityConverter.class,
      description =
          "Train at R tokens/param instead of compute-optimally (e.g. 200 to over-train).")
  Double tokensPerParam;

  @Mixin PlanHandOff handOff;

  /** With --plan, the train options (PlanHandOff). */
  @Unmatched List<String> trainOptions = new ArrayList<>();

  @Mixin ProfilesOption profiles;

  @Override
  public void run() {
    double m = ScalingCommand.positive(mfu, "--mfu");
    if (m > 1) {
      throw InvalidInputException.option("--mfu", "is a fraction of peak, at most 1, got " + mfu);
    }
    if (price.value() != null) {
      ScalingCommand.positive(price.value(), "--price-per-gpu-hour");
    }
    if (gpus != null && gpus < 1) {
      throw InvalidInputException.option("--gpus", "must be at least 1, got " + gpus);
    }
    GpuProfile profile = profiles.catalog().get(gpu);
    double peak =
        profile
            .peakFlops(dtype)
            .orElseThrow(
                () ->
                    InvalidInputException.option(
                        "--dtype", profile.id() + " has no " + dtype.key() + " peak"));
    double flops = computable(flops(peak), "flops");
    handOff.refuseWithoutPlan(trainOptions);
    if (handOff.plan) {
      planBudget(flops);
      return;
    }
    SelectedFit fit = fit();
    ChinchillaLaw law = fit.law();
    Allocation a;
    Map<String, ToDoubleFunction<ChinchillaLaw>> q = new LinkedHashMap<>();
    if (tokensPerParam == null) {
      a = law.optimal(flops);
      q.putAll(ScalingCommand.optimum(flops, false));
    } else {
      double r = ScalingCommand.positive(tokensPerParam, "--tokens-per-param");
      double n = computable(Math.sqrt(flops / (TrainingFlops.PER_PARAM_PER_TOKEN * r)), "params");
      computable(r * n, "tokens");
      a = law.atFlops(flops, n);
      q.put("loss", l -> l.loss(n, r * n));
    }
    TrainingCost cost =
        new TrainingCost(flops, peak, m, price.value() == null ? Double.NaN : price.value());
    Map<String, Object> out = ScalingCommand.head(fit);
    out.put("gpu", profile.id());
    out.put("dtype", dtype.key());
    out.put("peakFlopsPerSecond", peak);
    out.put("mfu", m);
    out.putAll(ScalingText.json(a));
    out.put("computeOptimalLoss", law.frontierLoss(flops));
    out.put("gpuHours", cost.gpuHours());
    out.put("pricePerGpuHour", price.value());
    out.put("cost", cost.priced() ? cost.cost() : null);
    out.put("gpus", gpus);
    out.put("wallSeconds", gpus == null ? null : cost.wallSeconds(gpus));
    out.put("servingFlopsPerToken", a.servingFlopsPerToken());
    Map<String, Interval> intervals = intervals(out, fit, q);
    if (printedJson(out)) {
      return;
    }
    PrintWriter w = out();
    text(w, fit, profile, peak, a, cost, intervals);
  }

  /**
   * {@code --plan}: the budget's FLOPs (at the assumed MFU) handed to the training planner on this
   * GPU, as {@code train --flops C --gpu G [--gpus N] [--price-per-gpu-hour P]}; the plan's own MFU
   * then gives the days and the cost.
   */
  private void planBudget(double flops) {
    Given.onlyWhen(
        spec, "--tokens-per-param", false, "the plan trains the compute-optimal model (--plan)");
    List<String> t = new ArrayList<>(List.of("--gpu", gpu));
    if (gpus != null) {
      t.add("--gpus");
      t.add(gpus.toString());
    }
    if (price.value() != null) {
      t.add("--price-per-gpu-hour");
      t.add(price.value().toString());
    }
    t.addAll(trainOptions);
    handOff.run(spec, flops, fitOption.spec, null, t, json.enabled());
  }

  private double flops(double peak) {
    if (budget.flops != null) {
      return ScalingCommand.positive(budget.flops, "--flops");
    }
    if (budget.gpuHours != null) {
      return TrainingCost.flopsFor(
          ScalingCommand.positive(budget.gpuHours, "--gpu-hours"), peak, mfu);
    }
    if (budget.cost != null) {
      ScalingCommand.positive(budget.cost, "--cost");
      if (price.value() == null) {
        throw InvalidInputException.option(
            "--cost", "needs --price-per-gpu-hour (hwplan ships no default prices)");
      }
      return TrainingCost.flopsFor(budget.cost / price.value(), peak, mfu);
    }
    ScalingCommand.positive(budget.days, "--days");
    if (gpus == null) {
      throw InvalidInputException.option("--days", "needs --gpus");
    }
    return TrainingCost.flopsFor(budget.days * 24 * gpus, peak, mfu);
  }

  private void text(
      PrintWriter w,
      SelectedFit fit,
      GpuProfile profile,
      double peak,
      Allocation a,
      TrainingCost cost,
      Map<String, Interval> intervals) {
    w.printf(
        Locale.ROOT,
        "Budget %s FLOP on %s (%s %.1f TFLOP/s dense, MFU %.0f%%), fit %s%n",
        ScalingText.flops(cost.flops()),
        profile.id(),
        dtype.key(),
        peak / 1e12,
        cost.mfu() * 100,
        fit.name());
    w.printf(
        Locale.ROOT,
        "  train %s%s%n",
        ScalingText.split(a),
        tokensPerParam == null ? ", compute-optimal" : "");
    w.printf(Locale.ROOT, "  predicted loss  %.4f nats/token%n", a.loss());
    w.printf(Locale.ROOT, "  GPU-hours       %s%n", ScalingText.count(cost.gpuHours()));
    if (cost.priced()) {
      w.printf(
          Locale.ROOT,
          "  cost            %s at %s per GPU-hour%n",
          ScalingText.count(cost.cost()),
          price.value());
    }
    if (gpus != null) {
      w.printf(
          Locale.ROOT,
          "  wall clock      %.1f days on %d GPUs%n",
          cost.wallSeconds(gpus) / 86400,
          gpus);
    }
    w.printf(
        Locale.ROOT,
        "  serving         %s FLOP per generated token (2N)%n",
        ScalingText.flops(a.servingFlopsPerToken()));
    end(w, intervals);
  }
}
