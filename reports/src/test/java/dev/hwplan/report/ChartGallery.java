package dev.hwplan.report;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.inference.InferenceEstimate;
import dev.hwplan.inference.InferenceEstimator;
import dev.hwplan.inference.InferenceRequest;
import dev.hwplan.memory.InferenceMemory;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.KvComparison;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.report.charts.KvCharts;
import dev.hwplan.report.charts.MemoryCharts;
import dev.hwplan.report.charts.ScalingCharts;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.NamedFit;
import dev.hwplan.scaling.fit.Bootstrap;
import dev.hwplan.scaling.fit.ChinchillaFitter;
import dev.hwplan.scaling.fit.PointFit;
import dev.hwplan.scaling.fit.ScalingRun;
import dev.hwplan.step.StepConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A report with every chart kind the module builds, from the bundled models and profiles. The fit
 * chart's law and band come from a real {@link ChinchillaFitter} run on seeded synthetic runs; its
 * vector kernel sums lanes with {@code reduceLanes(ADD)}, whose order the Vector API leaves open,
 * so two builds in one JVM are not promised to agree in the last bit.
 */
final class ChartGallery {
  private ChartGallery() {}

  private static Report cached;

  /** The gallery, built once per JVM (the fit takes a few seconds on two cores). */
  static synchronized Report report() {
    if (cached == null) {
      cached = build();
    }
    return cached;
  }

  private static Report build() {
    ModelSpec llama = ModelCatalog.resolve("llama-3.1-70b");
    ModelSpec v3 = ModelCatalog.resolve("deepseek-v3");
    GpuProfile h100 = ProfileCatalog.bundled().get("h100-sxm");
    GpuProfile h200 = ProfileCatalog.bundled().get("h200-sxm");
    ChinchillaLaw law = NamedFit.HOFFMANN2022.law();
    List<ScalingRun> runs = syntheticRuns(law);
    ChinchillaFitter fitter =
        new ChinchillaFitter(
            1e-3,
            List.of(
                new double[] {5, 5, 0.5, 0.3, 0.3},
                new double[] {6, 6, 0.5, 0.4, 0.3},
                new double[] {4, 7, 0, 0.3, 0.4}));
    PointFit fit = fitter.fit(runs);
    Bootstrap boot = fitter.bootstrap(runs, fit.law(), 40, 42, () -> {});
    List<Double> budgets = List.of(1e20, 1e21, 1e22, 1e23, 1e24);
    return SampleReports.dated(
            "hwplan chart gallery",
            "Every chart kind of the reports module, from the bundled catalog",
            "test")
        .section(
            Section.builder("kv", "KV cache by attention design")
                .text(
                    "Llama-3.1-70B caches **327,680 bytes** a token in bf16 (`GQA(8)`): 40 GiB"
                        + " at 128k tokens.\n\n- MHA would cache 8x that\n- MLA about a quarter")
                .table(
                    "kv-designs",
                    "Llama-3.1-70B as MHA, GQA, MQA and MLA at 131,072 tokens",
                    kvTable(llama))
                .chart(
                    ReportChart.of(
                        "kv-llama70b-h100",
                        "Llama-3.1-70B KV cache vs context",
                        KvCharts.kvVsContext(llama, h100)))
                .chart(
                    ReportChart.of(
                        "kv-deepseek-v3-h200",
                        "DeepSeek-V3 KV cache vs context",
                        KvCharts.kvVsContext(v3, h200, KvCharts.DEFAULT_CONTEXTS, 1, KvDtype.BF16)))
                .build())
        .section(
            Section.builder("memory", "Weights and KV per GPU")
                .chart(
                    ReportChart.of(
                        "memory-llama70b-fp8",
                        "Llama-3.1-70B FP8 on H100, 32k tokens",
                        MemoryCharts.memoryVsSequences(
                            llama, h100, List.of(1, 2, 4, 8), WeightDtype.FP8, 32_768)))
                .table(
                    "memory-llama70b",
                    "Memory per GPU and the sequences that fit",
                    memoryTable(llama, List.of(h100, h200)))
                .table(
                    "infer-llama70b",
                    "TTFT, TPOT and throughput (sol mode)",
                    inferTable(llama, h100))
                .build())
        .section(
            Section.builder("scaling", "Scaling laws")
                .chart(
                    ReportChart.of(
                        "loss-contours",
                        "Iso-loss contours",
                        ScalingCharts.lossContours(
                            law, ScalingCharts.frontierLevels(law, budgets), 1e8, 1e13)))
                .chart(
                    ReportChart.of(
                        "isoflop", "IsoFLOP profiles", ScalingCharts.isoFlop(law, budgets)))
                .chart(
                    ReportChart.of(
                        "frontier",
                        "Compute-optimal frontier",
                        ScalingCharts.frontier(fit.law(), boot, 0.95, 1e18, 1e26)))
                .chart(
                    ReportChart.of(
                        "fit",
                        "Fit with bootstrap band",
                        ScalingCharts.fit(runs, fit.law(), boot, 0.95)))
                .table("runs", "Runs fitted", runsTable(runs))
                .build())
        .build();
  }

  /** Runs on Hoffmann's law with 1% log-normal noise from a fixed seed. */
  static List<ScalingRun> syntheticRuns(ChinchillaLaw law) {
    Random random = new Random(42);
    List<ScalingRun> runs = new ArrayList<>();
    for (double n : new double[] {4e7, 1.6e8, 6.4e8, 2.56e9}) {
      for (double ratio : new double[] {5, 10, 20, 40, 80}) {
        double noise = Math.exp(0.01 * random.nextGaussian());
        runs.add(new ScalingRun(n, n * ratio, law.loss(n, n * ratio) * noise));
      }
    }
    return runs;
  }

  static Table kvTable(ModelSpec m) {
    List<KvComparison.Row> rows = KvComparison.compare(m, 131_072, 1, KvDtype.BF16, 0, 0);
    DoubleColumn gib =
        DoubleColumn.create(
            "GiB at 131,072 tokens",
            rows.stream().mapToDouble(r -> r.totalBytes() / (double) (1L << 30)).toArray());
    gib.setPrintFormatter(TableFormats.fixed(2));
    LongColumn perToken =
        LongColumn.create(
            "bytes/token", rows.stream().mapToLong(KvComparison.Row::bytesPerToken).toArray());
    perToken.setPrintFormatter(TableFormats.grouped());
    return Table.create(
        "kv",
        StringColumn.create("design", rows.stream().map(KvComparison.Row::variant).toList()),
        IntColumn.create("KV heads", rows.stream().mapToInt(KvComparison.Row::kvHeads).toArray()),
        perToken,
        gib);
  }

  /**
   * The widest table of the default report, column for column: the memory study's (twelve columns,
   * camelCase headers, the answer in the last two), from {@link InferenceMemoryCalculator}.
   */
  static Table memoryTable(ModelSpec m, List<GpuProfile> gpus) {
    Deployment deployment = new Deployment();
    StringColumn kv = StringColumn.create("kv");
    LongColumn context = LongColumn.create("context");
    DoubleColumn w = DoubleColumn.create("weightsGiBPerGpu");
    DoubleColumn budget = DoubleColumn.create("kvBudgetGiBPerGpu");
    DoubleColumn perSeq = DoubleColumn.create("kvGiBPerSequence");
    LongColumn max = LongColumn.create("maxSequences");
    StringColumn fits = StringColumn.create("fits");
    for (GpuProfile g : gpus) {
      for (WeightDtype dtype : List.of(WeightDtype.BF16, WeightDtype.FP8)) {
        for (int t : List.of(2, 4, 8)) {
          InferenceMemory r =
              InferenceMemoryCalculator.compute(
                  new InferenceMemoryCalculator.Request(
                      m,
                      g,
                      Parallelism.of(t, 1),
                      dtype,
                      KvCacheCalculator.Options.defaults(),
                      32_768,
                      0.9,
                      InferenceMemoryCalculator.DEFAULT_RESERVE_BYTES,
                      InferenceMemoryCalculator.DEFAULT_MAX_BATCHED_TOKENS));
          deployment.append(r.model(), r.gpu(), r.tp(), r.pp(), r.weightsDtype());
          kv.append(r.kvDtype());
          context.append(r.context());
          w.append(r.weightBytes() / (double) (1L << 30));
          budget.append(Math.max(0, r.kvBudgetBytes()) / (double) (1L << 30));
          perSeq.append(r.bytesPerSequence() / (double) (1L << 30));
          max.append(r.maxSequences());
          fits.append(r.fits() ? "yes" : "no");
        }
      }
    }
    for (LongColumn c : List.of(context, max)) {
      c.setPrintFormatter(TableFormats.grouped());
    }
    w.setPrintFormatter(TableFormats.fixed(3));
    budget.setPrintFormatter(TableFormats.fixed(1));
    perSeq.setPrintFormatter(TableFormats.fixed(3));
    return deployment.table("memory", kv, context, w, budget, perSeq, max, fits);
  }

  /** The default report's inference table, column for column (thirteen), in sol mode. */
  static Table inferTable(ModelSpec m, GpuProfile g) {
    Deployment deployment = new Deployment();
    LongColumn batch = LongColumn.create("batch");
    LongColumn prompt = LongColumn.create("prompt");
    LongColumn output = LongColumn.create("output");
    DoubleColumn ttft = DoubleColumn.create("ttftMs");
    DoubleColumn tpot = DoubleColumn.create("tpotMs");
    DoubleColumn rate = DoubleColumn.create("tokensPerSecond");
    DoubleColumn mem = DoubleColumn.create("memoryGiBPerGpu");
    StringColumn fits = StringColumn.create("fits");
    for (long b : List.of(1L, 16L, 64L)) {
      for (long p : List.of(1_024L, 16_384L)) {
        StepConfig c = StepConfig.of(m, Parallelism.of(4, 1), WeightDtype.FP8, MlaLayout.LATENT);
        InferenceEstimate e =
            InferenceEstimator.estimate(new InferenceRequest(c, g, b, p, 256, Mode.SOL));
        deployment.append(e.model(), e.gpu(), e.tp(), e.pp(), e.weightsDtype());
        batch.append(e.batch());
        prompt.append(e.prompt());
        output.append(e.output());
        ttft.append(1e3 * e.ttftSeconds());
        tpot.append(1e3 * e.tpotSeconds());
        rate.append(e.tokensPerSecond());
        mem.append(e.memoryBytesPerGpu() / (double) (1L << 30));
        fits.append(e.fits() ? "yes" : "no");
      }
    }
    for (LongColumn c : List.of(batch, prompt, output)) {
      c.setPrintFormatter(TableFormats.grouped());
    }
    ttft.setPrintFormatter(TableFormats.fixed(1));
    tpot.setPrintFormatter(TableFormats.fixed(3));
    rate.setPrintFormatter(TableFormats.fixed(1));
    mem.setPrintFormatter(TableFormats.fixed(3));
    return deployment.table("infer", batch, prompt, output, ttft, tpot, rate, mem, fits);
  }

  /**
   * The five columns a deployment table of the default report starts with (model, gpu, tp, pp,
   * weights; tp and pp printed grouped), as the studies' {@code Tables.deployment} declares them.
   */
  private record Deployment(
      StringColumn model, StringColumn gpu, LongColumn tp, LongColumn pp, StringColumn weights) {
    Deployment() {
      this(
          StringColumn.create("model"),
          StringColumn.create("gpu"),
          LongColumn.create("tp"),
          LongColumn.create("pp"),
          StringColumn.create("weights"));
    }

    /** Adds one row's deployment cells. */
    void append(String modelId, String gpuId, int tpSize, int ppSize, String weightsDtype) {
      model.append(modelId);
      gpu.append(gpuId);
      tp.append(tpSize);
      pp.append(ppSize);
      weights.append(weightsDtype);
    }

    /** Table {@code name}: these five columns, then {@code rest}. */
    Table table(String name, Column<?>... rest) {
      tp.setPrintFormatter(TableFormats.grouped());
      pp.setPrintFormatter(TableFormats.grouped());
      return Table.create(name, model, gpu, tp, pp, weights).addColumns(rest);
    }
  }

  static Table runsTable(List<ScalingRun> runs) {
    DoubleColumn n =
        DoubleColumn.create("params", runs.stream().mapToDouble(ScalingRun::params).toArray());
    DoubleColumn d =
        DoubleColumn.create("tokens", runs.stream().mapToDouble(ScalingRun::tokens).toArray());
    DoubleColumn l =
        DoubleColumn.create("loss", runs.stream().mapToDouble(ScalingRun::loss).toArray());
    n.setPrintFormatter(TableFormats.scientific());
    d.setPrintFormatter(TableFormats.scientific());
    l.setPrintFormatter(TableFormats.fixed(4));
    return Table.create("runs", n, d, l);
  }
}
