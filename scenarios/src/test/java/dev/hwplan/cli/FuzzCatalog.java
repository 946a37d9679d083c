package dev.hwplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.cli.FuzzInputs.Input;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every command's numeric flags and file arguments, each with a valid command line to put it in,
 * for the fuzz suite. A placeholder {@code @name} in a command line stands for the valid file of
 * that {@link Input} (or {@code @out}, a fresh folder for anything a command writes).
 */
final class FuzzCatalog {
  private FuzzCatalog() {}

  /** What a numeric flag accepts. */
  enum Kind {
    INT_POS,
    INT_NONNEG,
    LONG_POS,
    LONG_ANY,
    DOUBLE_POS,
    /** (0, 1]. */
    FRACTION,
    /** (0, 1). */
    OPEN_UNIT,
    DOUBLE_NONNEG,
    /** A factor above 1. */
    ABOVE_ONE,
    /** A count as people write one (1e24, 70B), positive. */
    QUANTITY,
    /** Comma-separated positive numbers. */
    POSITIVE_LIST
  }

  /**
   * A numeric flag in a command line that is valid without it.
   *
   * @param extraBad values outside this flag's own range (e.g. a fraction above 1)
   * @param expensive whether an accepted value runs long (then only rejected values are tried)
   */
  record NumericFlag(
      String flag,
      Kind kind,
      List<String> base,
      List<String> extraBad,
      Function<JsonNode, List<String>> sanity,
      boolean expensive) {
    @Override
    public String toString() {
      return String.join(" ", base) + " " + flag;
    }
  }

  /** A file argument: {@code flag} (null for a positional one) takes the file of {@code input}. */
  record FileArg(String flag, Input input, List<String> base) {
    @Override
    public String toString() {
      return String.join(" ", base) + " <" + input + ">";
    }
  }

  static final List<String> KV = List.of("kv", "--model", "llama-3.1-8b", "--context", "4096");
  static final List<String> MEMORY =
      List.of("memory", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--context", "8192");
  static final List<String> INFER =
      CliHarness.words("infer --model llama-3.1-8b --gpu h100-sxm --prompt 128 --output 16");
  static final List<String> GEMM =
      List.of("predict", "gemm", "--gpu", "h100-sxm", "--m", "64", "--n", "4096", "--k", "4096");
  static final List<String> ATTENTION =
      CliHarness.words(
          "predict attention --gpu h100-sxm --batch 8 --heads 32 "
              + "--kv-heads 8 --head-dim 128 --context 4096");
  static final List<String> PREFILL =
      CliHarness.words(
          "predict attention --gpu h100-sxm --phase prefill --batch 1 "
              + "--heads 32 --kv-heads 8 --head-dim 128 --context 4096");
  static final List<String> MLA =
      CliHarness.words(
          "predict attention --gpu h100-sxm --batch 8 --heads 128 --context 4096 --kind mla");
  static final List<String> COLLECTIVE =
      CliHarness.words(
          "predict collective --gpu h200-sxm --op all-reduce --gpus 8 --bytes 1048576");
  static final List<String> BUDGET =
      List.of("scaling", "budget", "--flops", "1e23", "--gpu", "h100-sxm", "--mfu", "0.4");

  static List<NumericFlag> numericFlags() {
    List<NumericFlag> l = new ArrayList<>();
    Function<JsonNode, List<String>> kv = FuzzSanity::kv;
    add(l, KV, kv, Kind.LONG_POS, "--context", "--batch");
    add(l, KV, kv, Kind.INT_POS, "--block-size", "--tp", "--pp");
    add(l, with(KV, "--compare"), kv, Kind.INT_POS, "--groups", "--latent-rank");
    Function<JsonNode, List<String>> mem = FuzzSanity::memory;
    add(l, MEMORY, mem, Kind.INT_POS, "--tp", "--pp");
    add(l, MEMORY, mem, Kind.LONG_POS, "--context");
    add(l, MEMORY, mem, Kind.FRACTION, "--gpu-mem-util");
    add(l, MEMORY, mem, Kind.DOUBLE_NONNEG, "--reserve-gib");
    add(l, MEMORY, mem, Kind.INT_POS, "--max-batched-tokens", "--block-size");
    Function<JsonNode, List<String>> inf = FuzzSanity::infer;
    add(l, INFER, inf, Kind.LONG_POS, "--batch", "--prompt", "--output");
    add(l, INFER, inf, Kind.INT_POS, "--tp", "--pp");
    add(
        l,
        List.of("models", "show", "llama-3.1-8b"),
        FuzzSanity::model,
        Kind.LONG_POS,
        "--context");
    Function<JsonNode, List<String>> pred = FuzzSanity::predict;
    add(l, GEMM, pred, Kind.LONG_POS, "--m", "--n", "--k");
    add(
        l,
        ATTENTION,
        pred,
        Kind.LONG_POS,
        "--batch",
        "--heads",
        "--kv-heads",
        "--head-dim",
        "--context");
    add(l, PREFILL, pred, Kind.LONG_POS, "--context", "--batch");
    add(l, MLA, pred, Kind.LONG_POS, "--kv-lora-rank", "--rope-dim", "--batch");
    add(l, COLLECTIVE, pred, Kind.LONG_POS, "--gpus");
    add(l, COLLECTIVE, pred, Kind.QUANTITY, "--bytes");
    List<String> loss = List.of("scaling", "loss", "--params", "70B", "--tokens", "1.4T");
    add(l, loss, null, Kind.QUANTITY, "--params", "--tokens");
    add(l, with(loss, "--unique-tokens", "1T"), null, Kind.QUANTITY, "--unique-tokens");
    List<String> optimal = List.of("scaling", "optimal", "--flops", "1e24");
    add(l, optimal, null, Kind.QUANTITY, "--flops");
    add(l, with(optimal, "--unique-tokens", "1T"), null, Kind.QUANTITY, "--unique-tokens");
    List<String> exact = with(optimal, "--model", "llama-3.1-8b");
    add(l, exact, null, Kind.LONG_POS, "--seq-len", "--context");
    List<String> iso = List.of("scaling", "isoflop", "--flops", "1e21");
    add(l, iso, null, Kind.POSITIVE_LIST, "--flops");
    add(l, iso, null, Kind.ABOVE_ONE, "--span");
    l.add(new NumericFlag("--points", Kind.INT_POS, iso, List.of("1", "10001"), null, false));
    List<String> reach = List.of("scaling", "reach", "--loss", "2.2");
    add(l, reach, null, Kind.DOUBLE_POS, "--loss");
    add(l, with(reach, "--params", "70B"), null, Kind.QUANTITY, "--params");
    List<String> over = List.of("scaling", "overtrain", "--params", "8B");
    add(l, over, null, Kind.QUANTITY, "--params");
    add(l, over, null, Kind.POSITIVE_LIST, "--tokens-per-param");
    add(l, BUDGET, null, Kind.QUANTITY, "--flops");
    l.add(new NumericFlag("--mfu", Kind.FRACTION, BUDGET, List.of("1.5"), null, false));
    add(l, with(BUDGET, "--price-per-gpu-hour", "2"), null, Kind.QUANTITY, "--price-per-gpu-hour");
    add(l, with(BUDGET, "--gpus", "1024"), null, Kind.INT_POS, "--gpus");
    add(l, with(BUDGET, "--tokens-per-param", "20"), null, Kind.QUANTITY, "--tokens-per-param");
    List<String> hours =
        List.of("scaling", "budget", "--gpu-hours", "1e6", "--gpu", "h100-sxm", "--mfu", "0.4");
    add(l, hours, null, Kind.QUANTITY, "--gpu-hours");
    List<String> cost =
        CliHarness.words(
            "scaling budget --cost 1e6 --price-per-gpu-hour 2 --gpu h100-sxm --mfu 0.4");
    add(l, cost, null, Kind.QUANTITY, "--cost");
    List<String> days =
        CliHarness.words("scaling budget --days 30 --gpus 1024 --gpu h100-sxm --mfu 0.4");
    add(l, days, null, Kind.QUANTITY, "--days");
    add(l, days, null, Kind.INT_POS, "--gpus");
    List<String> fit = List.of("scaling", "fit", "--data", "@runs", "--rounds", "0");
    l.add(new NumericFlag("--rounds", Kind.INT_NONNEG, fit, List.of("1000001"), null, true));
    l.add(new NumericFlag("--drop-highest", Kind.INT_NONNEG, fit, List.of(), null, true));
    l.add(new NumericFlag("--flops", Kind.POSITIVE_LIST, fit, List.of(), null, true));
    List<String> boot = List.of("scaling", "fit", "--data", "@runs", "--rounds", "20");
    l.add(new NumericFlag("--seed", Kind.LONG_ANY, boot, List.of(), null, true));
    l.add(new NumericFlag("--confidence", Kind.OPEN_UNIT, boot, List.of(), null, true));
    List<String> regress =
        List.of("regress", "--history", "@history", "--current", "@current", "--no-append");
    add(l, regress, null, Kind.INT_POS, "--window");
    add(l, regress, null, Kind.DOUBLE_POS, "--threshold");
    add(l, regress, null, Kind.OPEN_UNIT, "--alpha");
    add(l, regress, null, Kind.INT_POS, "--min-history");
    l.add(
        new NumericFlag(
            "--max-error",
            Kind.DOUBLE_POS,
            List.of("measure", "cpu", "--smoke", "--no-save"),
            List.of(),
            null,
            true));
    return l;
  }

  /** Adds each of {@code flags}, of one kind, in the valid command line {@code base}. */
  private static void add(
      List<NumericFlag> l,
      List<String> base,
      Function<JsonNode, List<String>> sanity,
      Kind kind,
      String... flags) {
    for (String flag : flags) {
      l.add(new NumericFlag(flag, kind, base, List.of(), sanity, false));
    }
  }

  static List<String> with(List<String> base, String... more) {
    List<String> l = new ArrayList<>(base);
    l.addAll(List.of(more));
    return l;
  }

  /** Every file that a command reads. */
  static List<FileArg> fileArgs() {
    List<FileArg> l = new ArrayList<>();
    l.add(new FileArg("--model", Input.MODEL, List.of("kv", "--model", "@", "--context", "1024")));
    l.add(
        new FileArg(
            "--model",
            Input.MODEL,
            List.of("memory", "--model", "@", "--gpu", "h100-sxm", "--context", "1024")));
    l.add(
        new FileArg(
            "--model",
            Input.MODEL,
            CliHarness.words("infer --model @ --gpu h100-sxm --prompt 64 --output 8")));
    l.add(new FileArg(null, Input.MODEL, List.of("models", "show", "@")));
    l.add(
        new FileArg(
            "--model",
            Input.MODEL,
            List.of("scaling", "optimal", "--flops", "1e21", "--model", "@")));
    l.add(new FileArg("--input", Input.OPS, List.of("predict", "--input", "@")));
    l.add(
        new FileArg(
            "--data", Input.RUNS, List.of("scaling", "fit", "--data", "@", "--rounds", "0")));
    l.add(new FileArg(null, Input.SCENARIO, List.of("run", "@", "--out", "@out")));
    l.add(
        new FileArg(
            "--history",
            Input.HISTORY,
            List.of("regress", "--history", "@", "--current", "@current", "--no-append")));
    l.add(
        new FileArg(
            "--current",
            Input.CURRENT,
            List.of("regress", "--history", "@history", "--current", "@", "--no-append")));
    l.add(new FileArg(null, Input.HARNESS, List.of("measure", "gpu-import", "@", "--dry-run")));
    l.add(
        new FileArg("--profiles", Input.PROFILES, List.of("profiles", "list", "--profiles", "@")));
    l.add(
        new FileArg(
            "--profiles",
            Input.PROFILES,
            List.of("profiles", "show", FuzzInputs.PROFILE_ID, "--profiles", "@")));
    l.add(
        new FileArg(
            "--profiles",
            Input.PROFILES,
            List.of("memory", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--profiles", "@")));
    l.add(new FileArg("--profiles", Input.PROFILES, with(GEMM, "--profiles", "@")));
    l.add(
        new FileArg(
            "--fit",
            Input.FIT,
            List.of("scaling", "loss", "--params", "7B", "--tokens", "1T", "--fit", "@")));
    l.add(
        new FileArg(
            "--fit", Input.FIT, List.of("scaling", "optimal", "--flops", "1e22", "--fit", "@")));
    return l;
  }

  /** The command line with every placeholder replaced by its file, and --json appended. */
  static List<String> resolve(List<String> args, Map<Input, Path> files, Path out) {
    List<String> l = new ArrayList<>();
    for (String a : args) {
      if (a.equals("@out")) {
        l.add(out.toString());
      } else if (a.matches("@(model|runs|ops|scenario|history|current|harness|profiles|fit)")) {
        l.add(
            files.get(Input.valueOf(a.substring(1).toUpperCase(java.util.Locale.ROOT))).toString());
      } else {
        l.add(a);
      }
    }
    if (!l.contains("--json")) {
      l.add("--json");
    }
    return l;
  }

  /** {@code args} with {@code flag} set to {@code value} (replaced where it is already given). */
  static List<String> set(List<String> args, String flag, String value) {
    List<String> l = new ArrayList<>(args);
    int i = l.indexOf(flag);
    if (i >= 0 && i + 1 < l.size()) {
      l.set(i + 1, value);
    } else {
      l.add(flag);
      l.add(value);
    }
    return l;
  }

  /** Values that every flag of {@code kind} must refuse. */
  static List<String> badValues(Kind kind) {
    List<String> common =
        List.of("abc", "", "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "12abc", "1.2.3");
    List<String> l = new ArrayList<>(common);
    switch (kind) {
      case INT_POS -> l.addAll(List.of("0", "-1", "1.5", "2147483648", "-2147483649"));
      case INT_NONNEG -> l.addAll(List.of("-1", "1.5", "2147483648", "-2147483648"));
      case LONG_POS ->
          l.addAll(List.of("0", "-1", "1.5", "9223372036854775808", "-9223372036854775808"));
      case LONG_ANY -> l.addAll(List.of("1.5", "9223372036854775808"));
      case DOUBLE_POS -> l.addAll(List.of("0", "-1", "-0.0", "-4.9e-324"));
      case FRACTION -> l.addAll(List.of("0", "-1", "1.0000001", "2"));
      case OPEN_UNIT -> l.addAll(List.of("0", "-1", "1", "1.5"));
      case DOUBLE_NONNEG -> l.addAll(List.of("-1", "-1e-9"));
      case ABOVE_ONE -> l.addAll(List.of("1", "0.5", "0", "-2"));
      case QUANTITY -> l.addAll(List.of("0", "-1", "-5B", "1e300P", "B", "1BB"));
      case POSITIVE_LIST -> l.addAll(List.of("0", "-1", "1e21,-1", "1e21,0", "1e21,NaN", "1e300P"));
      default -> throw new IllegalStateException(kind.toString());
    }
    return l;
  }

  /** The largest (and smallest positive) values a flag of {@code kind} can be given. */
  static List<String> extremeValues(Kind kind) {
    return switch (kind) {
      case INT_POS, INT_NONNEG -> List.of("2147483647", "2147483646", "1073741824", "65536");
      case LONG_POS ->
          CliHarness.words("9223372036854775807 9007199254740993 4294967296 2147483648 2147483647");
      case LONG_ANY -> List.of("9223372036854775807", "-9223372036854775808");
      case DOUBLE_POS ->
          List.of("1.7976931348623157e308", "1e300", "9007199254740993", "4.9e-324", "1e-300");
      case FRACTION -> List.of("4.9e-324", "1e-300", "1");
      case OPEN_UNIT -> List.of("4.9e-324", "1e-300", "0.9999999999999999");
      case DOUBLE_NONNEG -> List.of("0", "1.7976931348623157e308", "1e300");
      case ABOVE_ONE -> List.of("1.0000000000000002", "1.7976931348623157e308");
      case QUANTITY, POSITIVE_LIST ->
          CliHarness.words("1.7976931348623157e308 1e300 9223372036854775807 4.9e-324 1e-300 180P");
    };
  }
}
