package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.cli.FuzzCatalog.FileArg;
import dev.hwplan.cli.FuzzCatalog.NumericFlag;
import dev.hwplan.cli.FuzzInputs.Damage;
import dev.hwplan.cli.FuzzInputs.Input;
import dev.hwplan.cli.FuzzOutcomes.Case;
import dev.hwplan.cli.FuzzOutcomes.Outcome;
import dev.hwplan.cli.FuzzOutcomes.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Bad input, every command, in-process: malformed files, wrong types, out-of-range and extreme
 * numbers, impossible model configs and bad OPS.jsonl lines. Bad input must end in exit 2 with one
 * line that names the file or flag, no stack trace, nothing on stdout and no file changed; an
 * extreme but acceptable value must give a finite, consistent answer or such a refusal. Seeds are
 * fixed, so that the counts in {@code target/fuzz-outcomes.txt} compare across versions.
 */
class CliFuzzTest {
  private static final List<NumericFlag> FLAGS = FuzzCatalog.numericFlags();
  private static final List<FileArg> FILES = FuzzCatalog.fileArgs();

  @AfterContainer
  static void printCounts() {
    System.out.println("fuzz outcomes:\n" + FuzzOutcomes.summary());
  }

  // ---------------------------------------------------------------- properties

  @Property(tries = 200, seed = "1301", shrinking = ShrinkingMode.OFF)
  void badNumbersAreRefusedNamingTheFlag(
      @ForAll("badNumbers") Tuple.Tuple2<NumericFlag, String> t) {
    checkNumber("bad-number", t, true);
  }

  @Property(tries = 200, seed = "1302", shrinking = ShrinkingMode.OFF)
  void extremeNumbersGiveSaneAnswersOrRefusals(
      @ForAll("extremes") Tuple.Tuple2<NumericFlag, String> t) {
    checkNumber("extreme-number", t, false);
  }

  /** {@code t}'s flag set to {@code t}'s value in its command line, checked as {@link #check}. */
  private static void checkNumber(
      String kind, Tuple.Tuple2<NumericFlag, String> t, boolean mustRefuse) {
    NumericFlag f = t.get1();
    check(
        kind,
        FuzzCatalog.set(f.base(), f.flag(), t.get2()),
        List.of(f.flag()),
        mustRefuse,
        f.sanity());
  }

  @Property(tries = 200, seed = "1303", shrinking = ShrinkingMode.OFF)
  void damagedFilesAreRefusedNamingTheFile(
      @ForAll("fileCases") Tuple.Tuple3<FileArg, Damage, Long> t) {
    withFiles(
        (files, out) -> {
          Path valid = files.get(t.get1().input());
          Path given = FuzzInputs.damage(valid, t.get1().input(), t.get2(), t.get3());
          List<String> args = new ArrayList<>();
          for (String a : t.get1().base()) {
            args.add(a.equals("@") ? given.toString() : a);
          }
          List<String> names = new ArrayList<>(List.of(given.toString()));
          if (t.get1().input() == Input.PROFILES) {
            names.add(FuzzInputs.PROFILE_ID + ".yaml");
          }
          // An empty history is a history with no runs yet, as a missing one is: not bad input.
          boolean mustRefuse = !(t.get2() == Damage.EMPTY && t.get1().input() == Input.HISTORY);
          return new Case(
              "bad-file:" + t.get2(),
              FuzzCatalog.resolve(args, files, out),
              names,
              mustRefuse,
              null);
        });
  }

  @Property(tries = 200, seed = "1304", shrinking = ShrinkingMode.OFF)
  void impossibleModelConfigsAreRefusedNamingFileAndField(
      @ForAll("configCases") Tuple.Tuple4<String, String, String, Boolean> t) {
    withFiles(
        (files, out) -> {
          Path cfg = files.get(Input.MODEL);
          write(cfg, FuzzConfigs.mutate(t.get1(), t.get2(), t.get3()));
          List<String> args =
              t.get4()
                  ? List.of("models", "show", cfg.toString())
                  : List.of("kv", "--model", cfg.toString(), "--context", "1024");
          return new Case(
              "bad-model-config",
              FuzzCatalog.resolve(args, files, out),
              List.of(cfg.toString()),
              List.of(t.get2()),
              true,
              null,
              t.get1() + ": " + t.get2() + " = " + t.get3());
        });
  }

  @Property(tries = 100, seed = "1305", shrinking = ShrinkingMode.OFF)
  void aBadOpsLineAnywhereIsRefusedWithItsLineAndNothingPrinted(
      @ForAll("opsCases") Tuple.Tuple3<Integer, Integer, Integer> t) {
    withFiles(
        (files, out) -> {
          Path ops = files.get(Input.OPS);
          int lines = t.get1();
          int bad = Math.min(t.get2(), lines);
          byte[] badLine = FuzzConfigs.badOpsLine(t.get3());
          writeOps(ops, lines, bad, badLine);
          return new Case(
              "bad-ops-line",
              List.of("predict", "--input", ops.toString()),
              List.of(ops + ":" + bad + ":", ops + ":" + bad + " "),
              true,
              null);
        });
  }

  @Provide
  Arbitrary<Tuple.Tuple2<NumericFlag, String>> badNumbers() {
    return Arbitraries.of(FLAGS)
        .flatMap(
            f -> {
              List<String> fixed = new ArrayList<>(FuzzCatalog.badValues(f.kind()));
              fixed.addAll(f.extraBad());
              Arbitrary<String> random =
                  switch (f.kind()) {
                    case LONG_ANY -> junk();
                    case INT_NONNEG, DOUBLE_NONNEG ->
                        Arbitraries.oneOf(junk(), negativeLongs(), negativeDoubles());
                    default -> Arbitraries.oneOf(junk(), negativeLongs(), negativeDoubles());
                  };
              return Arbitraries.oneOf(Arbitraries.of(fixed), random).map(v -> Tuple.of(f, v));
            });
  }

  @Provide
  Arbitrary<Tuple.Tuple2<NumericFlag, String>> extremes() {
    return Arbitraries.of(FLAGS.stream().filter(f -> !f.expensive()).toList())
        .flatMap(f -> Arbitraries.of(FuzzCatalog.extremeValues(f.kind())).map(v -> Tuple.of(f, v)));
  }

  @Provide
  Arbitrary<Tuple.Tuple3<FileArg, Damage, Long>> fileCases() {
    return Combinators.combine(
            Arbitraries.of(FILES), Arbitraries.of(Damage.class), Arbitraries.longs())
        .as(Tuple::of);
  }

  @Provide
  Arbitrary<Tuple.Tuple4<String, String, String, Boolean>> configCases() {
    return Arbitraries.of(FuzzConfigs.BASES.keySet().stream().sorted().toList())
        .flatMap(
            base ->
                Arbitraries.of(FuzzConfigs.fields(base))
                    .flatMap(
                        field ->
                            Combinators.combine(
                                    Arbitraries.of(FuzzConfigs.badValues(base, field)),
                                    Arbitraries.of(true, false))
                                .as((v, show) -> Tuple.of(base, field, v, show))));
  }

  @Provide
  Arbitrary<Tuple.Tuple3<Integer, Integer, Integer>> opsCases() {
    return Combinators.combine(
            Arbitraries.oneOf(
                Arbitraries.integers().between(1, 50), Arbitraries.integers().between(4090, 6000)),
            Arbitraries.integers().between(1, 6000),
            Arbitraries.integers().between(0, FuzzConfigs.BAD_OPS_LINES - 1))
        .as(Tuple::of);
  }

  private static Arbitrary<String> junk() {
    return Combinators.combine(
            Arbitraries.strings().withChars("0123456789.eE+-").ofMaxLength(6),
            Arbitraries.strings().withChars("xyz!@#%^&*()/;:").ofMinLength(1).ofMaxLength(3),
            Arbitraries.strings().withChars("0123456789").ofMaxLength(3))
        .as((a, b, c) -> a + b + c);
  }

  private static Arbitrary<String> negativeLongs() {
    return Arbitraries.longs().between(Long.MIN_VALUE, -1).map(String::valueOf);
  }

  private static Arbitrary<String> negativeDoubles() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 99_999), Arbitraries.integers().between(-320, 320))
        .as((m, e) -> "-" + m + "e" + e);
  }

  // ---------------------------------------------------------------- examples from the issue

  @Example
  void aContextOfLongMaxDoesNotFit() {
    check(
        "example",
        List.of(
            "memory",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "h100-sxm",
            "--context",
            "9223372036854775807"),
        List.of("--context"),
        true,
        FuzzSanity::memory);
  }

  @Example
  void aKvCacheOfThreeBillionTokensTimesIntMaxIsRefused() {
    check(
        "example",
        List.of(
            "kv", "--model", "llama-3.1-405b", "--context", "3000000000", "--batch", "2147483647"),
        List.of("--context"),
        true,
        FuzzSanity::kv);
  }

  @Example
  void aKvCacheBeyondEightExbibytesIsRefusedNamingTheBatch() {
    check(
        "example",
        List.of("kv", "--model", "llama-3.1-405b", "--context", "131072", "--batch", "2147483647"),
        List.of("--batch"),
        true,
        FuzzSanity::kv);
  }

  @Example
  void hugeInferValuesAreBadInput() {
    check(
        "example",
        FuzzCatalog.set(INFER_BASE, "--prompt", "9223372036854775807"),
        List.of("--prompt"),
        true,
        FuzzSanity::infer);
    check(
        "example",
        FuzzCatalog.set(INFER_BASE, "--batch", "9223372036854775807"),
        List.of("--batch"),
        false,
        FuzzSanity::infer);
  }

  private static final List<String> INFER_BASE = FuzzCatalog.INFER;

  @Example
  void aMoeWithNoExpertsOrMoreActiveThanExistIsRefused() {
    for (String[] m :
        new String[][] {
          {"deepseek", "n_routed_experts", "0"},
          {"deepseek", "num_experts_per_tok", "1000"},
          {"mixtral", "num_local_experts", "0"},
          {"mixtral", "num_experts_per_tok", "9"},
          {"deepseek", "moe_layer_freq", "0"}
        }) {
      withFiles(
          (files, out) -> {
            Path cfg = files.get(Input.MODEL);
            write(cfg, FuzzConfigs.mutate(m[0], m[1], m[2]));
            return new Case(
                "example",
                FuzzCatalog.resolve(List.of("models", "show", cfg.toString()), files, out),
                List.of(cfg.toString()),
                List.of(m[1]),
                true,
                FuzzSanity::model);
          });
    }
  }

  @Example
  void binaryLatin1AndFolderInputsToPredictAreBadInput() {
    for (Damage d : List.of(Damage.BINARY, Damage.LATIN1, Damage.WRONG_KIND, Damage.UTF16_BOM)) {
      withFiles(
          (files, out) -> {
            Path p = FuzzInputs.damage(files.get(Input.OPS), Input.OPS, d, 7);
            return new Case(
                "example",
                List.of("predict", "--input", p.toString()),
                List.of(p.toString()),
                true,
                null);
          });
    }
  }

  @Example
  void aScalingFitOnSixIdenticalRowsIsRefused() {
    withFiles(
        (files, out) -> {
          Path csv = files.get(Input.RUNS);
          write(csv, "params,tokens,loss\n" + "1e8,2e9,3.0\n".repeat(6));
          return new Case(
              "example",
              List.of("scaling", "fit", "--data", csv.toString(), "--json"),
              List.of(csv.toString()),
              true,
              null);
        });
  }

  @Example
  void flagsThatDoNotApplyAreRefused() {
    List<List<String>> cases =
        List.of(
            FuzzCatalog.with(FuzzCatalog.KV, "--groups", "5"),
            FuzzCatalog.with(FuzzCatalog.KV, "--latent-rank", "-1"),
            FuzzCatalog.with(FuzzCatalog.KV, "--compare", "--latent-rank", "-1"),
            FuzzCatalog.with(FuzzCatalog.KV, "--mla-layout", "expanded"),
            FuzzCatalog.with(FuzzCatalog.MEMORY, "--mla-layout", "expanded"),
            FuzzCatalog.with(FuzzCatalog.INFER, "--mla", "expanded"),
            FuzzCatalog.with(FuzzCatalog.ATTENTION, "--kv-lora-rank", "512"),
            FuzzCatalog.with(FuzzCatalog.ATTENTION, "--rope-dim", "64"),
            FuzzCatalog.with(FuzzCatalog.MLA, "--kv-heads", "8"),
            FuzzCatalog.with(FuzzCatalog.MLA, "--head-dim", "128"),
            FuzzCatalog.with(FuzzCatalog.PREFILL, "--kernel", "sdpa-flash"),
            List.of("scaling", "optimal", "--flops", "1e24", "--seq-len", "8192"),
            List.of("scaling", "optimal", "--flops", "1e24", "--context", "8192"));
    for (List<String> c : cases) {
      String flag =
          c.stream()
              .filter(a -> a.startsWith("--") && !a.equals("--compare"))
              .reduce((a, b) -> b)
              .orElseThrow();
      check("ignored-flag", c, List.of(flag), true, null);
    }
    check(
        "ignored-flag",
        List.of("--json", "kv", "--model", "llama-3.1-8b", "--context", "4096"),
        List.of("--json"),
        true,
        null);
    check(
        "ignored-flag",
        List.of(
            "predict",
            "--mode",
            "sol",
            "gemm",
            "--gpu",
            "h100-sxm",
            "--m",
            "1",
            "--n",
            "2",
            "--k",
            "3"),
        List.of("--mode"),
        true,
        null);
  }

  @Example
  void extremeValuesInsideAScenarioAreRefusedNamingTheField() {
    String[][] studies = {
      {"kv", "context", "model: llama-3.1-8b\n    context: 9223372036854775807"},
      {"kv", "batch", "model: falcon-7b\n    context: 2048\n    batch: 9223372036854775807"},
      {"memory", "context", "model: llama-3.1-8b\n    gpu: h100-sxm\n    context: 1e400"},
      {
        "infer", "prompt", "model: llama-3.1-8b\n    gpu: h100-sxm\n    prompt: 9223372036854775807"
      },
      {"scaling", "flops", "flops: 1e400"},
      {"budget", "flops", "gpu: h100-sxm\n    mfu: 0.4\n    flops: -1"}
    };
    for (String[] st : studies) {
      withFiles(
          (files, out) -> {
            Path yaml = files.get(Input.SCENARIO);
            write(
                yaml,
                "title: fuzz\nstudies:\n  - kind: "
                    + st[0]
                    + "\n    id: s\n    title: s\n    "
                    + st[2]
                    + "\n");
            return new Case(
                "example",
                List.of("run", yaml.toString(), "--out", out.toString(), "--json"),
                List.of(yaml.toString()),
                List.of(st[1]),
                true,
                null,
                st[0] + " " + st[1]);
          });
    }
  }

  @Example
  void ignoredOpsLineFieldsAreRefused() {
    for (String line :
        List.of(
            "{\"op\":\"attention\",\"gpu\":\"h100-sxm\",\"batch\":8,\"heads\":32,\"kvHeads\":8,"
                + "\"headDim\":128,\"context\":4096,\"kvLoraRank\":512}",
            "{\"op\":\"attention\",\"gpu\":\"h100-sxm\",\"batch\":8,\"heads\":128,"
                + "\"context\":4096,\"kind\":\"mla\",\"kvHeads\":8}",
            "{\"op\":\"attention\",\"gpu\":\"h100-sxm\",\"phase\":\"decode\",\"batch\":8,"
                + "\"heads\":32,\"kvHeads\":8,\"headDim\":128,\"context\":4096,\"prefix\":5}")) {
      withFiles(
          (files, out) -> {
            Path ops = files.get(Input.OPS);
            write(ops, line + "\n");
            return new Case(
                "ignored-flag",
                List.of("predict", "--input", ops.toString()),
                List.of(ops + ":1"),
                true,
                null);
          });
    }
  }

  // ---------------------------------------------------------------- plumbing

  private static void check(
      String category,
      List<String> args,
      List<String> names,
      boolean mustRefuse,
      Function<JsonNode, List<String>> sanity) {
    withFiles(
        (files, out) ->
            new Case(category, FuzzCatalog.resolve(args, files, out), names, mustRefuse, sanity));
  }

  /** Builds a case from fresh valid files in a temp folder, runs it there, and judges it. */
  static void withFiles(java.util.function.BiFunction<Map<Input, Path>, Path, Case> build) {
    Path dir;
    try {
      dir = Files.createTempDirectory("hwplan-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Map<Input, Path> files = FuzzInputs.writeAll(dir);
      Case c = build.apply(files, dir.resolve("out"));
      Verdict v = FuzzOutcomes.run(c, dir);
      if (!FuzzOutcomes.TALLY_ONLY) {
        assertThat(v.outcome())
            .as("%s\n%s", String.join(" ", c.args()), v.why())
            .isIn(Outcome.REFUSED_CLEARLY, Outcome.ANSWERED_SANELY);
      }
    } finally {
      delete(dir);
    }
  }

  static void write(Path p, String text) {
    try {
      Files.writeString(p, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeOps(Path ops, int lines, int bad, byte[] badLine) {
    String[] valid = FuzzInputs.OPS_JSONL.split("\n");
    try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(ops))) {
      for (int i = 1; i <= lines; i++) {
        out.write(i == bad ? badLine : valid[i % valid.length].getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
