package dev.hwplan.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines that {@link QuickPath} runs without building picocli's annotation model: the
 * documented forms of {@code kv}, {@code infer}, {@code memory} and {@code profiles show}
 * (DESIGN.md, "CLI"). Each option is listed with the name, type, default and requiredness of its
 * {@code @Option} and the name of the field it sets, in the command object or in one of its mixins
 * ({@link QuickPath.Binding}). {@code QuickPathTest} checks every entry against the command's
 * annotations, so that a changed default or a moved field fails a test instead of changing an
 * answer; at run time a field that is not found sends the command line to picocli.
 */
final class QuickForms {
  /** One option: name, value type, default ({@code null}: none), whether required, field name. */
  record Opt(String name, Class<?> type, String defaultValue, boolean required, String field) {
    /** Whether the option takes no value (a flag). */
    boolean flag() {
      return type == boolean.class;
    }
  }

  /**
   * A quick form: the command words ({@code kv}, or {@code profiles show}), the class that runs it,
   * its options, and its one positional parameter ({@code null}: none).
   */
  record Form(List<String> words, Class<?> type, List<Opt> options, Opt positional) {
    /** The option named {@code name}, or {@code null}. */
    Opt option(String name) {
      for (Opt o : options) {
        if (o.name().equals(name)) {
          return o;
        }
      }
      return null;
    }
  }

  private static final Opt MODEL = required("--model", String.class, "model");
  private static final Opt GPU = required("--gpu", String.class, "gpu");
  private static final Opt KV_DTYPE = opt("--kv-dtype", String.class, "bf16", "kvDtype");
  private static final Opt BATCH = opt("--batch", long.class, "1", "batch");
  private static final Opt JSON = opt("--json", boolean.class, null, "json");
  private static final Opt PROFILES = opt("--profiles", Path.class, null, "dir");

  /** {@link ParallelismOptions}. */
  private static final List<Opt> PARALLELISM =
      List.of(opt("--tp", int.class, "1", "tp"), opt("--pp", int.class, "1", "pp"));

  /** {@link PagedKvOptions}. */
  private static final List<Opt> PAGED_KV =
      List.of(
          opt("--block-size", int.class, "16", "blockSize"),
          opt("--mla-layout", String.class, "latent", "mlaLayout"));

  /** {@link WeightsDtypeOption} and {@link KvDtypeOption}. */
  private static final List<Opt> DTYPES =
      List.of(opt("--weights-dtype", String.class, "bf16", "weightsDtype"), KV_DTYPE);

  static final List<Form> ALL =
      List.of(
          new Form(
              List.of("kv"),
              KvCommand.class,
              options(
                  MODEL,
                  required("--context", long.class, "context"),
                  BATCH,
                  KV_DTYPE,
                  PAGED_KV,
                  PARALLELISM,
                  opt("--compare", boolean.class, null, "compare"),
                  opt("--groups", int.class, "0", "groups"),
                  opt("--latent-rank", int.class, "0", "latentRank"),
                  JSON),
              null),
          new Form(
              List.of("infer"),
              InferCommand.class,
              options(
                  MODEL,
                  GPU,
                  BATCH,
                  required("--prompt", long.class, "prompt"),
                  required("--output", long.class, "output"),
                  PARALLELISM,
                  opt("--ep", int.class, "1", "ep"),
                  opt("--enable-expert-parallel", boolean.class, null, "onTp"),
                  opt("--mode", String.class, "calibrated", "mode"),
                  DTYPES,
                  opt("--mla", String.class, "latent", "mla"),
                  opt("--execution", String.class, "fused", "execution"),
                  PROFILES,
                  JSON),
              null),
          new Form(
              List.of("memory"),
              MemoryCommand.class,
              options(
                  MODEL,
                  GPU,
                  PARALLELISM,
                  DTYPES,
                  opt("--context", Long.class, null, "context"),
                  opt("--gpu-mem-util", double.class, "0.9", "gpuMemUtil"),
                  opt("--reserve-gib", double.class, "1.5", "reserveGib"),
                  opt("--max-batched-tokens", int.class, "8192", "maxBatchedTokens"),
                  PAGED_KV,
                  PROFILES,
                  JSON),
              null),
          new Form(
              List.of("profiles", "show"),
              ProfilesCommand.ShowCommand.class,
              List.of(JSON, PROFILES),
              required("ID", String.class, "id")));

  private QuickForms() {}

  private static Opt opt(String name, Class<?> type, String defaultValue, String field) {
    return new Opt(name, type, defaultValue, false, field);
  }

  private static Opt required(String name, Class<?> type, String field) {
    return new Opt(name, type, null, true, field);
  }

  /** The options of a form: each {@link Opt}, and the options of each mixin's list, in order. */
  private static List<Opt> options(Object... parts) {
    List<Opt> all = new ArrayList<>();
    for (Object p : parts) {
      if (p instanceof Opt o) {
        all.add(o);
      } else {
        for (Object o : (List<?>) p) {
          all.add((Opt) o);
        }
      }
    }
    return List.copyOf(all);
  }

  /** The form whose command words start {@code args}, or {@code null}. */
  static Form match(String[] args) {
    for (Form f : ALL) {
      List<String> w = f.words();
      if (args.length >= w.size() && w.equals(List.of(args).subList(0, w.size()))) {
        return f;
      }
    }
    return null;
  }
}
