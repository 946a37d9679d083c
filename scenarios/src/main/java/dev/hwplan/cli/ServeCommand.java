package dev.hwplan.cli;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.serving.CapacitySearch;
import dev.hwplan.serving.ServingPlan;
import dev.hwplan.serving.ServingResult;
import dev.hwplan.serving.Workload;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepTimeTable;
import dev.hwplan.sweep.LocalSweepExecutor;
import dev.hwplan.sweep.SweepExecutor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hwplan serve}: the discrete-event serving simulation of one deployment, and the capacity
 * searches on top of it ({@code --find-max-qps}, {@code --find-min-gpus --qps Q}).
 */
@Command(
    name = "serve",
    description = {
      "Simulate serving: continuous batching, chunked prefill, paged KV cache and preemption,"
          + " iteration by iteration, with step times from the calibrated GPU model.",
      "Metrics as vLLM's benchmark_serving defines them: TTFT, TPOT = (E2E - TTFT)/(output - 1),"
          + " ITL, E2E (mean, p50, p90, p99), throughput, goodput and SLO attainment.",
      "--find-max-qps bisects the highest rate one deployment sustains within the SLO;"
          + " --find-min-gpus --qps Q searches GPU type x TP x replicas x dtypes for the fewest"
          + " GPUs (or the lowest cost with --price-per-gpu-hour)."
    },
    mixinStandardHelpOptions = true)
final class ServeCommand extends DeploymentCommand {
  @Mixin ModelOption model;

  @Option(
      names = "--gpu",
      split = ",",
      description =
          "GPU profile id (--find-min-gpus: a comma-separated list; default: h100-sxm,h200-sxm,"
              + "b200,a100-sxm-80gb).")
  List<String> gpus;

  @Option(names = "--replicas", defaultValue = "1", description = "Copies of the model.")
  int replicas;

  @Mixin SloOptions slo;

  @Option(
      names = "--find-max-qps",
      description = "Bisect the highest open-loop rate within the SLO.")
  boolean findMaxQps;

  @Option(
      names = "--seeds",
      defaultValue = "3",
      description = "--find-max-qps: seeded runs for the spread (default 3).")
  int seeds;

  @Option(
      names = "--find-min-gpus",
      description =
          "Search the fewest GPUs (or lowest cost) meeting the SLO at --qps; of --tp, --ep,"
              + " --weights-dtype and --kv-dtype, those not given are searched (TP 1,2,4,8; MoE"
              + " models EP 1,2,4,8 within a node; bf16 and fp8).")
  boolean findMinGpus;

  @Option(
      names = "--max-gpus",
      defaultValue = "64",
      description = "--find-min-gpus: GPUs at most (default 64).")
  int maxGpus;

  @Option(
      names = "--price-per-gpu-hour",
      paramLabel = "P",
      description = "$ per GPU-hour: one price, or gpu=price pairs (h100-sxm=2.5,h200-sxm=3.5).")
  String pricePerGpuHour;

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      defaultValue = "local",
      description =
          "--find-min-gpus: where the layouts are searched, local (this machine's cores) or spark"
              + " (README: Running large studies on Spark). The answer is the same.")
  String engine;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "With --engine spark: the Spark master (local[*], spark://HOST:7077, ...).")
  String master;

  @Mixin ServeWorkloadOptions traffic;
  @Mixin ServeEngineOptions engineOptions;
  @Mixin ServeSplitOptions split;

  @Override
  public void run() {
    ModelSpec m = model.resolve();
    slo.check();
    if (findMaxQps && findMinGpus) {
      throw InvalidInputException.option(
          "--find-min-gpus", "cannot be combined with --find-max-qps");
    }
    if (!findMinGpus && (!"local".equals(engine) || master != null)) {
      throw InvalidInputException.option(
          !"local".equals(engine) ? "--engine" : "--master",
          "has no effect here: only --find-min-gpus runs on an engine");
    }
    ServingPlan.Settings settings = engineOptions.settings();
    Workload w = workload();
    if (split.disaggregated && !findMinGpus) {
      throw InvalidInputException.option(
          "--disaggregated",
          "searches splits with --find-min-gpus; one split: --prefill-replicas P --decode-replicas D");
    }
    if (findMinGpus) {
      if (split.split()) {
        throw InvalidInputException.option(
            "--prefill-replicas", "--find-min-gpus --disaggregated searches the split itself");
      }
      minGpus(m, settings, w);
      return;
    }
    GpuProfile g = profiles.catalog().get(oneGpu());
    StepConfig c = step(m, g);
    ServingPlan one = ServingPlan.of(c, g, replicas, settings);
    one.checkLengths(w);
    ServingPlan plan =
        split.disaggregate(
            c, one, settings, w, profiles.catalog(), spec.commandLine().getParseResult());
    StepTimeTable table = plan.stepModel().table();
    double t = slo.ttftSeconds();
    double p = slo.tpotSeconds();
    if (findMaxQps) {
      CapacitySearch.MaxQps r = CapacitySearch.findMaxQps(plan, table, w, slo.objective(), seeds);
      answer(
          () -> ServeView.maxQpsJson(plan, w, t, p, r),
          out -> ServeView.printMaxQps(out, plan, w, t, p, r));
      return;
    }
    ServingResult r = plan.simulate(table, w, t, p);
    answer(
        () -> ServeView.resultJson(plan, w, t, p, r),
        out -> ServeView.printResult(out, plan, w, t, p, r));
  }

  private String oneGpu() {
    if (gpus == null || gpus.isEmpty()) {
      throw InvalidInputException.option("--gpu", "is required (a GPU profile id)");
    }
    if (gpus.size() > 1) {
      throw InvalidInputException.option("--gpu", "one GPU here; a list only with --find-min-gpus");
    }
    return gpus.get(0);
  }

  private Workload workload() {
    return traffic.workload(findMaxQps, findMinGpus, spec.commandLine().getParseResult());
  }

  /** The search these options describe, rebuilt from the command line alone (another JVM). */
  ServeSearch search() {
    return search(model.resolve(), engineOptions.settings(), workload());
  }

  private ServeSearch search(ModelSpec m, ServingPlan.Settings settings, Workload w) {
    return ServeSearch.of(
        m,
        new ServeSearch.Axes(
            gpus,
            Given.given(spec, "--tp") ? parallel.tp() : null,
            parallel.pp(),
            Given.given(spec, "--ep") ? ep.size() : null,
            ep.onTp(),
            Given.given(spec, "--weights-dtype") ? weightsDtype.weightsDtype : null,
            Given.given(spec, "--kv-dtype") ? kvDtype.kvDtype : null,
            mla.parse(),
            execution.parse()),
        profiles.catalog(),
        pricePerGpuHour,
        slo.objective(),
        settings,
        w,
        maxGpus,
        split.disaggregated);
  }

  private void minGpus(ModelSpec m, ServingPlan.Settings settings, Workload w) {
    ServeSearch s = search(m, settings, w);
    List<CapacitySearch.Layout> layouts = s.layouts();
    CapacitySearch.MinGpus r;
    if (!"local".equals(engine)) {
      // Each layout's search is a task; the recipe is this command line.
      List<String> args =
          new ArrayList<>(spec.root().commandLine().getParseResult().originalArgs());
      Path dir = profiles.resolvedDir();
      if (profiles.dir == null && dir != null) {
        args.addAll(List.of("--profiles", dir.toAbsolutePath().toString()));
      }
      try (SweepExecutor ex =
          SweepExecutor.open(engine, new SweepExecutor.Settings(master, null))) {
        r =
            CapacitySearch.combine(
                ex.execute(
                    new ServeSearchTasks(args, layouts.size()), SweepExecutor.Progress.NONE));
      }
    } else {
      boolean shown = !json.enabled() && Terminal.interactive();
      // a null resource is skipped by try-with-resources: no bar when piped or printing JSON
      try (ProgressBar bar =
          shown ? Terminal.progressBar("find-min-gpus", layouts.size(), true) : null) {
        r =
            CapacitySearch.findMinGpus(
                layouts,
                settings,
                w,
                s.objective(),
                maxGpus,
                s.disaggregated(),
                LocalSweepExecutor.parallel(),
                (d, n) -> {
                  if (bar != null) {
                    bar.stepTo(d);
                  }
                });
      }
    }
    CapacitySearch.MinGpus found = r;
    answer(
        () -> ServeView.minGpusJson(m, s, found), out -> ServeView.printMinGpus(out, m, s, found));
  }
}
