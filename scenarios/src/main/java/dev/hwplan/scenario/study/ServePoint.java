package dev.hwplan.scenario.study;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.serving.LengthDistribution;
import dev.hwplan.serving.Policy;
import dev.hwplan.serving.Preemption;
import dev.hwplan.serving.Routing;
import dev.hwplan.serving.ServingPlan;
import dev.hwplan.serving.Speculation;
import dev.hwplan.serving.Workload;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import java.util.List;
import java.util.Locale;

/**
 * A point of a {@link ServeStudy} read and checked: the deployment, the workload, the objectives
 * and the price, everything but the simulation.
 *
 * @param key the deployment's step-time table (points that share it share the table)
 * @param options the point's newer serving options, as a label
 */
record ServePoint(
    ServingPlan plan,
    Workload workload,
    double qps,
    double ttft,
    double tpot,
    Double price,
    String key,
    String options) {
  /** Reads and checks point {@code p}: everything but the simulation. */
  static ServePoint of(Point p, StudyContext ctx) {
    ModelSpec m = p.model("model");
    GpuProfile gpu = p.gpu("gpu", ctx.profiles());
    try {
      StepConfig c =
          new StepConfig(
              m,
              new Parallelism(
                  (int) p.whole("tp", 1),
                  (int) p.whole("pp", 1),
                  1,
                  (int) p.whole("ep", 1, 1),
                  p.flag("enableExpertParallel", false)),
              p.parsed("weightsDtype", s -> WeightDtype.parse(s, "weightsDtype")),
              p.parsed("kvDtype", s -> KvDtype.parse(s, "kvDtype")),
              MlaLayout.LATENT,
              Execution.FUSED);
      Policy policy = p.parsed("policy", s -> Policy.parse(s, "policy"));
      StringBuilder options = new StringBuilder();
      ServingPlan.Settings settings = settings(p, policy, options);
      boolean split = p.has("prefillReplicas") || p.has("decodeReplicas");
      ServingPlan plan =
          ServingPlan.of(c, gpu, split ? 1 : (int) p.whole("replicas", 1, 1), settings);
      LengthDistribution prompt =
          p.parsed("promptTokens", s -> LengthDistribution.parse(s, "promptTokens"));
      LengthDistribution output =
          p.parsed("outputTokens", s -> LengthDistribution.parse(s, "outputTokens"));
      double qps = p.positive("qps");
      Workload w =
          Workload.open(
                  qps,
                  p.positive("burstiness"),
                  prompt,
                  output,
                  p.whole("requests", 1),
                  p.whole("seed", 0, 0))
              .withSharing(sharing(p, options));
      plan.checkLengths(w);
      plan = disaggregate(p, ctx, c, plan, settings, w, options);
      double ttft = p.has("sloTtft") ? p.positive("sloTtft") : 0;
      double tpot = p.has("sloTpot") ? p.positive("sloTpot") : 0;
      Double price = p.has("pricePerGpuHour") ? p.positive("pricePerGpuHour") : null;
      String key =
          String.join(
              "|",
              m.id(),
              c.parallelism().toString(),
              c.weights().key(),
              c.kv().key(),
              gpu.id(),
              policy.key(),
              Integer.toString(plan.engine().maxNumBatchedTokens()));
      return new ServePoint(plan, w, qps, ttft, tpot, price, key, options.toString());
    } catch (InvalidInputException e) {
      throw restate(p, e);
    }
  }

  /** A calculator's complaint about a flag, restated about the field; the study's own as it is. */
  static InvalidInputException restate(Point p, InvalidInputException e) {
    return e.field().startsWith("--") ? p.restate(e) : e;
  }

  /** The engine knobs: routing, prefix caching and speculative decoding as the point gives them. */
  private static ServingPlan.Settings settings(Point p, Policy policy, StringBuilder options) {
    ServingPlan.Settings d = ServingPlan.Settings.defaults(policy);
    Routing routing = d.routing();
    if (p.has("routing")) {
      routing = p.parsed("routing", s -> Routing.parse(s, "routing"));
      options.append(" routing=").append(p.text("routing"));
    }
    Boolean caching = null;
    if (p.has("prefixCaching")) {
      caching = p.flag("prefixCaching", false);
      options.append(caching ? " prefix-caching" : " no-prefix-caching");
    }
    ServingPlan.Speculative spec = null;
    if (p.has("speculativeMethod")) {
      Speculation.Method m =
          p.parsed("speculativeMethod", s -> Speculation.Method.parse(s, "speculativeMethod"));
      if (!p.has("acceptanceRate")) {
        throw p.error(
            "acceptanceRate",
            "is required with speculativeMethod: the probability that a proposed token is"
                + " accepted (it depends on the drafter and the traffic)");
      }
      double a = p.number("acceptanceRate");
      int k = (int) p.whole("numSpeculativeTokens", 1, 3);
      ModelSpec draft = p.has("speculativeModel") ? p.model("speculativeModel") : null;
      spec = new ServingPlan.Speculative(m, k, a, draft);
      options.append(String.format(Locale.ROOT, " spec=%s k=%d a=%.2f", m.key(), k, a));
    } else {
      for (String f : List.of("numSpeculativeTokens", "acceptanceRate", "speculativeModel")) {
        if (p.has(f)) {
          throw p.error(f, "only with speculativeMethod (ngram, eagle, mtp, draft)");
        }
      }
    }
    return engine(p, policy, options, routing, caching, spec);
  }

  /**
   * The engine's knobs under the flags' names in camelCase ({@code maxNumBatchedTokens}, {@code
   * maxNumSeqs}, {@code blockSize}, {@code gpuMemUtil}, {@code preemption}, {@code
   * engineOverheadMs}), each the policy's default when absent.
   */
  private static ServingPlan.Settings engine(
      Point p,
      Policy policy,
      StringBuilder options,
      Routing routing,
      Boolean caching,
      ServingPlan.Speculative spec) {
    ServingPlan.Settings d = ServingPlan.Settings.defaults(policy);
    Integer budget = null;
    if (p.has("maxNumBatchedTokens")) {
      budget = (int) p.whole("maxNumBatchedTokens", 1);
      options.append(" budget=").append(budget);
    }
    Integer seqs = null;
    if (p.has("maxNumSeqs")) {
      seqs = (int) p.whole("maxNumSeqs", 1);
      options.append(" seqs=").append(seqs);
    }
    int block = (int) p.whole("blockSize", 1, d.blockSize());
    if (p.has("blockSize")) {
      options.append(" block=").append(block);
    }
    double util = d.gpuMemUtil();
    if (p.has("gpuMemUtil")) {
      util = p.positive("gpuMemUtil");
      options.append(" util=").append(p.text("gpuMemUtil"));
    }
    Preemption preemption = d.preemption();
    if (p.has("preemption")) {
      preemption = p.parsed("preemption", s -> Preemption.parse(s, "preemption"));
      options.append(" preemption=").append(p.text("preemption"));
    }
    double overhead = d.engineOverheadSeconds();
    if (p.has("engineOverheadMs")) {
      double ms = p.number("engineOverheadMs");
      if (!(ms >= 0)) {
        throw p.error("engineOverheadMs", "must not be negative, got " + ms);
      }
      overhead = ms / 1e3;
      options.append(" overhead=").append(p.text("engineOverheadMs")).append("ms");
    }
    return new ServingPlan.Settings(
        policy, budget, seqs, block, util, preemption, overhead, routing, caching, spec);
  }

  /** Shared prefixes and conversations of the workload, as the point gives them. */
  private static Workload.Sharing sharing(Point p, StringBuilder options) {
    int tokens = (int) p.whole("sharedPrefixTokens", 0, 0);
    double fraction = p.has("sharedPrefixFraction") ? p.number("sharedPrefixFraction") : 1;
    int prefixes = (int) p.whole("sharedPrefixes", 1, 1);
    LengthDistribution turns =
        p.has("turns") ? p.parsed("turns", s -> LengthDistribution.parse(s, "turns")) : null;
    double think = p.has("thinkTime") ? p.number("thinkTime") : 0;
    if (tokens > 0) {
      options.append(" shared=").append(tokens);
    }
    if (turns != null) {
      options.append(" turns=").append(p.text("turns"));
    }
    return new Workload.Sharing(tokens, fraction, prefixes, turns, think);
  }

  /** The plan with its prefill pool, when prefillReplicas and decodeReplicas are given. */
  private static ServingPlan disaggregate(
      Point p,
      StudyContext ctx,
      StepConfig c,
      ServingPlan plan,
      ServingPlan.Settings settings,
      Workload w,
      StringBuilder options) {
    if (!p.has("prefillReplicas") && !p.has("decodeReplicas")) {
      for (String f : List.of("prefillGpu", "prefillTp", "kvLink")) {
        if (p.has(f)) {
          throw p.error(f, "only with prefillReplicas and decodeReplicas");
        }
      }
      return plan;
    }
    if (!p.has("prefillReplicas") || !p.has("decodeReplicas")) {
      throw p.error(
          p.has("prefillReplicas") ? "decodeReplicas" : "prefillReplicas",
          "disaggregation needs both prefillReplicas and decodeReplicas");
    }
    if (p.has("replicas")) {
      throw p.error(
          "replicas", "with disaggregation give prefillReplicas and decodeReplicas instead");
    }
    int prefill = (int) p.whole("prefillReplicas", 1);
    int decode = (int) p.whole("decodeReplicas", 1);
    GpuProfile pg = p.has("prefillGpu") ? p.gpu("prefillGpu", ctx.profiles()) : plan.gpu();
    StepConfig pc =
        p.has("prefillTp")
            ? new StepConfig(
                c.model(),
                c.parallelism().withTp((int) p.whole("prefillTp", 1)),
                c.weights(),
                c.kv(),
                c.mlaLayout(),
                c.execution())
            : c;
    ServingPlan pool = ServingPlan.of(pc, pg, prefill, settings.withSpeculative(null));
    pool.checkLengths(w);
    ServingPlan out = plan.disaggregated(decode, pool, p.has("kvLink") ? p.text("kvLink") : null);
    options.append(
        String.format(
            Locale.ROOT,
            " P/D %dP(%s TP=%d)+%dD over %s",
            prefill,
            pg.id(),
            pc.parallelism().tp(),
            decode,
            out.prefill().link()));
    return out;
  }
}
