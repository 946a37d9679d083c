package dev.hwplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.StrictMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs one fuzz case in-process, judges what the CLI did, and counts the outcomes over the whole
 * suite (written to {@code target/fuzz-outcomes.txt}). With {@code -Dhwplan.fuzz.tallyOnly=true}
 * nothing is asserted, so that the counts of a codebase that still fails can be taken.
 */
final class FuzzOutcomes {
  private FuzzOutcomes() {}

  /** What the CLI did with a case. */
  enum Outcome {
    /** Exit 2, one line naming the file or flag, no stack trace, nothing written. */
    REFUSED_CLEARLY,
    /** Exit 2, but the message or the side effects break the contract. */
    REFUSED_UNCLEARLY,
    /** Exit 70: the CLI took bad input for a bug of its own. */
    INTERNAL_ERROR,
    /** Exit 0 or 1 on input that must be refused: a silent wrong answer. */
    SILENT_WRONG_ANSWER,
    /** Exit 0 on an extreme but acceptable value, with a finite, consistent answer. */
    ANSWERED_SANELY,
    /** Exit 0 on an extreme value with a wrapped, negative, infinite or inconsistent answer. */
    NONSENSE_ANSWER,
    /** Anything else (an exception escaped picocli, an unknown exit code). */
    OTHER
  }

  /**
   * One case.
   *
   * @param category what kind of bad input, for the counts
   * @param args the command line
   * @param names what the message must mention (any one of them): the flag, or the file
   * @param alsoNamed what it must mention as well (all of them), e.g. the field of a file
   * @param mustRefuse whether exit 0 is a silent wrong answer; otherwise a sane answer is fine
   * @param sanity problems with a JSON answer (empty when it is sane)
   * @param detail what the case changed, for the report of cases that did not pass
   */
  record Case(
      String category,
      List<String> args,
      List<String> names,
      List<String> alsoNamed,
      boolean mustRefuse,
      Function<JsonNode, List<String>> sanity,
      String detail) {
    Case(
        String category,
        List<String> args,
        List<String> names,
        List<String> alsoNamed,
        boolean mustRefuse,
        Function<JsonNode, List<String>> sanity) {
      this(category, args, names, alsoNamed, mustRefuse, sanity, "");
    }

    Case(
        String category,
        List<String> args,
        List<String> names,
        boolean mustRefuse,
        Function<JsonNode, List<String>> sanity) {
      this(category, args, names, List.of(), mustRefuse, sanity);
    }
  }

  /** The verdict on one run. */
  record Verdict(Outcome outcome, String why, CliHarness result) {}

  static final boolean TALLY_ONLY = Boolean.getBoolean("hwplan.fuzz.tallyOnly");

  private static final Map<String, Map<Outcome, Integer>> COUNTS = new TreeMap<>();
  private static final List<String> EXAMPLES = new ArrayList<>();

  /** Runs the case with {@code work} as the folder that must stay unchanged. */
  static Verdict run(Case c, Path work) {
    Map<String, String> before = snapshot(work);
    List<String> cwdBefore = listing(Path.of("."));
    CliHarness r;
    try {
      r = CliHarness.run(c.args().toArray(String[]::new));
    } catch (RuntimeException e) {
      return record(c, new Verdict(Outcome.OTHER, "escaped: " + e, null));
    }
    boolean unchanged = before.equals(snapshot(work)) && cwdBefore.equals(listing(Path.of(".")));
    return record(c, judge(c, r, unchanged));
  }

  static Verdict judge(Case c, CliHarness r, boolean unchanged) {
    int code = r.exitCode();
    if (code == Hwplan.INTERNAL_ERROR) {
      return new Verdict(Outcome.INTERNAL_ERROR, firstLine(r.err()), r);
    }
    if (code == Hwplan.BAD_INPUT) {
      String why = messageProblem(c, r, unchanged);
      return new Verdict(
          why == null ? Outcome.REFUSED_CLEARLY : Outcome.REFUSED_UNCLEARLY,
          why == null ? firstLine(r.err()) : why,
          r);
    }
    if (code == Hwplan.OK || code == Hwplan.CHECK_FAILED) {
      if (c.mustRefuse()) {
        return new Verdict(Outcome.SILENT_WRONG_ANSWER, "exit " + code, r);
      }
      List<String> problems = new ArrayList<>();
      JsonNode j = null;
      try {
        j = StrictMapper.json().readTree(r.out());
      } catch (IOException | RuntimeException e) {
        problems.add("stdout is not JSON");
      }
      if (j != null) {
        problems.addAll(FuzzSanity.generic(j));
        if (c.sanity() != null) {
          problems.addAll(c.sanity().apply(j));
        }
      }
      return problems.isEmpty()
          ? new Verdict(Outcome.ANSWERED_SANELY, "", r)
          : new Verdict(Outcome.NONSENSE_ANSWER, String.join("; ", problems), r);
    }
    return new Verdict(Outcome.OTHER, "exit " + code + ": " + firstLine(r.err()), r);
  }

  /** Null when the refusal meets the contract, else what is wrong with it. */
  private static String messageProblem(Case c, CliHarness r, boolean unchanged) {
    String err = r.err();
    List<String> lines = err.lines().toList();
    if (lines.isEmpty() || !lines.get(0).startsWith("hwplan: error: ")) {
      return "no 'hwplan: error:' line: " + err;
    }
    if (lines.size() > 2 || lines.size() == 2 && !lines.get(1).startsWith("Try 'hwplan ")) {
      return "more than one line: " + err;
    }
    if (err.contains("Exception") || err.contains("\tat ")) {
      return "stack trace text: " + lines.get(0);
    }
    if (c.names().stream().noneMatch(lines.get(0)::contains)
        || !c.alsoNamed().stream().allMatch(lines.get(0)::contains)) {
      return "names none of " + c.names() + " (and all of " + c.alsoNamed() + "): " + lines.get(0);
    }
    if (!r.out().isEmpty()) {
      return "wrote " + r.out().length() + " chars to stdout: " + lines.get(0);
    }
    if (!unchanged) {
      return "changed files: " + lines.get(0);
    }
    return null;
  }

  private static String firstLine(String s) {
    return s.lines().findFirst().orElse("");
  }

  private static synchronized Verdict record(Case c, Verdict v) {
    COUNTS.computeIfAbsent(c.category(), k -> new TreeMap<>()).merge(v.outcome(), 1, Integer::sum);
    boolean bad = v.outcome() != Outcome.REFUSED_CLEARLY && v.outcome() != Outcome.ANSWERED_SANELY;
    if (bad && EXAMPLES.size() < 400) {
      EXAMPLES.add(
          v.outcome()
              + " ["
              + c.category()
              + "] "
              + String.join(" ", c.args())
              + (c.detail().isEmpty() ? "" : "  {" + c.detail() + "}")
              + "\n    "
              + v.why());
    }
    writeSummary();
    return v;
  }

  /** The counts so far, one category a line, and the first cases that did not pass. */
  static synchronized String summary() {
    StringBuilder sb = new StringBuilder();
    Map<Outcome, Integer> total = new TreeMap<>();
    COUNTS.forEach(
        (cat, m) -> {
          sb.append(String.format("%-22s", cat));
          m.forEach(
              (o, n) -> {
                sb.append(' ').append(o).append('=').append(n);
                total.merge(o, n, Integer::sum);
              });
          sb.append('\n');
        });
    int all = total.values().stream().mapToInt(Integer::intValue).sum();
    sb.append(String.format("%-22s", "TOTAL " + all));
    total.forEach((o, n) -> sb.append(' ').append(o).append('=').append(n));
    sb.append("\n\n");
    EXAMPLES.forEach(e -> sb.append(e).append('\n'));
    return sb.toString();
  }

  private static void writeSummary() {
    try {
      Path target = Path.of("target");
      if (Files.isDirectory(target)) {
        Files.writeString(target.resolve("fuzz-outcomes.txt"), summary());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every file under {@code dir} with a hash of its bytes, and every folder. */
  static Map<String, String> snapshot(Path dir) {
    Map<String, String> m = new TreeMap<>();
    if (!Files.exists(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        String key = dir.relativize(p).toString();
        m.put(key, Files.isDirectory(p) ? "dir" : hash(Files.readAllBytes(p)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  private static List<String> listing(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String hash(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
