package dev.hwplan.cli;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.training.Layout;
import dev.hwplan.training.LayoutSearch;
import dev.hwplan.training.PlanCost;
import dev.hwplan.training.Precision;
import dev.hwplan.training.Recompute;
import dev.hwplan.training.TrainingJob;
import dev.hwplan.training.TrainingPlan;
import dev.hwplan.training.TrainingPlanner;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hwplan train}: the training planner. With {@code --layout}, one layout's step time, memory
 * and rates; without, the layout search ranked by step time (or cost), with the rejected layouts
 * counted by reason.
 */
@Command(
    name = "train",
    description = {
      "Plan training: step time, memory per GPU, MFU/HFU, tokens/s, and with --tokens the days,"
          + " GPU-hours and cost, for one layout (--layout) or the fastest layouts that fit.",
      "Layouts: TP x PP (x VPP) x DP x CP x EP, micro-batch, ZeRO 0-3, recompute"
          + " none|selective|full."
    },
    mixinStandardHelpOptions = true)
final class TrainCommand extends PlannerCommand {
  @Option(
      names = "--model",
      description = "Bundled id or path to a config.json (or --flops for the compute-optimal one).")
  String model;

  @Option(
      names = "--flops",
      converter = QuantityConverter.class,
      description = {
        "A training budget in FLOP: without --model, plan the compute-optimal model of --fit",
        "(a Llama-3-shaped architecture of N_opt parameters) on the tokens the budget buys;",
        "with --model, that model on the tokens the budget buys."
      })
  Double flops;

  @Mixin FitOption fitOption;

  @Option(names = "--gpu", description = "GPU profile id (default: the cluster's).")
  String gpu;

  @Option(names = "--gpus", description = "GPUs in the job.")
  Integer gpus;

  @Option(
      names = "--timings",
      description =
          "Add the layout search's wall-clock seconds to --json (off: the same input gives the"
              + " same JSON).")
  boolean timings;

  @Option(
      names = "--cluster",
      description = "Cluster kind (dgx-h100, dgx-h200, dgx-b200, dgx-a100; default: the GPU's).")
  String cluster;

  @Option(names = "--seq", required = true, description = "Tokens per sequence.")
  long seq;

  @Option(names = "--global-batch", required = true, description = "Sequences per step.")
  long globalBatch;

  @Option(
      names = "--micro-batch",
      description = "Sequences per micro-batch (default: searched; 1 with --layout).")
  Integer microBatch;

  @Option(
      names = "--layout",
      description = "One layout: tp=..,pp=..,dp=..,cp=..,ep=..,vpp=..,sp=true|false (omitted: 1).")
  String layout;

  @Option(
      names = "--zero",
      description = "ZeRO stage 0-3 (default: searched; with --layout, the fastest that fits).")
  Integer zero;

  @Option(
      names = "--recompute",
      description = "none, selective or full (default: searched; none with --layout).")
  String recompute;

  @Option(
      names = "--precision",
      defaultValue = "bf16-fp32-master",
      description = "amp, mixed, bf16-fp32-master, bf16, fp8 (default: ${DEFAULT-VALUE}).")
  String precision;

  @Mixin OffloadOption offload;

  @Option(
      names = "--no-flash-attention",
      description = "Attention without FlashAttention (s x s scores stored).")
  boolean noFlash;

  @Option(names = "--chunked-loss", description = "Cross-entropy over chunks of tokens.")
  boolean chunkedLoss;

  @Option(
      names = "--tokens",
      converter = QuantityConverter.class,
      description = "Tokens to train on: days, GPU-hours and cost.")
  Double tokens;

  @Mixin PriceOption price;

  @Option(
      names = "--top",
      defaultValue = "5",
      description = "Layouts to show (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(
      names = "--rank",
      defaultValue = "time",
      description =
          "Rank the layouts that fit by time (step time) or cost (GPU-hours: step time x GPUs"
              + " used; differs from time only with --up-to-gpus). Default: ${DEFAULT-VALUE}.")
  String rank;

  @Option(
      names = "--up-to-gpus",
      description =
          "Search layouts on up to --gpus GPUs (DP any divisor of the batch), not exactly.")
  boolean upTo;

  @Override
  public void run() {
    Given.onlyWhen(spec, "--fit", flops != null, "it chooses the law that --flops is spent under");
    Given.onlyWhen(spec, "--rank", layout == null, "it orders the searched layouts (no --layout)");
    if (seq <= 0) {
      throw InvalidInputException.option("--seq", "must be positive, got " + seq);
    }
    Budget budget = null;
    ModelSpec m;
    if (flops != null) {
      if (!(flops > 0) || !Double.isFinite(flops)) {
        throw InvalidInputException.option("--flops", "must be positive, got " + flops);
      }
      if (tokens != null) {
        throw InvalidInputException.option(
            "--tokens", "cannot be combined with --flops (the budget sets the tokens)");
      }
      budget = Budget.of(flops, model, seq, fitOption.resolve());
      m = budget.model();
      tokens = budget.tokens();
    } else if (model == null) {
      throw InvalidInputException.option("--model", "is required (or --flops)");
    } else {
      m = ModelCatalog.resolve(model);
    }
    m.checkContext(seq, "--seq");
    ClusterProfile c;
    if (cluster != null) {
      c = ClusterCatalog.get(cluster, "--cluster");
    } else {
      if (gpu == null) {
        throw InvalidInputException.option("--gpu", "is required (or --cluster)");
      }
      c = Clusters.forGpu(gpu, "; give --cluster");
    }
    if (gpu != null && !gpu.equals(c.gpu())) {
      throw InvalidInputException.option(
          "--gpu", gpu + " is not the GPU of cluster " + c.id() + " (" + c.gpu() + ")");
    }
    GpuProfile g = profiles.catalog().get(c.gpu());
    DeploymentCommand.checkArithmetic(
        g,
        Precision.parse(precision, "--precision").linearDtype,
        "--precision",
        precision + " training's GEMMs");
    if (gpus == null) {
      throw InvalidInputException.option("--gpus", "is required (the GPUs in the job)");
    }
    Clusters.checkGpus(gpus, c);
    if (top <= 0) {
      throw InvalidInputException.option("--top", "must be positive, got " + top);
    }
    if (tokens != null && !(tokens > 0)) {
      throw InvalidInputException.option("--tokens", "must be positive, got " + tokens);
    }
    if (price.value() != null && !(price.value() >= 0 && Double.isFinite(price.value()))) {
      throw InvalidInputException.option(
          "--price-per-gpu-hour", "must be >= 0, got " + price.value());
    }
    if (microBatch != null && microBatch <= 0) {
      throw InvalidInputException.option("--micro-batch", "must be positive, got " + microBatch);
    }
    Precision p = Precision.parse(precision, "--precision");
    Recompute r = recompute == null ? null : Recompute.parse(recompute, "--recompute");
    TrainingJob job =
        new TrainingJob(
            m,
            seq,
            globalBatch,
            p,
            !noFlash,
            false,
            chunkedLoss,
            dev.hwplan.step.Execution.FUSED,
            true);
    TrainingPlanner planner = TrainingPlanner.calibrated(job, g, c, gpus).atMost(upTo);
    PrintWriter out = out();
    if (layout != null) {
      Layout l =
          Layout.parse(
              layout,
              microBatch == null ? 1 : microBatch,
              zero == null ? 1 : zero,
              r == null ? Recompute.NONE : r,
              offload.enabled());
      String why = planner.invalid(l);
      if (why != null) {
        throw InvalidInputException.option(
            why.startsWith("global batch") ? "--global-batch" : "--layout", why);
      }
      // without --zero, every ZeRO stage as the search tries them; the fastest that fits is shown
      var stages = zero == null ? LayoutSearch.everyZeroStage(planner, l) : null;
      TrainingPlan plan = stages != null ? stages.best() : planner.evaluate(l);
      // what the times shown rest on: every ZeRO stage's when they are all shown
      List<String> notes = notes(stages != null ? stages.stages() : List.of(plan));
      if (json.enabled()) {
        Map<String, Object> o = header(planner, budget);
        o.put("plan", planJson(plan));
        if (stages != null) {
          o.put("zeroStages", TrainZeroStages.json(stages));
        }
        o.put("notes", notes);
        JsonOutput.print(out, o);
      } else {
        printHeader(out, planner, budget);
        if (stages != null) {
          out.println(TrainZeroStages.line(stages));
        }
        printPlan(out, plan, true);
        Units.printNotes(out, notes);
      }
      return;
    }
    LayoutSearch.Rank by = LayoutSearch.Rank.parse(rank, "--rank");
    long t0 = System.nanoTime();
    LayoutSearch.Result res =
        LayoutSearch.search(
            planner,
            new LayoutSearch.Constraints(microBatch, zero, r, offload.enabled(), null),
            top,
            true,
            by);
    double secs = (System.nanoTime() - t0) / 1e9;
    if (json.enabled()) {
      Map<String, Object> o = header(planner, budget);
      o.put("evaluated", res.evaluated());
      o.put("valid", res.valid());
      o.put("fitting", res.fitting());
      if (timings) {
        o.put("searchSeconds", secs);
      }
      o.put("rankedBy", by.name().toLowerCase(Locale.ROOT));
      List<Object> plans = new ArrayList<>();
      for (TrainingPlan pl : res.ranked()) {
        plans.add(planJson(pl));
      }
      o.put("layouts", plans);
      List<Object> rej = new ArrayList<>();
      for (var e : res.rejectedByReason().entrySet()) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("reason", e.getKey());
        x.put("count", e.getValue());
        x.put("example", res.rejectedExamples().get(e.getKey()));
        rej.add(x);
      }
      o.put("rejected", rej);
      o.put("notes", notes(res.ranked()));
      JsonOutput.print(out, o);
      return;
    }
    printHeader(out, planner, budget);
    out.printf(
        Locale.ROOT,
        "  searched %,d layouts in %.2f s: %,d can run, %,d fit%s%n",
        res.evaluated(),
        secs,
        res.valid(),
        res.fitting(),
        by == LayoutSearch.Rank.COST ? "; ranked by cost (GPU-hours a step)" : "");
    if (res.ranked().isEmpty()) {
      out.println("  no layout fits");
    }
    int i = 1;
    for (TrainingPlan pl : res.ranked()) {
      out.printf(Locale.ROOT, "%n  #%d ", i);
      printPlan(out, pl, i == 1);
      i++;
    }
    out.println();
    out.println("  rejected:");
    for (var e : res.rejectedByReason().entrySet()) {
      out.printf(
          Locale.ROOT,
          "    %-48s %,10d  (e.g. %s)%n",
          e.getKey(),
          e.getValue(),
          res.rejectedExamples().get(e.getKey()));
    }
    Units.printNotes(out, notes(res.ranked()));
  }

  /** What the times of {@code plans} rest on, each note once, in order. */
  private static List<String> notes(List<TrainingPlan> plans) {
    Set<String> notes = new LinkedHashSet<>();
    for (TrainingPlan p : plans) {
      notes.addAll(p.notes());
    }
    return List.copyOf(notes);
  }

  private Map<String, Object> header(TrainingPlanner pl, Budget budget) {
    Map<String, Object> o = new LinkedHashMap<>();
    TrainingJob j = pl.job();
    o.put("model", j.model().id());
    if (budget != null) {
      o.put("budget", budget.json());
    }
    o.put("gpu", pl.gpu().id());
    o.put("cluster", pl.cluster().id());
    o.put("gpus", pl.gpus());
    o.put("upToGpus", pl.atMost());
    o.put("seq", j.seq());
    o.put("globalBatch", j.globalBatch());
    o.put("precision", j.precision().key());
    o.put("tokensPerStep", j.tokensPerStep());
    o.put("modelFlopsPerStep", pl.modelFlopsPerStep());
    return o;
  }

  private Map<String, Object> planJson(TrainingPlan p) {
    Map<String, Object> o = new LinkedHashMap<>();
    Layout l = p.layout();
    Map<String, Object> lay = new LinkedHashMap<>();
    lay.put("tp", l.tp());
    lay.put("pp", l.pp());
    lay.put("dp", l.dp());
    lay.put("cp", l.cp());
    lay.put("ep", l.ep());
    lay.put("vpp", l.vpp());
    lay.put("sp", l.sp() && l.tp() > 1);
    lay.put("microBatch", l.microBatch());
    lay.put("zero", l.zero());
    lay.put("recompute", l.recompute().key());
    lay.put("offload", l.offload());
    o.put("layout", lay);
    o.put("label", p.label());
    o.put("gpus", p.layout().gpus());
    o.put("stepSeconds", p.stepSeconds());
    o.put("peakBytesPerGpu", p.peakBytesPerGpu());
    o.put("fits", p.fits());
    o.put("mfu", p.mfu());
    o.put("hfu", p.hfu());
    o.put("tokensPerSecond", p.tokensPerSecond());
    o.put("microBatches", p.microBatches());
    o.put("time", p.time());
    o.put("memory", p.memory());
    if (tokens != null) {
      PlanCost c = PlanCost.of(p, (int) p.layout().gpus(), tokens, price.value());
      o.put("tokens", c.tokens());
      o.put("trainSeconds", c.trainSeconds());
      o.put("gpuHours", c.gpuHours());
      if (c.cost() != null) {
        o.put("cost", c.cost());
      }
    }
    o.put("notes", p.notes());
    return o;
  }

  private void printHeader(PrintWriter out, TrainingPlanner pl, Budget budget) {
    TrainingJob j = pl.job();
    if (budget != null) {
      budget.print(out);
    }
    out.printf(
        Locale.ROOT,
        "%s on %s%,d x %s (%s), %,d-token sequences, global batch %,d, %s%s%n",
        j.model().id(),
        pl.atMost() ? "up to " : "",
        pl.gpus(),
        pl.gpu().id(),
        pl.cluster().id(),
        j.seq(),
        j.globalBatch(),
        j.precision().key(),
        // MFU and HFU stay over the bf16 dense peak, so that fp8 and bf16 plans compare
        j.precision() == Precision.FP8 ? " (MFU and HFU over the bf16 dense peak)" : "");
  }

  private void printPlan(PrintWriter out, TrainingPlan p, boolean details) {
    out.printf(
        Locale.ROOT,
        "%s: step %s, MFU %.1f%%, HFU %.1f%%, %,.0f tokens/s, peak %s per GPU%s%n",
        p.label(),
        Units.seconds(p.stepSeconds()),
        100 * p.mfu(),
        100 * p.hfu(),
        p.tokensPerSecond(),
        Units.gib(p.peakBytesPerGpu()),
        p.fits() ? "" : " (DOES NOT FIT)");
    if (tokens != null) {
      PlanCost c = PlanCost.of(p, (int) p.layout().gpus(), tokens, price.value());
      out.printf(
          Locale.ROOT,
          "    %.3g tokens: %s days, %s GPU-hours%s%n",
          c.tokens(),
          readable(c.trainDays(), "%.1f"),
          readable(c.gpuHours(), "%,.0f"),
          c.cost() == null ? "" : ", $" + readable(c.cost(), "%,.0f"));
    }
    if (!details) {
      return;
    }
    var t = p.time();
    out.printf(
        Locale.ROOT,
        "    time: compute %s, recompute %s, TP %s, CP %s, EP %s, PP %s, bubble %s, DP exposed %s"
            + " (of %s), overlap slowdown %s, optimizer %s%n",
        Units.seconds(t.computeSeconds()),
        Units.seconds(t.recomputeSeconds()),
        Units.seconds(t.tpCommSeconds()),
        Units.seconds(t.cpCommSeconds()),
        Units.seconds(t.epCommSeconds()),
        Units.seconds(t.ppCommSeconds()),
        Units.seconds(t.bubbleSeconds()),
        Units.seconds(t.dpCommSeconds()),
        Units.seconds(t.dpCommTotalSeconds()),
        Units.seconds(t.overlapSlowdownSeconds()),
        Units.seconds(t.optimizerSeconds()));
    var mm = p.memory();
    out.printf(
        Locale.ROOT,
        "    memory (stage %d): weights %s, gradients %s, optimizer %s, activations %s, logits %s,"
            + " buffers %s, allocator %s; usable %s%n",
        mm.stage(),
        Units.gib(mm.weightBytes()),
        Units.gib(mm.gradientBytes()),
        Units.gib(mm.optimizerBytes()),
        Units.gib(mm.activationBytes()),
        Units.gib(mm.logitsBytes()),
        Units.gib(mm.bufferBytes()),
        Units.gib(mm.allocatorBytes()),
        Units.gib(mm.usableBytes()));
  }

  /** {@code v} in {@code format}, or in three significant digits from 1e12 (1e40 tokens' days). */
  private static String readable(double v, String format) {
    return String.format(Locale.ROOT, Math.abs(v) < 1e12 ? format : "%.3g", v);
  }
}
