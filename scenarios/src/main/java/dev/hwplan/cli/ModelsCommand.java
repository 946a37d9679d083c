package dev.hwplan.cli;

import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.model.FlopCounter;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCount;
import dev.hwplan.model.ParameterCounter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hwplan models list|show}: the bundled model catalog, or any HF config.json. */
@Command(
    name = "models",
    description = "Bundled models, or any Hugging Face config.json.",
    mixinStandardHelpOptions = true,
    subcommands = {ModelsCommand.ListCommand.class, ModelsCommand.ShowCommand.class})
final class ModelsCommand extends CommandGroup {
  static Map<String, Object> view(ModelSpec m, long context) {
    ParameterCount p = ParameterCounter.count(m);
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("id", m.id());
    j.put("modelType", m.modelType());
    j.put("source", m.source());
    j.put("attentionKind", m.attentionKind().key());
    j.put("hiddenSize", m.hiddenSize());
    j.put("numHiddenLayers", m.numHiddenLayers());
    j.put("numAttentionHeads", m.numAttentionHeads());
    j.put("numKeyValueHeads", m.mla() == null ? m.numKeyValueHeads() : null);
    j.put("headDim", m.headDim());
    j.put("intermediateSize", m.intermediateSize());
    j.put("vocabSize", m.vocabSize());
    j.put("tieWordEmbeddings", m.tieWordEmbeddings());
    j.put("maxPositionEmbeddings", m.maxPositionEmbeddings());
    j.put(
        "slidingWindowLayers", m.layers().stream().filter(l -> l.slidingWindow() != null).count());
    j.put("moe", m.moe());
    j.put("mla", m.mla());
    j.put("totalParams", p.total());
    j.put("activeParams", p.active());
    Map<String, Object> parts = new LinkedHashMap<>();
    parts.put("embedding", p.embedding());
    parts.put("attention", p.attention());
    parts.put("mlp", p.mlp());
    parts.put("routedExperts", p.routedExperts());
    parts.put("router", p.router());
    parts.put("norms", p.norms());
    parts.put("outputHead", p.outputHead());
    j.put("params", parts);
    j.put("context", context);
    j.put("forwardFlopsPerToken", FlopCounter.forwardFlopsPerToken(m, context));
    j.put("trainingFlopsPerToken", FlopCounter.trainingFlopsPerToken(m, context));
    j.put("kvBytesPerToken", KvCacheCalculator.bytesPerToken(m));
    j.put("notes", m.notes());
    return j;
  }

  @Command(name = "list", description = "List the bundled models.", mixinStandardHelpOptions = true)
  static final class ListCommand implements Runnable {
    @Mixin JsonOutput json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (ModelSpec m : ModelCatalog.all().values()) {
        rows.add(view(m, 4096));
      }
      // One JSON object, as the CLI contract says of --json.
      if (json.printed(spec, Map.of("models", rows))) {
        return;
      }
      PrintWriter out = spec.commandLine().getOut();
      String fmt = "%-18s %-12s %-4s %16s %16s %14s%n";
      out.printf(
          Locale.ROOT, fmt, "ID", "TYPE", "ATTN", "TOTAL PARAMS", "ACTIVE PARAMS", "KV B/TOKEN");
      for (ModelSpec m : ModelCatalog.all().values()) {
        ParameterCount p = ParameterCounter.count(m);
        out.printf(
            Locale.ROOT,
            fmt,
            m.id(),
            m.modelType(),
            m.attentionKind().key(),
            Units.count(p.total()),
            Units.count(p.active()),
            Units.count(KvCacheCalculator.bytesPerToken(m)));
      }
      out.println("KV bytes per token in bf16. `hwplan models show ID` for the breakdown.");
      out.flush();
    }
  }

  @Command(
      name = "show",
      description =
          "Parameters by component, FLOPs per token, attention kind and KV bytes per token.",
      mixinStandardHelpOptions = true)
  static final class ShowCommand implements Runnable {
    @Parameters(paramLabel = "ID-or-path", description = "Bundled id, or a path to a config.json.")
    String model;

    @Option(
        names = "--context",
        defaultValue = "4096",
        description = "Context for the attention FLOPs (default: ${DEFAULT-VALUE}).")
    long context;

    @Mixin JsonOutput json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      if (context <= 0) {
        throw dev.hwplan.io.InvalidInputException.option(
            "--context", "must be positive, got " + context);
      }
      ModelSpec m = ModelCatalog.resolve(model);
      m.checkContext(context, "--context");
      if (json.printed(spec, view(m, context))) {
        return;
      }
      PrintWriter out = spec.commandLine().getOut();
      ParameterCount p = ParameterCounter.count(m);
      out.printf(
          Locale.ROOT,
          "%s (%s, %s attention)%n",
          m.id(),
          m.modelType(),
          m.attentionKind().key().toUpperCase(Locale.ROOT));
      out.printf(
          Locale.ROOT,
          "  layers %d, hidden %d, heads %d, KV heads %s, head dim %d%n",
          m.numHiddenLayers(),
          m.hiddenSize(),
          m.numAttentionHeads(),
          m.mla() == null ? String.valueOf(m.numKeyValueHeads()) : "latent",
          m.headDim());
      out.printf(Locale.ROOT, "  total params   %s%n", Units.billions(p.total()));
      out.printf(Locale.ROOT, "  active params  %s%n", Units.billions(p.active()));
      out.printf(
          Locale.ROOT,
          "    embedding %s, attention %s, mlp %s, routed experts %s, router %s, norms %s, head %s%n",
          Units.count(p.embedding()),
          Units.count(p.attention()),
          Units.count(p.mlp()),
          Units.count(p.routedExperts()),
          Units.count(p.router()),
          Units.count(p.norms()),
          Units.count(p.outputHead()));
      out.printf(
          Locale.ROOT,
          "  forward FLOPs per token at %d context  %.4g%n",
          context,
          FlopCounter.forwardFlopsPerToken(m, context));
      out.printf(
          Locale.ROOT,
          "  training FLOPs per token at %d         %.4g%n",
          context,
          FlopCounter.trainingFlopsPerToken(m, context));
      out.printf(
          Locale.ROOT,
          "  KV cache per token (bf16)  %s%n",
          Units.bytes(KvCacheCalculator.bytesPerToken(m)));
      Units.printNotes(out, m.notes());
    }
  }
}
