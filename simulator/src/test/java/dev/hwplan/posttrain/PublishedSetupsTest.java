package dev.hwplan.posttrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * hwplan posttrain against the setups projects published (src/test/resources/posttrain/
 * published-setups.csv, every row with its source). Nothing in the model is a fitted constant; its
 * mechanisms were chosen reading the tune rows only. The "seen" rows were held out in session 8 but
 * their errors have been seen since, so they are re-scored here, not a clean validation; so are
 * fresh-setups.csv's rows (set seen-s11), held out until their first scoring in session 11. The
 * test pins what it predicts today, so a change to the model shows up here with the new error, and
 * writes the table to target/posttrain-validation.md.
 */
class PublishedSetupsTest {
  /** Our prediction per row when this test was written (the table in the commit message). */
  private static final Map<String, Double> OURS = new LinkedHashMap<>();

  static {
    // 2026-12-06 session 11: the DeepSpeed-Chat rows with their scripts' settings (hybrid engine at
    // inference_tp_size 2 and 8, LoRA 128 with the rest training, 16 or 4 prompts per GPU; were
    // 5.603, 0.7918, 3.427 with vllm, full fine-tuning and 1,024 prompts a step), and OpenRLHF's
    // DeepSpeed-Chat actor at ZeRO-2 with optimizer offload (were 1707.1, 9960.9 at ZeRO-3)
    OURS.put("dschat-opt13b-8xa100", 5.170);
    OURS.put("dschat-opt13b-64xa100", 0.6482);
    OURS.put("dschat-opt66b-64xa100", 3.463);
    // freeze XII (issue 15: a decode on the one-split flash kernel, ceil(CTAs / SMs) CTAs on the
    // busiest SM): 860.4 -> 890.2 against the published 1189 (-28 % -> -25 %)
    OURS.put("orlhf-dschat-llama2-7b-8xa800", 890.2);
    OURS.put("orlhf-dschat-llama2-13b-8xa800", 2467.3);
    // session 8: verl's offload between phases and vLLM's fraction of total memory (was 1/1/1/1/2)
    OURS.put("verl-grpo-qwen14b-h800", 4.0);
    OURS.put("verl-grpo-lora-qwen7b-h100", 1.0);
    OURS.put("verl-grpo-lora-qwen14b-h100", 2.0);
    OURS.put("verl-grpo-lora-qwen32b-h100", 4.0);
    OURS.put("verl-grpo-lora-qwen72b-h100", 8.0);
    OURS.put("qlora-llama65b-48gb", 42.43);
    // session 11: fresh-setups.csv's rows, scored once with the model of 5e4423f, seen since and
    // re-scored (set seen-s11) with DeepSpeed v0.9.0's workspace kept through training and the
    // adapters in the whole-model gather: times and verdicts unchanged (NaN: does not fit)
    OURS.put("fresh-dschat-opt1.3b-1xa100-80g", 6.223);
    OURS.put("fresh-dschat-opt6.7b-1xa100-80g", 28.32);
    OURS.put("fresh-dschat-opt1.3b-8xa100-80g", 1.330);
    OURS.put("fresh-dschat-opt6.7b-8xa100-80g", 5.431);
    OURS.put("fresh-dschat-opt30b-8xa100-80g", Double.NaN);
    OURS.put("fresh-dschat-opt1.3b-1xa100-40g", 6.631);
    OURS.put("fresh-dschat-opt6.7b-1xa100-40g", Double.NaN);
    OURS.put("fresh-dschat-opt1.3b-8xa100-40g", 1.480);
    OURS.put("fresh-dschat-opt6.7b-8xa100-40g", 6.152);
    OURS.put("fresh-dschat-opt13b-8xa100-40g", 5.408);
    OURS.put("fresh-dschat-opt30b-8xa100-40g", Double.NaN);
  }

  record Row(Map<String, String> f) {
    String s(String k) {
      return f.get(k);
    }

    int i(String k) {
      return Integer.parseInt(f.get(k));
    }

    boolean b(String k) {
      return Boolean.parseBoolean(f.get(k));
    }
  }

  /** The rows of published-setups.csv, then of fresh-setups.csv. */
  static List<Row> rows() throws IOException {
    List<Row> out = rows("/posttrain/published-setups.csv");
    out.addAll(rows("/posttrain/fresh-setups.csv"));
    return out;
  }

  static List<Row> rows(String resource) throws IOException {
    List<Row> out = new ArrayList<>();
    try (InputStream in = PublishedSetupsTest.class.getResourceAsStream(resource)) {
      String[] header = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] v = line.split(",", -1);
        if (header == null) {
          header = v;
          continue;
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int k = 0; k < header.length; k++) {
          m.put(header[k], v[k].trim());
        }
        out.add(new Row(m));
      }
    }
    return out;
  }

  static ModelSpec model(String id) {
    if (id.isEmpty()) {
      return null;
    }
    if (ModelCatalog.ids().contains(id)) {
      return ModelCatalog.resolve(id);
    }
    try {
      Path p =
          Path.of(
              PublishedSetupsTest.class.getResource("/posttrain/models/" + id + ".json").toURI());
      return ModelCatalog.resolve(p.toString());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Our value for the row's metric; NaN for a row of fresh-setups.csv whose setup we say does not
   * fit (a miss, by that file's scoring rule).
   */
  static double ours(Row r) {
    ModelSpec m = model(r.s("model"));
    Method method = Method.parse(r.s("method"));
    int rank = r.i("loraRank");
    Lora lora = rank > 0 ? new Lora(rank, r.b("qlora")).trainingRest(r.b("loraTrainRest")) : null;
    PostTrainJob job =
        new PostTrainJob(
            m,
            method,
            lora,
            model(r.s("reward")),
            r.i("group"),
            r.i("prompt"),
            r.i("response"),
            r.i("batchPrompts"),
            1,
            false,
            r.b("sharedReference"),
            Offload.of(r.b("offload"), r.b("paramOffload"), r.b("phaseOffload")),
            r.i("microBatch"),
            Double.parseDouble(r.s("trainHfu")),
            new Generation(
                Engine.parse(r.s("engine")),
                r.i("generationBatch"),
                Double.parseDouble(r.s("gpuMemUtil")),
                Double.parseDouble(r.s("responseMean")),
                r.i("inferenceTp"),
                r.i("gatherLayers")),
            r.i("policyZeroStage"));
    var gpu = ProfileCatalog.bundled().get(r.s("gpu"));
    // the A100 40G rows: a DGX A100 with 40 GB cards (the bundled cluster names the 80 GB card)
    var cluster = ClusterCatalog.forGpu(r.s("gpu").replace("a100-sxm-40gb", "a100-sxm-80gb"));
    PostTrainPlanner p = new PostTrainPlanner(job, gpu, cluster);
    return switch (r.s("metric")) {
      case "hours" -> {
        PostTrainPlan plan = p.colocated(r.i("gpus"));
        if (!plan.fits() && r.s("id").startsWith("fresh-")) {
          System.out.println(r.s("id") + " does not fit: peak " + plan.peakBytesPerGpu());
          yield Double.NaN;
        }
        assertThat(plan.fits()).as(r.s("id") + " fits").isTrue();
        System.out.println(r.s("id") + " " + plan.time() + " " + plan.rollout());
        yield plan.time().stepSeconds()
            * Double.parseDouble(r.s("prompts"))
            / r.i("batchPrompts")
            / 3600;
      }
      case "stepSeconds" -> {
        PostTrainPlan plan = p.colocated(r.i("gpus"));
        assertThat(plan.fits()).as(r.s("id") + " fits").isTrue();
        System.out.println(r.s("id") + " " + plan.time() + " " + plan.rollout());
        yield plan.time().stepSeconds();
      }
      case "minGpus" -> p.minGpusColocated(1024);
      case "peakGiB" -> p.colocated(r.i("gpus")).peakBytesPerGpu() / (1L << 30);
      default -> throw new IllegalArgumentException(r.s("metric"));
    };
  }

  @Test
  void publishedSetupsWithTheirErrors() throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("| row | set | metric | published | ours | error | source |\n");
    md.append("| --- | --- | --- | ---: | ---: | ---: | --- |\n");
    Map<String, List<Double>> errors = new LinkedHashMap<>();
    Map<String, Double> got = new LinkedHashMap<>();
    for (Row r : rows()) {
      double pub = Double.parseDouble(r.s("published"));
      double ours = ours(r);
      got.put(r.s("id"), ours);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %.4g | %s | %s | %s |%n",
              r.s("id"),
              r.s("set"),
              r.s("metric"),
              pub,
              Double.isNaN(ours) ? "does not fit" : String.format(Locale.ROOT, "%.4g", ours),
              Double.isNaN(ours)
                  ? "miss"
                  : String.format(Locale.ROOT, "%+.0f%%", 100 * (ours - pub) / pub),
              r.s("source")));
    }
    Map<String, Integer> misses = new LinkedHashMap<>();
    for (Row r : rows()) {
      double pub = Double.parseDouble(r.s("published"));
      double ours = got.get(r.s("id"));
      misses.merge(r.s("set"), Double.isNaN(ours) ? 1 : 0, Integer::sum);
      List<Double> set = errors.computeIfAbsent(r.s("set"), k -> new ArrayList<>());
      if (!Double.isNaN(ours)) {
        set.add(Math.abs(ours - pub) / pub);
      }
    }
    for (var e : errors.entrySet()) {
      md.append(
          String.format(
              Locale.ROOT,
              "%n%s: %d rows scored (%d that do not fit apart), mean |error| %.0f%%, max |error|"
                  + " %.0f%%%n",
              e.getKey(),
              e.getValue().size(),
              misses.get(e.getKey()),
              100 * e.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(0),
              100 * e.getValue().stream().mapToDouble(Double::doubleValue).max().orElse(0)));
    }
    Path out = Path.of("target", "posttrain-validation.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString());
    System.out.println(md);
    for (var e : OURS.entrySet()) {
      if (Double.isNaN(e.getValue())) {
        assertThat(got.get(e.getKey())).as(e.getKey() + " does not fit").isNaN();
        continue;
      }
      assertThat(got.get(e.getKey()))
          .as(e.getKey())
          .isCloseTo(e.getValue(), org.assertj.core.api.Assertions.withinPercentage(2));
    }
    assertThat(got).hasSize(22);
  }
}
