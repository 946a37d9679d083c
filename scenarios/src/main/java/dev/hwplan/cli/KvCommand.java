package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.KvCacheReport;
import dev.hwplan.memory.KvComparison;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.model.ModelSpec;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hwplan kv}: KV-cache bytes per token and in total, and the MHA/GQA/MQA/MLA comparison. */
@Command(
    name = "kv",
    description =
        "KV-cache bytes per token and in total; --compare re-expresses the model as"
            + " MHA/GQA/MQA/MLA.",
    mixinStandardHelpOptions = true)
final class KvCommand implements Runnable {
  @Mixin ModelOption model;

  @Option(names = "--context", required = true, description = "Tokens per sequence.")
  long context;

  @Mixin BatchOption batch;
  @Mixin KvDtypeOption kvDtype;
  @Mixin PagedKvOptions paged;
  @Mixin ParallelismOptions parallel;

  @Option(names = "--compare", description = "Also show the model as MHA, GQA, MQA and MLA.")
  boolean compare;

  @Option(
      names = "--groups",
      defaultValue = "0",
      description = "KV heads of the GQA row (default: the model's, or 8).")
  int groups;

  @Option(
      names = "--latent-rank",
      defaultValue = "0",
      description = "d_c of the MLA row (default: the model's, or 4 x head dim).")
  int latentRank;

  @Mixin JsonOutput json;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Refuses an MLA-only option given for a model without MLA. */
  static void mlaOnly(picocli.CommandLine.Model.CommandSpec spec, String option, ModelSpec m) {
    Given.onlyWhen(
        spec,
        option,
        m.mla() != null,
        "it sets how MLA's latent cache is stored, and "
            + m.id()
            + " uses "
            + m.attentionKind().key().toUpperCase(Locale.ROOT)
            + ", not MLA");
  }

  static MlaLayout layout(String s) {
    return MlaLayout.parse(s, "--mla-layout");
  }

  @Override
  public void run() {
    ModelSpec m = model.resolve();
    Given.onlyWhen(spec, "--groups", compare, "it sets the GQA row of --compare");
    Given.onlyWhen(spec, "--latent-rank", compare, "it sets the MLA row of --compare");
    if (Given.given(spec, "--groups") && groups <= 0) {
      throw InvalidInputException.option("--groups", "must be positive, got " + groups);
    }
    if (Given.given(spec, "--latent-rank") && latentRank <= 0) {
      throw InvalidInputException.option("--latent-rank", "must be positive, got " + latentRank);
    }
    mlaOnly(spec, "--mla-layout", m);
    m.checkContext(context, "--context");
    KvDtype dtype = kvDtype.parse();
    KvCacheCalculator.Options o = paged.options(dtype);
    int tp = parallel.tp();
    int pp = parallel.pp();
    KvCacheReport r =
        KvCacheCalculator.compute(m, context, batch.sequences(), o, parallel.parallelism());
    List<KvComparison.Row> rows =
        compare
            ? KvComparison.compare(m, context, batch.sequences(), dtype, groups, latentRank)
            : null;
    PrintWriter out = spec.commandLine().getOut();
    if (json.enabled()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("model", r.model());
      j.put("attentionKind", r.attentionKind());
      j.put("layout", r.layout());
      j.put("kvDtype", r.kvDtype());
      j.put("context", r.context());
      j.put("batch", r.batch());
      j.put("tp", tp);
      j.put("pp", pp);
      j.put("bytesPerToken", r.bytesPerToken());
      j.put("bytesPerSequence", r.bytesPerSequence());
      j.put("totalBytes", r.totalBytes());
      j.put("blockSize", r.blockSize());
      j.put("blocksPerSequence", r.blocksPerSequence());
      j.put("pagedBytes", r.pagedBytes());
      j.put("pagingWasteBytes", r.pagingWasteBytes());
      j.put("perGpuBytes", r.perGpuBytes());
      j.put("scaleOverheadBytesPerElement", r.scaleOverheadBytesPerElement());
      j.put("layers", r.layers());
      if (rows != null) {
        j.put("comparison", rows);
      }
      j.put("notes", r.notes());
      JsonOutput.print(out, j);
      return;
    }
    out.printf(
        Units.PLAIN,
        "%s: %s attention, KV %s, %d x %d tokens%n",
        r.model(),
        r.attentionKind().toUpperCase(Locale.ROOT),
        r.kvDtype(),
        r.batch(),
        r.context());
    out.printf(Units.PLAIN, "  per token      %s%n", Units.bytes(r.bytesPerToken()));
    out.printf(Units.PLAIN, "  per sequence   %s%n", Units.bytes(r.bytesPerSequence()));
    out.printf(Units.PLAIN, "  total          %s%n", Units.bytes(r.totalBytes()));
    out.printf(
        Units.PLAIN,
        "  paged (%d-token blocks, %d blocks/seq)  %s, rounding loss %s%n",
        r.blockSize(),
        r.blocksPerSequence(),
        Units.gib(r.pagedBytes()),
        Units.bytes(r.pagingWasteBytes()));
    if (tp * pp > 1) {
      out.printf(Units.PLAIN, "  per GPU (TP %d, PP %d)  %s%n", tp, pp, Units.gib(r.perGpuBytes()));
    }
    if (rows != null) {
      out.printf(
          Units.PLAIN,
          "%n  %-22s %10s %16s %14s %8s%n",
          "DESIGN",
          "ELEM/LAYER",
          "BYTES/TOKEN",
          "TOTAL",
          "vs MHA");
      for (KvComparison.Row row : rows) {
        out.printf(
            Units.PLAIN,
            "  %-22s %10d %16s %14s %7.3fx%s%n",
            row.variant(),
            row.elementsPerTokenPerLayer(),
            Units.count(row.bytesPerToken()),
            Units.gib(row.totalBytes()),
            row.ratioToMha(),
            row.native_() ? "  <- this model" : "");
      }
    }
    Units.printNotes(out, r.notes());
  }
}
