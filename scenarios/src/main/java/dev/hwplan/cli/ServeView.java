package dev.hwplan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.io.StrictMapper;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.serving.CapacitySearch;
import dev.hwplan.serving.EngineConfig;
import dev.hwplan.serving.ServingPlan;
import dev.hwplan.serving.ServingResult;
import dev.hwplan.serving.Workload;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code hwplan serve} prints: the JSON objects and the human tables. */
final class ServeView {
  private static final ObjectMapper M = StrictMapper.json();

  private ServeView() {}

  // ---- JSON ----

  static ObjectNode planJson(ServingPlan plan, Workload w, double slo1, double slo2) {
    ObjectNode j = M.createObjectNode();
    j.put("model", plan.step().model().id());
    j.put("gpu", plan.gpu().id());
    j.put("tp", plan.step().parallelism().tp());
    j.put("pp", plan.step().parallelism().pp());
    j.put("ep", plan.step().parallelism().ep());
    if (plan.step().parallelism().expertsOnTp()) {
      j.put("enableExpertParallel", true);
    }
    j.put("replicas", plan.replicas());
    j.put("gpus", plan.gpus());
    if (plan.prefill() != null) {
      ServingPlan p = plan.prefill().plan();
      ObjectNode d = j.putObject("disaggregated");
      d.put("prefillReplicas", p.replicas());
      d.put("prefillGpu", p.gpu().id());
      d.put("prefillTp", p.step().parallelism().tp());
      d.put("prefillKvBlocksPerReplica", p.engine().kvBlocks());
      d.put("decodeReplicas", plan.replicas());
      d.put("kvLink", plan.prefill().link());
      d.put("kvLinkBytesPerSecond", plan.prefill().linkBytesPerSecond());
    } else {
      j.putNull("disaggregated");
    }
    j.put("weightsDtype", plan.step().weights().key());
    j.put("kvDtype", plan.step().kv().key());
    j.put("policy", plan.engine().policy().key());
    j.put("workload", w.describe());
    if (w.prompt() != null) {
      j.put("promptTokens", w.prompt().toString());
      j.put("outputTokens", w.output().toString());
      j.put("seed", w.seed());
    }
    EngineConfig e = plan.engine();
    ObjectNode eng = j.putObject("engine");
    eng.put("maxNumBatchedTokens", e.maxNumBatchedTokens());
    eng.put("maxNumSeqs", e.maxNumSeqs());
    eng.put("blockSize", e.blockSize());
    eng.put("kvBlocksPerReplica", e.kvBlocks());
    eng.put("kvTokensPerReplica", e.kvBlocks() * e.blockSize());
    eng.put("kvBytesPerBlockPerGpu", plan.memory().kvBytesPerBlock());
    eng.put("preemption", e.preemption().key());
    eng.put("engineOverheadSeconds", e.engineOverheadSeconds());
    eng.put("routing", plan.routing().key());
    eng.put("prefixCaching", e.prefixCaching());
    if (e.speculation() != null) {
      ObjectNode sp = eng.putObject("speculation");
      sp.put("method", e.speculation().method().key());
      sp.put("drafter", e.speculation().drafter());
      sp.put("numSpeculativeTokens", e.speculation().tokens());
      sp.put("acceptanceRate", e.speculation().acceptance());
      sp.put("expectedTokensPerStep", e.speculation().expectedTokensPerStep());
    } else {
      eng.putNull("speculation");
    }
    putSlo(j, slo1, slo2);
    return j;
  }

  private static void putSlo(ObjectNode j, double ttft, double tpot) {
    if (ttft > 0) {
      j.put("sloTtftSeconds", ttft);
    } else {
      j.putNull("sloTtftSeconds");
    }
    if (tpot > 0) {
      j.put("sloTpotSeconds", tpot);
    } else {
      j.putNull("sloTpotSeconds");
    }
  }

  static ObjectNode resultJson(
      ServingPlan plan, Workload w, double ttft, double tpot, ServingResult r) {
    ObjectNode j = planJson(plan, w, ttft, tpot);
    j.setAll((ObjectNode) M.valueToTree(r));
    notes(j, plan.notes());
    return j;
  }

  static ObjectNode maxQpsJson(
      ServingPlan plan, Workload w, double ttft, double tpot, CapacitySearch.MaxQps r) {
    ObjectNode j = planJson(plan, w, ttft, tpot);
    j.remove("workload");
    j.put("maxQps", r.qps());
    j.put("maxQpsLow", r.low());
    j.put("maxQpsHigh", r.high());
    ArrayNode per = j.putArray("maxQpsPerSeed");
    r.perSeed().forEach(per::add);
    j.put("runs", r.runs());
    if (r.reason() != null) {
      j.put("reason", r.reason());
    }
    j.put("atMaxSeed", r.atMaxSeed());
    j.put("atMaxQps", r.atMaxQps());
    j.set("atMaxQpsRun", r.atMax() == null ? null : M.valueToTree(r.atMax()));
    notes(j, CapacitySearch.withShortRunNote(plan.notes(), r.atMax(), r.atMaxQps()));
    return j;
  }

  static ObjectNode minGpusJson(ModelSpec m, ServeSearch s, CapacitySearch.MinGpus r) {
    Workload w = s.workload();
    double ttft = s.objective().ttftP99Seconds();
    double tpot = s.objective().tpotP99Seconds();
    boolean priced = s.prices().given();
    List<String> skipped = s.skipped();
    ObjectNode j = M.createObjectNode();
    j.put("model", m.id());
    j.put("qps", w.qps());
    j.put("promptTokens", w.prompt().toString());
    j.put("outputTokens", w.output().toString());
    j.put("requests", w.requests());
    j.put("seed", w.seed());
    putSlo(j, ttft, tpot);
    j.put("objective", priced ? "lowest $ per hour" : "fewest GPUs");
    j.set("best", r.best() == null ? null : M.valueToTree(r.best()));
    j.set("candidates", M.valueToTree(r.searched()));
    j.put("runs", r.runs());
    ArrayNode a = j.putArray("skippedLayouts");
    skipped.forEach(a::add);
    notes(j, r.best() == null ? List.of() : r.best().notes());
    return j;
  }

  private static void notes(ObjectNode j, List<String> notes) {
    ArrayNode a = j.putArray("notes");
    notes.forEach(a::add);
  }

  // ---- human ----

  /** The header's expert parallelism: EP ranks of their own, or the experts on the TP ranks. */
  static String expertText(Parallelism p) {
    if (p.ep() > 1) {
      return ", EP " + p.ep();
    }
    return p.expertsOnTp() && p.tp() > 1 ? ", experts over the TP ranks" : "";
  }

  static void header(PrintWriter out, ServingPlan plan) {
    out.printf(
        Locale.ROOT,
        "%s on %d x %s (TP %d, PP %d%s) = %d GPU%s, weights %s, KV %s, policy %s%n",
        plan.step().model().id(),
        plan.replicas(),
        plan.gpu().id(),
        plan.step().parallelism().tp(),
        plan.step().parallelism().pp(),
        expertText(plan.step().parallelism()),
        plan.gpus(),
        plan.gpus() == 1 ? "" : "s",
        plan.step().weights().key(),
        plan.step().kv().key(),
        plan.engine().policy().key());
    if (plan.prefill() != null) {
      ServingPlan p = plan.prefill().plan();
      out.printf(
          Locale.ROOT,
          "  split     %d prefill replicas on %s (TP %d) -> %d decode replicas above; KV over %s"
              + " (%.0f GB/s a GPU)%n",
          p.replicas(),
          p.gpu().id(),
          p.step().parallelism().tp(),
          plan.replicas(),
          plan.prefill().link(),
          plan.prefill().linkBytesPerSecond() / 1e9);
    }
    EngineConfig e = plan.engine();
    out.printf(
        Locale.ROOT,
        "  engine    budget %,d tokens, %,d sequences, %,d KV blocks of %d tokens (%,d tokens)"
            + " per %s, overhead %s, %s%n",
        e.maxNumBatchedTokens(),
        e.maxNumSeqs(),
        e.kvBlocks(),
        e.blockSize(),
        e.kvBlocks() * e.blockSize(),
        e.ranks() > 1 ? "rank" : "replica",
        Units.seconds(e.engineOverheadSeconds()),
        e.preemption().key());
  }

  static void printResult(
      PrintWriter out, ServingPlan plan, Workload w, double ttft, double tpot, ServingResult r) {
    header(out, plan);
    out.printf(
        Locale.ROOT,
        "  workload  %s, %,d requests%s%n",
        w.describe(),
        r.requests(),
        w.prompt() == null
            ? ""
            : ", prompt " + w.prompt() + ", output " + w.output() + ", seed " + w.seed());
    out.printf(
        Locale.ROOT,
        "  served    %.2f req/s, %,.0f output tok/s, %,.0f total tok/s over %s simulated%n",
        r.requestsPerSecond(),
        r.outputTokensPerSecond(),
        r.totalTokensPerSecond(),
        Units.seconds(r.durationSeconds()));
    out.printf(Locale.ROOT, "  %-10s %12s %12s %12s %12s%n", "", "mean", "p50", "p90", "p99");
    row(out, "TTFT", r.ttftSeconds());
    row(out, "TPOT", r.tpotSeconds());
    row(out, "ITL", r.itlSeconds());
    row(out, "E2E", r.e2eSeconds());
    row(out, "queueing", r.queueingDelaySeconds());
    if (r.goodputRequestsPerSecond() != null) {
      out.printf(
          Locale.ROOT,
          "  goodput   %.2f req/s, SLO attainment %.1f%% (%s)%n",
          r.goodputRequestsPerSecond(),
          100 * r.sloAttainment(),
          sloText(ttft, tpot, ""));
    }
    if (r.prefixCacheHitRate() != null) {
      out.printf(
          Locale.ROOT,
          "  prefix    cache hit rate %.1f%% of prompt tokens looked up (%,d tokens not computed)%n",
          100 * r.prefixCacheHitRate(),
          r.prefixCacheHitTokens());
    }
    if (r.tokensPerVerifyStep() != null) {
      out.printf(
          Locale.ROOT,
          "  spec      %.3f tokens per verify step (%.3f expected with k = %d, acceptance %.2f)%n",
          r.tokensPerVerifyStep(),
          plan.engine().speculation().expectedTokensPerStep(),
          plan.engine().speculation().tokens(),
          plan.engine().speculation().acceptance());
    }
    if (r.meanKvTransferSeconds() != null) {
      out.printf(
          Locale.ROOT,
          "  transfer  %s a KV cache on average, from prefill end to decode pool%n",
          Units.seconds(r.meanKvTransferSeconds()));
    }
    out.printf(
        Locale.ROOT,
        "  batch     %.1f sequences per iteration on average, %,d iterations, %,d preemptions%n",
        r.meanBatchSize(),
        r.iterations(),
        r.preemptions());
    List<String> notes = new ArrayList<>(plan.notes());
    notes.add(
        "metrics as vLLM's benchmark_serving defines them; percentiles from HdrHistogram"
            + " (3 significant digits)");
    Units.printNotes(out, notes);
  }

  private static void row(PrintWriter out, String name, ServingResult.Percentiles p) {
    out.printf(
        Locale.ROOT,
        "  %-10s %12s %12s %12s %12s%n",
        name,
        Units.seconds(p.mean()),
        Units.seconds(p.p50()),
        Units.seconds(p.p90()),
        Units.seconds(p.p99()));
  }

  private static String sloText(double ttft, double tpot, String prefix) {
    StringBuilder sb = new StringBuilder();
    if (ttft > 0) {
      sb.append(prefix).append("TTFT <= ").append(Units.seconds(ttft));
    }
    if (tpot > 0) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(prefix).append("TPOT <= ").append(Units.seconds(tpot));
    }
    return sb.toString();
  }

  static void printMaxQps(
      PrintWriter out,
      ServingPlan plan,
      Workload w,
      double ttft,
      double tpot,
      CapacitySearch.MaxQps r) {
    header(out, plan);
    out.printf(
        Locale.ROOT,
        "  workload  %s arrivals, prompt %s, output %s, %,d requests a run%n",
        w.burstiness() == 1 ? "poisson" : "gamma(burstiness " + w.burstiness() + ")",
        w.prompt(),
        w.output(),
        w.requests());
    if (r.qps() == 0) {
      out.printf(
          Locale.ROOT, "  max QPS   none meets %s: %s%n", sloText(ttft, tpot, "p99 "), r.reason());
      out.flush();
      return;
    }
    out.printf(
        Locale.ROOT,
        "  max QPS   %.2f req/s within %s (median of %d seeds; spread %.2f .. %.2f; %d runs)%n",
        r.qps(),
        sloText(ttft, tpot, "p99 "),
        r.perSeed().size(),
        r.low(),
        r.high(),
        r.runs());
    ServingResult a = r.atMax();
    out.printf(
        Locale.ROOT,
        "  one run   seed %d at %.2f req/s: TTFT p99 %s, TPOT p99 %s, %,.0f output tok/s,"
            + " mean batch %.1f%n",
        r.atMaxSeed(),
        r.atMaxQps(),
        Units.seconds(a.ttftSeconds().p99()),
        Units.seconds(a.tpotSeconds().p99()),
        a.outputTokensPerSecond(),
        a.meanBatchSize());
    Units.printNotes(out, CapacitySearch.withShortRunNote(plan.notes(), r.atMax(), r.atMaxQps()));
  }

  static void printMinGpus(
      PrintWriter out, ModelSpec m, ServeSearch search, CapacitySearch.MinGpus r) {
    Workload w = search.workload();
    double ttft = search.objective().ttftP99Seconds();
    double tpot = search.objective().tpotP99Seconds();
    boolean priced = search.prices().given();
    List<String> skipped = search.skipped();
    out.printf(
        Locale.ROOT,
        "%s at %.2f req/s (poisson, prompt %s, output %s), %s: %s, %d simulations%n",
        m.id(),
        w.qps(),
        w.prompt(),
        w.output(),
        sloText(ttft, tpot, "p99 "),
        priced ? "lowest $ per hour" : "fewest GPUs",
        r.runs());
    boolean ep = r.searched().stream().anyMatch(c -> c.ep() > 1 || c.expertsOnTp());
    String tpColumn = ep ? "%5s" : "%3s"; // TP/EP only where EP was searched
    out.printf(
        Locale.ROOT,
        "  %-14s " + tpColumn + " %-5s %-5s %8s %5s %9s %10s %10s %9s  %s%n",
        "gpu",
        ep ? "tp/ep" : "tp",
        "w",
        "kv",
        "replicas",
        "gpus",
        "$/h",
        "TTFT p99",
        "TPOT p99",
        "$/Mtok",
        "result");
    for (CapacitySearch.Candidate c : r.searched()) {
      out.printf(
          Locale.ROOT,
          "  %-14s " + tpColumn + " %-5s %-5s %8s %5d %9s %10s %10s %9s  %s%n",
          c.gpu(),
          ep ? c.tp() + "/" + (c.expertsOnTp() ? "tp" : c.ep()) : Integer.toString(c.tp()),
          c.weightsDtype(),
          c.kvDtype(),
          c.replicas() == 0
              ? "-"
              : c.prefillReplicas() == null
                  ? Integer.toString(c.replicas())
                  : c.prefillReplicas() + "P+" + c.decodeReplicas() + "D",
          c.gpus(),
          c.dollarsPerHour() == null ? "-" : String.format(Locale.ROOT, "%.2f", c.dollarsPerHour()),
          c.ttftP99Seconds() == null ? "-" : Units.seconds(c.ttftP99Seconds()),
          c.tpotP99Seconds() == null ? "-" : Units.seconds(c.tpotP99Seconds()),
          c.dollarsPerMillionOutputTokens() == null
              ? "-"
              : String.format(Locale.ROOT, "%.3f", c.dollarsPerMillionOutputTokens()),
          c.meetsSlo() ? "ok" : c.reason());
    }
    for (String s : skipped) {
      out.println("  skipped " + s);
    }
    CapacitySearch.Candidate b = r.best();
    if (b == null) {
      out.println("  answer: no candidate meets the objectives within the GPUs allowed");
    } else {
      out.printf(
          Locale.ROOT,
          "  answer: %s x %s (TP %d%s, weights %s, KV %s) = %d GPUs%s%n",
          b.prefillReplicas() == null
              ? Integer.toString(b.replicas())
              : b.prefillReplicas() + " prefill + " + b.decodeReplicas() + " decode",
          b.gpu(),
          b.tp(),
          b.ep() > 1 ? ", EP " + b.ep() : b.expertsOnTp() ? ", experts over the TP ranks" : "",
          b.weightsDtype(),
          b.kvDtype(),
          b.gpus(),
          b.dollarsPerHour() == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  ", $%.2f/hour, $%.3f per million output tokens",
                  b.dollarsPerHour(),
                  b.dollarsPerMillionOutputTokens()));
      Units.printNotes(out, b.notes());
    }
    out.flush();
  }
}
