package dev.hwplan.cli;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.serving.CapacitySearch;
import dev.hwplan.serving.LengthDistribution;
import dev.hwplan.serving.Policy;
import dev.hwplan.serving.Preemption;
import dev.hwplan.serving.Routing;
import dev.hwplan.serving.ServingPlan;
import dev.hwplan.serving.ServingResult;
import dev.hwplan.serving.Speculation;
import dev.hwplan.serving.Workload;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepTimeTable;
import dev.hwplan.sweep.SweepExecutor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
final class ServeCommand implements Runnable {
  @Option(names = "--model", required = true, description = "Bundled id or path to a config.json.")
  String model;

  @Option(
      names = "--gpu",
      split = ",",
      description =
          "GPU profile id (--find-min-gpus: a comma-separated list; default: h100-sxm,h200-sxm,"
              + "b200,a100-sxm-80gb).")
  List<String> gpus;

  @Option(
      names = "--tp",
      description = "Tensor parallel size (default 1; --find-min-gpus: 1,2,4,8).")
  Integer tp;

  @Option(names = "--pp", defaultValue = "1", description = "Pipeline stages per replica.")
  int pp;

  @Option(names = "--ep", defaultValue = "1", description = "Expert parallel size (only 1 yet).")
  int ep;

  @Option(names = "--replicas", defaultValue = "1", description = "Copies of the model.")
  int replicas;

  @Option(names = "--qps", description = "Open loop: mean arrival rate in requests/s.")
  Double qps;

  @Option(
      names = "--burstiness",
      defaultValue = "1",
      description = "Gamma shape of the gaps: 1 is Poisson, below 1 burstier (default 1).")
  double burstiness;

  @Option(
      names = "--concurrency",
      description = "Closed loop: users, each sending its next request when the last completes.")
  Integer concurrency;

  @Option(
      names = "--trace",
      paramLabel = "FILE",
      description = "Arrivals and lengths from a CSV or JSON Lines trace.")
  Path trace;

  @Option(
      names = "--prompt-tokens",
      paramLabel = "DIST",
      description = "N, uniform:A:B, normal:MEAN:SD, lognormal:MEAN:SD or file:PATH.")
  String promptTokens;

  @Option(names = "--output-tokens", paramLabel = "DIST", description = "As --prompt-tokens.")
  String outputTokens;

  @Option(
      names = "--weights-dtype",
      description =
          "bf16, fp16, fp8, int8, int4, mxfp4 (routed experts only; default bf16;"
              + " --find-min-gpus: bf16 and fp8).")
  String weightsDtype;

  @Option(
      names = "--kv-dtype",
      description = "bf16, fp16, fp8, ... (default bf16; --find-min-gpus: bf16 and fp8).")
  String kvDtype;

  @Option(names = "--mla", defaultValue = "latent", description = "MLA decode: latent or expanded.")
  String mla;

  @Option(
      names = "--execution",
      defaultValue = "fused",
      description = "fused (serving engine) or eager.")
  String execution;

  @Option(
      names = "--policy",
      defaultValue = "vllm",
      description = "vllm, sarathi, prefill-first, decode-first (default vllm).")
  String policy;

  @Option(
      names = "--max-num-batched-tokens",
      description =
          "Token budget per iteration (default: the policy's, e.g. vLLM's 8192 on H100-class GPUs).")
  Integer maxNumBatchedTokens;

  @Option(
      names = "--max-num-seqs",
      description =
          "Running requests at most (default: the policy's, e.g. vLLM's 1024 on H100-class GPUs).")
  Integer maxNumSeqs;

  @Option(
      names = "--block-size",
      defaultValue = "16",
      description = "Tokens per KV block (default 16).")
  int blockSize;

  @Option(
      names = "--gpu-mem-util",
      defaultValue = "0.9",
      description = "Fraction of GPU memory to use (default 0.9).")
  double gpuMemUtil;

  @Option(
      names = "--preemption",
      defaultValue = "recompute",
      description = "recompute or swap (default recompute).")
  String preemption;

  @Option(
      names = "--engine-overhead-ms",
      defaultValue = "2",
      description = "CPU time per iteration the GPU waits for (default 2 ms, an assumption).")
  double engineOverheadMs;

  @Option(
      names = "--routing",
      defaultValue = "least-outstanding",
      description = "round-robin, least-outstanding (default) or prefix-affinity.")
  String routing;

  @Option(
      names = "--prefix-caching",
      negatable = true,
      description =
          "Automatic prefix caching, LRU eviction of free blocks (default: on for vllm, as vLLM V1;"
              + " off for the V0-style policies).")
  Boolean prefixCaching;

  @Option(
      names = "--shared-prefix-tokens",
      defaultValue = "0",
      paramLabel = "N",
      description = "A system prompt of N tokens in front of the prompts that carry one.")
  int sharedPrefixTokens;

  @Option(
      names = "--shared-prefix-fraction",
      defaultValue = "1",
      paramLabel = "F",
      description = "Fraction of requests that carry a shared prefix (default 1).")
  double sharedPrefixFraction;

  @Option(
      names = "--shared-prefixes",
      defaultValue = "1",
      paramLabel = "K",
      description = "Distinct shared prefixes, one picked uniformly per request (default 1).")
  int sharedPrefixes;

  @Option(
      names = "--turns",
      paramLabel = "DIST",
      description = "Turns per conversation (as --prompt-tokens); each turn re-sends the history.")
  String turns;

  @Option(
      names = "--speculative-method",
      paramLabel = "M",
      description =
          "Speculative decoding: ngram, eagle, mtp (one layer of the target) or draft"
              + " (--speculative-model).")
  String speculativeMethod;

  @Option(
      names = "--num-speculative-tokens",
      paramLabel = "K",
      description = "Tokens proposed per sequence and step (default 3).")
  Integer numSpeculativeTokens;

  @Option(
      names = "--acceptance-rate",
      paramLabel = "A",
      description = "Probability that each proposed token is accepted (required with speculation).")
  Double acceptanceRate;

  @Option(
      names = "--speculative-model",
      paramLabel = "M",
      description = "The draft model (bundled id or config.json) for --speculative-method draft.")
  String speculativeModel;

  @Option(
      names = "--prefill-replicas",
      paramLabel = "P",
      description =
          "Prefill/decode disaggregation: P prefill replicas (with --decode-replicas; not with"
              + " --replicas).")
  Integer prefillReplicas;

  @Option(
      names = "--decode-replicas",
      paramLabel = "D",
      description = "Disaggregation: D decode replicas (on --gpu with --tp).")
  Integer decodeReplicas;

  @Option(
      names = "--prefill-gpu",
      paramLabel = "G",
      description = "Disaggregation: the prefill pool's GPU (default --gpu).")
  String prefillGpu;

  @Option(
      names = "--prefill-tp",
      paramLabel = "N",
      description = "Disaggregation: the prefill pool's TP (default --tp).")
  Integer prefillTp;

  @Option(
      names = "--kv-link",
      paramLabel = "L",
      description =
          "Disaggregation: nvlink, nic (50 GB/s a GPU) or GB/s per GPU (default: nvlink within"
              + " 8 GPUs of one type, else nic).")
  String kvLink;

  @Option(
      names = "--disaggregated",
      description = "--find-min-gpus: search prefill/decode splits of each layout.")
  boolean disaggregated;

  @Option(
      names = "--think-time",
      defaultValue = "0",
      paramLabel = "S",
      description = "Mean seconds between a turn's end and the next (exponential; default 0).")
  double thinkTime;

  @Option(
      names = "--slo-ttft",
      paramLabel = "S",
      description = "TTFT objective in seconds (p99 for the searches).")
  Double sloTtft;

  @Option(
      names = "--slo-tpot",
      paramLabel = "S",
      description = "TPOT objective in seconds (p99 for the searches).")
  Double sloTpot;

  @Option(
      names = "--requests",
      defaultValue = "1000",
      description = "Requests to simulate (default 1000; a trace: all its lines unless given).")
  long requests;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of arrivals and lengths (default 0).")
  long seed;

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
      description = "Search the fewest GPUs (or lowest cost) meeting the SLO at --qps.")
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

  @Mixin ProfilesOption profiles;
  @Mixin JsonOutput json;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    ModelSpec m = ModelCatalog.resolve(model);
    if (ep != 1) {
      throw InvalidInputException.option(
          "--ep", "the step model has no expert-parallel form yet: experts split with TP");
    }
    positiveSlo(sloTtft, "--slo-ttft");
    positiveSlo(sloTpot, "--slo-tpot");
    if (findMaxQps && findMinGpus) {
      throw InvalidInputException.option(
          "--find-min-gpus", "cannot be combined with --find-max-qps");
    }
    if (!findMinGpus && (!"local".equals(engine) || master != null)) {
      throw InvalidInputException.option(
          !"local".equals(engine) ? "--engine" : "--master",
          "has no effect here: only --find-min-gpus runs on an engine");
    }
    ServingPlan.Settings settings = settings();
    Workload w = workload();
    PrintWriter out = spec.commandLine().getOut();
    if (disaggregated && !findMinGpus) {
      throw InvalidInputException.option(
          "--disaggregated",
          "searches splits with --find-min-gpus; one split: --prefill-replicas P --decode-replicas D");
    }
    if (findMinGpus) {
      if (prefillReplicas != null || decodeReplicas != null) {
        throw InvalidInputException.option(
            "--prefill-replicas", "--find-min-gpus --disaggregated searches the split itself");
      }
      minGpus(m, settings, w, out);
      return;
    }
    GpuProfile g = profiles.catalog().get(oneGpu());
    StepConfig c =
        new StepConfig(
            m,
            new Parallelism(tp == null ? 1 : tp, pp, 1, 1),
            WeightDtype.parse(weightsDtype == null ? "bf16" : weightsDtype, "--weights-dtype"),
            KvDtype.parse(kvDtype == null ? "bf16" : kvDtype, "--kv-dtype"),
            KvCommand.layout(mla),
            Execution.parse(execution, "--execution"));
    ServingPlan plan = ServingPlan.of(c, g, replicas, settings);
    plan.checkLengths(w);
    plan = disaggregate(m, c, plan, settings, w);
    StepTimeTable table = plan.stepModel().table();
    double t = sloTtft == null ? 0 : sloTtft;
    double p = sloTpot == null ? 0 : sloTpot;
    if (findMaxQps) {
      CapacitySearch.MaxQps r =
          CapacitySearch.findMaxQps(plan, table, w, new CapacitySearch.Objective(t, p), seeds);
      if (json.enabled()) {
        JsonOutput.print(out, ServeView.maxQpsJson(plan, w, t, p, r));
      } else {
        ServeView.printMaxQps(out, plan, w, t, p, r);
      }
      return;
    }
    ServingResult r = plan.simulate(table, w, t, p);
    if (json.enabled()) {
      JsonOutput.print(out, ServeView.resultJson(plan, w, t, p, r));
    } else {
      ServeView.printResult(out, plan, w, t, p, r);
    }
  }

  private ServingPlan.Settings settings() {
    ServingPlan.Settings settings =
        new ServingPlan.Settings(
            Policy.parse(policy, "--policy"),
            maxNumBatchedTokens,
            maxNumSeqs,
            blockSize,
            gpuMemUtil,
            Preemption.parse(preemption, "--preemption"),
            engineOverheadMs / 1e3,
            Routing.parse(routing, "--routing"),
            prefixCaching,
            speculative());
    if (!(engineOverheadMs >= 0)) {
      throw InvalidInputException.option(
          "--engine-overhead-ms", "must not be negative, got " + engineOverheadMs);
    }
    return settings;
  }

  private static void positiveSlo(Double v, String flag) {
    if (v != null && !(v > 0 && Double.isFinite(v))) {
      throw InvalidInputException.option(flag, "must be a positive time in seconds, got " + v);
    }
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
    int given = (qps != null ? 1 : 0) + (concurrency != null ? 1 : 0) + (trace != null ? 1 : 0);
    if (findMaxQps) {
      if (concurrency != null || trace != null) {
        throw InvalidInputException.option(
            "--find-max-qps", "searches an open-loop rate: leave out --concurrency and --trace");
      }
    } else if (given != 1) {
      throw InvalidInputException.option(
          "--qps", "give exactly one of --qps, --concurrency or --trace");
    }
    if (findMinGpus && qps == null) {
      throw InvalidInputException.option("--qps", "--find-min-gpus needs the rate to serve");
    }
    if (trace != null) {
      if (sharing().any()) {
        throw InvalidInputException.option(
            sharedPrefixTokens > 0 ? "--shared-prefix-tokens" : "--turns",
            "a trace names its own prefixes and sessions (prefix_id, prefix_tokens, session_id)");
      }
      return Workload.trace(
          trace,
          spec.commandLine().getParseResult().hasMatchedOption("--requests") ? requests : -1);
    }
    if (promptTokens == null) {
      throw InvalidInputException.option("--prompt-tokens", "is required (N, uniform:A:B, ...)");
    }
    if (outputTokens == null) {
      throw InvalidInputException.option("--output-tokens", "is required (N, uniform:A:B, ...)");
    }
    LengthDistribution pt = LengthDistribution.parse(promptTokens, "--prompt-tokens");
    LengthDistribution ot = LengthDistribution.parse(outputTokens, "--output-tokens");
    Workload.Sharing sh = sharing();
    if (concurrency != null) {
      return Workload.closed(concurrency, pt, ot, requests, seed).withSharing(sh);
    }
    return Workload.open(qps == null ? 1 : qps, burstiness, pt, ot, requests, seed).withSharing(sh);
  }

  /** The plan with its prefill pool, when --prefill-replicas and --decode-replicas are given. */
  private ServingPlan disaggregate(
      ModelSpec m, StepConfig c, ServingPlan plan, ServingPlan.Settings settings, Workload w) {
    boolean split = prefillReplicas != null || decodeReplicas != null;
    if (!split) {
      for (Object[] o :
          new Object[][] {
            {"--prefill-gpu", prefillGpu}, {"--prefill-tp", prefillTp}, {"--kv-link", kvLink}
          }) {
        if (o[1] != null) {
          throw InvalidInputException.option(
              (String) o[0], "only with --prefill-replicas and --decode-replicas");
        }
      }
      return plan;
    }
    if (prefillReplicas == null || decodeReplicas == null) {
      throw InvalidInputException.option(
          prefillReplicas == null ? "--prefill-replicas" : "--decode-replicas",
          "disaggregation needs both --prefill-replicas and --decode-replicas");
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--replicas")) {
      throw InvalidInputException.option(
          "--replicas", "with disaggregation give --prefill-replicas and --decode-replicas");
    }
    if (prefillReplicas <= 0) {
      throw InvalidInputException.option(
          "--prefill-replicas", "must be positive, got " + prefillReplicas);
    }
    GpuProfile pg = prefillGpu == null ? plan.gpu() : profiles.catalog().get(prefillGpu.trim());
    StepConfig pc =
        prefillTp == null
            ? c
            : new StepConfig(
                m,
                new Parallelism(prefillTp, pp, 1, 1),
                c.weights(),
                c.kv(),
                c.mlaLayout(),
                c.execution());
    ServingPlan prefill = ServingPlan.of(pc, pg, prefillReplicas, settings.withSpeculative(null));
    prefill.checkLengths(w);
    return plan.disaggregated(decodeReplicas, prefill, kvLink);
  }

  private ServingPlan.Speculative speculative() {
    if (speculativeMethod == null) {
      for (Object[] o :
          new Object[][] {
            {"--num-speculative-tokens", numSpeculativeTokens},
            {"--acceptance-rate", acceptanceRate},
            {"--speculative-model", speculativeModel}
          }) {
        if (o[1] != null) {
          throw InvalidInputException.option(
              (String) o[0], "only with --speculative-method (ngram, eagle, mtp, draft)");
        }
      }
      return null;
    }
    Speculation.Method m = Speculation.Method.parse(speculativeMethod, "--speculative-method");
    if (acceptanceRate == null) {
      throw InvalidInputException.option(
          "--acceptance-rate",
          "is required with --speculative-method: the probability that a proposed token is"
              + " accepted (it depends on the drafter and the traffic)");
    }
    return new ServingPlan.Speculative(
        m,
        numSpeculativeTokens == null ? 3 : numSpeculativeTokens,
        acceptanceRate,
        speculativeModel == null ? null : ModelCatalog.resolve(speculativeModel));
  }

  private Workload.Sharing sharing() {
    LengthDistribution t = turns == null ? null : LengthDistribution.parse(turns, "--turns");
    return new Workload.Sharing(
        sharedPrefixTokens, sharedPrefixFraction, sharedPrefixes, t, thinkTime);
  }

  /**
   * What {@code --find-min-gpus} searches: the layouts (GPU x TP x dtypes), those skipped, the
   * prices, the objective, the engine settings and the workload.
   */
  record Search(
      List<CapacitySearch.Layout> layouts,
      List<String> skipped,
      Prices prices,
      CapacitySearch.Objective objective,
      ServingPlan.Settings settings,
      Workload workload,
      int maxGpus,
      boolean disaggregated) {}

  /** The search these options describe, rebuilt from the command line alone (another JVM). */
  Search search() {
    return search(ModelCatalog.resolve(model), settings(), workload());
  }

  private Search search(ModelSpec m, ServingPlan.Settings settings, Workload w) {
    double t = sloTtft == null ? 0 : sloTtft;
    double p = sloTpot == null ? 0 : sloTpot;
    CapacitySearch.Objective o = new CapacitySearch.Objective(t, p);
    if (maxGpus <= 0) {
      throw InvalidInputException.option("--max-gpus", "must be positive, got " + maxGpus);
    }
    List<String> ids =
        gpus == null || gpus.isEmpty()
            ? List.of("h100-sxm", "h200-sxm", "b200", "a100-sxm-80gb")
            : gpus;
    Prices prices = Prices.parse(pricePerGpuHour, ids);
    List<Integer> tps = tp != null ? List.of(tp) : List.of(1, 2, 4, 8);
    List<String> ws = weightsDtype != null ? List.of(weightsDtype) : List.of("bf16", "fp8");
    List<String> ks = kvDtype != null ? List.of(kvDtype) : List.of("bf16", "fp8");
    List<CapacitySearch.Layout> layouts = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (String id : ids) {
      GpuProfile g = profiles.catalog().get(id.trim());
      for (int t2 : tps) {
        for (String wd : ws) {
          for (String kd : ks) {
            Parallelism par = new Parallelism(t2, pp, 1, 1);
            StepConfig c;
            try {
              c =
                  new StepConfig(
                      m,
                      par,
                      WeightDtype.parse(wd, "--weights-dtype"),
                      KvDtype.parse(kd, "--kv-dtype"),
                      KvCommand.layout(mla),
                      Execution.parse(execution, "--execution"));
            } catch (InvalidInputException e) {
              if (tp != null) {
                throw e;
              }
              skipped.add("TP " + t2 + ": " + e.reason());
              continue;
            }
            layouts.add(new CapacitySearch.Layout(c, g, prices.of(g.id())));
          }
        }
      }
    }
    return new Search(layouts, skipped, prices, o, settings, w, maxGpus, disaggregated);
  }

  private void minGpus(ModelSpec m, ServingPlan.Settings settings, Workload w, PrintWriter out) {
    Search s = search(m, settings, w);
    double t = s.objective().ttftP99Seconds();
    double p = s.objective().tpotP99Seconds();
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
    } else if (!json.enabled() && Terminal.interactive()) {
      try (ProgressBar bar = Terminal.progressBar("find-min-gpus", layouts.size(), true)) {
        r =
            CapacitySearch.findMinGpus(
                layouts,
                settings,
                w,
                s.objective(),
                maxGpus,
                disaggregated,
                (d, n) -> bar.stepTo(d));
      }
    } else {
      r =
          CapacitySearch.findMinGpus(
              layouts, settings, w, s.objective(), maxGpus, disaggregated, (d, n) -> {});
    }
    if (json.enabled()) {
      JsonOutput.print(out, ServeView.minGpusJson(m, w, t, p, s.prices().given(), r, s.skipped()));
    } else {
      ServeView.printMinGpus(out, m, w, t, p, s.prices().given(), r, s.skipped());
    }
  }

  /** Prices per GPU-hour: one for all, or per GPU id. */
  record Prices(java.util.Map<String, Double> byGpu, boolean given) {
    Double of(String gpu) {
      return given ? byGpu.get(gpu) : null;
    }

    static Prices parse(String s, List<String> gpus) {
      java.util.Map<String, Double> m = new java.util.HashMap<>();
      if (s == null) {
        return new Prices(m, false);
      }
      if (!s.contains("=")) {
        double v = price(s);
        for (String g : gpus) {
          m.put(g.trim(), v);
        }
        return new Prices(m, true);
      }
      for (String pair : s.split(",")) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2) {
          throw InvalidInputException.option(
              "--price-per-gpu-hour", "'" + pair + "' is not gpu=price");
        }
        m.put(kv[0].trim(), price(kv[1]));
      }
      for (String g : gpus) {
        if (!m.containsKey(g.trim())) {
          throw InvalidInputException.option(
              "--price-per-gpu-hour", "no price for " + g.trim() + " (give one for every --gpu)");
        }
      }
      return new Prices(m, true);
    }

    private static double price(String v) {
      double d;
      try {
        d = Double.parseDouble(v.trim());
      } catch (NumberFormatException e) {
        throw InvalidInputException.option(
            "--price-per-gpu-hour", "'" + v + "' is not a price in $ per GPU-hour");
      }
      if (!(d > 0) || !Double.isFinite(d)) {
        throw InvalidInputException.option(
            "--price-per-gpu-hour", "must be a positive price, got " + v);
      }
      return d;
    }
  }
}
