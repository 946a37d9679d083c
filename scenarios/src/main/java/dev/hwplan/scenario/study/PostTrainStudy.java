package dev.hwplan.scenario.study;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.posttrain.Engine;
import dev.hwplan.posttrain.Generation;
import dev.hwplan.posttrain.Lora;
import dev.hwplan.posttrain.Method;
import dev.hwplan.posttrain.Offload;
import dev.hwplan.posttrain.PostTrainJob;
import dev.hwplan.posttrain.PostTrainPlan;
import dev.hwplan.posttrain.PostTrainPlanner;
import dev.hwplan.posttrain.Role;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.ChartStyle;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The post-training planner ({@code hwplan posttrain}) over methods: for each, the copies it keeps,
 * the smallest colocated GPU count that fits, the memory per GPU by part and the time of a step. A
 * stacked bar chart shows what each GPU holds per method: the policy's weights, gradients and
 * optimizer state, the other copies (reference, reward model, critic), and on top the training
 * activations and the rollout engine (its bf16 weights and KV cache), two phases that take turns.
 * Fields: {@code model}, {@code method} (required), {@code gpu} (h100-sxm; its bundled cluster),
 * {@code promptTokens} and {@code responseTokens} (1,024 each), {@code batchPrompts} (512), {@code
 * groupSize} (GRPO: 8), {@code loraRank} (0: full fine-tuning), {@code qlora} (false: an NF4 base,
 * rank 64 unless {@code loraRank}), {@code loraTargets} (all-linear; attention, mlp, or a list of
 * q,k,v,o,gate,up,down), {@code rewardModel} (none: the policy's for PPO), {@code gpus} (0: the
 * minimum), and the rollout and sharding as {@code hwplan posttrain}'s flags: {@code engine} (vllm,
 * hf-zero3, ds-hybrid), {@code generationBatch}, {@code inferenceTp}, {@code gatherLayers}, {@code
 * policyZeroStage} (3; or 2) and {@code loraTrainRest} (false).
 */
public final class PostTrainStudy extends StudyBase<PostTrainStudy.Run> {
  /** The study, with the fields it reads and their defaults. */
  public PostTrainStudy() {
    super("posttrain", "model", "method");
    field("gpu", "h100-sxm");
    field("promptTokens", 1024);
    field("responseTokens", 1024);
    field("batchPrompts", 512);
    field("groupSize", 8);
    field("loraRank", 0);
    field("qlora", false);
    field("loraTargets", "all-linear");
    field("rewardModel", null);
    field("gpus", 0);
    field("engine", "vllm");
    field("generationBatch", 0);
    field("inferenceTp", 0);
    field("gatherLayers", 0);
    field("policyZeroStage", 3);
    field("loraTrainRest", false);
  }

  /** One point: the plan on its GPUs (null when none fits up to 1,024) and the minimum. */
  public record Run(String model, String gpu, Method method, int minGpus, PostTrainPlan plan) {}

  /** The largest pool searched for the minimum GPUs. */
  private static final int MAX_GPUS = 1024;

  @Override
  public Run evaluate(Point p, StudyContext ctx) {
    ModelSpec m = p.model("model");
    GpuProfile gpu = p.gpu("gpu", ctx.profiles());
    ClusterProfile c = TrainStudy.cluster(p, gpu);
    return p.restating(
        () -> {
          Method method = p.parsed("method", Method::parse);
          long prompt = p.whole("promptTokens", 1);
          long response = p.whole("responseTokens", 1);
          m.checkContext(prompt, "promptTokens");
          m.checkContext(prompt + response, "responseTokens");
          int rank = (int) p.whole("loraRank", 0);
          boolean qlora = p.flag("qlora", false);
          Lora lora = null;
          if (rank > 0 || qlora) {
            Set<Lora.Target> targets =
                p.parsed("loraTargets", t -> Lora.parseTargets(t, "loraTargets"));
            lora =
                Lora.of(m, rank > 0 ? rank : Lora.QLORA_DEFAULT_RANK, qlora, targets, "loraRank")
                    .trainingRest(p.flag("loraTrainRest", false));
          } else if (p.flag("loraTrainRest", false)) {
            throw p.error("loraTrainRest", "needs loraRank or qlora");
          }
          // a sweep over methods gives the reward model to those that score rollouts, as the group
          ModelSpec reward =
              method.rollout() && p.has("rewardModel") ? p.model("rewardModel") : null;
          int group = method.rollout() ? (int) p.whole("groupSize", 1) : 1;
          Generation generation =
              new Generation(
                  p.parsed("engine", Engine::parse),
                  (int) p.whole("generationBatch", 0),
                  0,
                  0,
                  (int) p.whole("inferenceTp", 0),
                  (int) p.whole("gatherLayers", 0));
          PostTrainJob job =
              new PostTrainJob(
                  m,
                  method,
                  lora,
                  reward,
                  group,
                  prompt,
                  response,
                  p.whole("batchPrompts", 1),
                  1,
                  false,
                  false,
                  Offload.NONE,
                  1,
                  0,
                  generation,
                  (int) p.whole("policyZeroStage", 2));
          PostTrainPlanner planner = new PostTrainPlanner(job, gpu, c);
          int min = planner.minGpusColocated(MAX_GPUS);
          int gpus = (int) p.whole("gpus", 0);
          int n = gpus > 0 ? gpus : min;
          return new Run(m.id(), gpu.id(), method, min, n > 0 ? planner.colocated(n) : null);
        });
  }

  private static final double GIB = 1L << 30;

  /** A part of one GPU's memory: its series in the chart and its column in the table. */
  private record Part(String label, String column) {}

  /** The parts of one GPU's memory, in the chart's stacking order. */
  private static final List<Part> PARTS =
      List.of(
          new Part("policy weights", "policyWeightsGiB"),
          new Part("policy gradients", "policyGradientsGiB"),
          new Part("policy optimizer", "policyOptimizerGiB"),
          new Part("reference, reward, critic", "otherCopiesGiB"),
          new Part("training activations", "activationsGiB"),
          new Part("rollout engine (weights + KV)", "rolloutGiB"));

  /** {@code plan}'s bytes per GPU by {@link #PARTS}. */
  private static double[] parts(PostTrainPlan plan) {
    double[] b = new double[PARTS.size()];
    for (PostTrainPlan.CopyMemory c : plan.copies()) {
      if (c.role() == Role.POLICY) {
        b[0] += c.weightBytes();
        b[1] += c.gradientBytes();
        b[2] += c.optimizerBytes();
      } else {
        b[3] += c.stateBytes();
      }
      b[4] = Math.max(b[4], c.activationBytes());
    }
    if (plan.rollout() != null) {
      b[5] = plan.rollout().engineWeightBytesPerGpu() + plan.rollout().kvBytesPerGpu();
    }
    return b;
  }

  /** A table of one run a row: the model, the GPU and the method, then the caller's columns. */
  private static Tables runTable(String id) {
    return new Tables(id).text("model").text("gpu").text("method");
  }

  @Override
  public StudyResult finish(StudySpec spec, List<Point> points, List<Run> runs, StudyContext ctx) {
    Tables plans =
        runTable(spec.id())
            .text("copies")
            .whole("minGpus")
            .whole("gpus")
            .real("peakGiB")
            .real("generationS")
            .real("weightSyncS")
            .real("forwardS")
            .real("trainS")
            .real("stepS")
            .real("hoursPer1000Prompts");
    Tables mem = runTable(spec.id() + "-memory").whole("gpus");
    for (Part part : PARTS) {
      mem.real(part.column());
    }
    Findings f = new Findings(spec);
    Map<String, double[]> bars = new LinkedHashMap<>();
    for (Run r : runs) {
      PostTrainPlan plan = r.plan();
      if (plan == null) {
        plans.partialRow(r.model(), r.gpu(), r.method().key(), "-", 0L, 0L);
        f.summary(r.method().key() + " on " + r.model() + ": no GPU count up to 1,024 fits.");
        continue;
      }
      List<String> roles = new ArrayList<>();
      for (PostTrainPlan.CopyMemory c : plan.copies()) {
        roles.add(c.role().key());
      }
      PostTrainPlan.Time t = plan.time();
      double nan = Double.NaN;
      plans.row(
          r.model(),
          r.gpu(),
          r.method().key(),
          String.join("+", roles),
          (long) r.minGpus(),
          (long) plan.gpus(),
          plan.peakBytesPerGpu() / GIB,
          t == null ? nan : t.generationSeconds(),
          t == null ? nan : t.weightSyncSeconds(),
          t == null ? nan : t.forwardSeconds(),
          t == null ? nan : t.trainSeconds(),
          t == null ? nan : t.stepSeconds(),
          t == null ? nan : t.secondsPer1000Prompts() / 3600);
      double[] b = parts(plan);
      List<Object> memRow =
          new ArrayList<>(List.of(r.model(), r.gpu(), r.method().key(), (long) plan.gpus()));
      for (double bytes : b) {
        memRow.add(bytes / GIB);
      }
      mem.row(memRow.toArray());
      String label = r.method().key() + " (" + plan.gpus() + " GPUs)";
      bars.put(runs.size() > 4 ? label + " " + r.gpu() : label, b);
      f.summary(
          String.format(
              Locale.ROOT,
              "%s %s on %s: %s; at least %d GPUs colocated, peak %.1f GiB per GPU%s.",
              r.method().key().toUpperCase(Locale.ROOT),
              r.model(),
              r.gpu(),
              String.join(", ", roles),
              r.minGpus(),
              plan.peakBytesPerGpu() / GIB,
              t == null
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      ", a step of %.0f s, %.2f h per 1,000 prompts",
                      t.stepSeconds(),
                      t.secondsPer1000Prompts() / 3600)));
      f.restsOn(plan.notes());
      f.number(r.method().key() + " " + r.gpu() + " minGpus", r.minGpus());
      f.number(r.method().key() + " " + r.gpu() + " peakBytesPerGpu", plan.peakBytesPerGpu());
    }
    f.summaryAsText();
    f.chart(
        ReportChart.of(
            spec.id() + "-memory",
            "Memory per GPU by part and method, at each method's minimum GPUs",
            chart(bars)));
    f.table(spec.id(), "Copies, minimum GPUs and the time of a step", plans.build());
    f.table(spec.id() + "-memory", "Memory per GPU by part (GiB)", mem.build());
    return f.result();
  }

  private static CategoryChart chart(Map<String, double[]> bars) {
    CategoryChart c =
        new CategoryChartBuilder()
            .width(ChartStyle.WIDTH)
            .height(ChartStyle.HEIGHT)
            .title("Memory per GPU by part (activations and rollout take turns)")
            .xAxisTitle("method")
            .yAxisTitle("GiB per GPU")
            .build();
    c.getStyler().setStacked(true);
    c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    List<String> xs = new ArrayList<>(bars.keySet());
    if (xs.isEmpty()) {
      xs.add("none fits");
    }
    for (int i = 0; i < PARTS.size(); i++) {
      List<Double> ys = new ArrayList<>();
      for (String x : xs) {
        double[] b = bars.get(x);
        ys.add(b == null ? 0 : b[i] / GIB);
      }
      c.addSeries(PARTS.get(i).label(), xs, ys)
          .setFillColor(ChartStyle.COLORS[i % ChartStyle.COLORS.length]);
    }
    return c;
  }
}
