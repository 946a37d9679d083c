package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * Whole-number options read {@code 1e3}, {@code 1.5e4} and {@code 128k} as {@link
 * QuantityConverter}'s options read counts ({@link WholeNumberConverter}), through picocli's tree
 * and the quick path alike, and refuse what is not a whole number in one line with exit 2.
 */
class WholeNumberOptionsTest {
  private static String quick(String line) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Integer code =
        QuickPath.run(new PrintWriter(out, true), new PrintWriter(err, true), line.split(" "));
    return code + "|" + out + "|" + err;
  }

  /** The JSON without the lines that echo the length distributions as the user wrote them. */
  private static String withoutEcho(String json) {
    return json.lines()
        .filter(l -> !l.contains("\"promptTokens\"") && !l.contains("\"outputTokens\""))
        .reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void scientificAndSuffixedCountsEqualTheirDigits() {
    String digits = "kv --model llama-3.1-8b --context 131072 --batch 1000 --json";
    CliHarness plain = CliHarness.line(digits);
    assertThat(plain.exitCode()).isZero();
    for (String same :
        new String[] {
          "kv --model llama-3.1-8b --context 1.31072e5 --batch 1e3 --json",
          "kv --model llama-3.1-8b --context 131_072 --batch 1k --json"
        }) {
      assertThat(CliHarness.line(same).out()).isEqualTo(plain.out());
      assertThat(quick(same)).isEqualTo(quick(digits));
    }
    // 128k is 128,000 tokens, as a scenario file's 128k
    assertThat(CliHarness.line("kv --model llama-3.1-8b --context 128k --json").out())
        .isEqualTo(CliHarness.line("kv --model llama-3.1-8b --context 128000 --json").out());
    // exactly: 32.2k is 32,200 (a double would make it 32200.000000000004)
    assertThat(CliHarness.line("kv --model llama-3.1-8b --context 32.2k --json").out())
        .isEqualTo(CliHarness.line("kv --model llama-3.1-8b --context 32200 --json").out());
    // serve's length distributions read the same forms (the JSON echoes them as written)
    assertThat(
            withoutEcho(
                CliHarness.line(
                        "serve --model llama-3.1-8b --gpu h100-sxm --qps 1 --requests 20"
                            + " --prompt-tokens 1k --output-tokens 1e2 --json")
                    .out()))
        .isEqualTo(
            withoutEcho(
                CliHarness.line(
                        "serve --model llama-3.1-8b --gpu h100-sxm --qps 1 --requests 20"
                            + " --prompt-tokens 1000 --output-tokens 100 --json")
                    .out()));
    // an int option reads the same forms
    assertThat(CliHarness.line("kv --model llama-3.1-8b --context 4096 --tp 8e0 --json").out())
        .isEqualTo(CliHarness.line("kv --model llama-3.1-8b --context 4096 --tp 8 --json").out());
  }

  @Test
  void whatIsNotAWholeNumberIsRefusedInOneLine() {
    for (String bad : new String[] {"1.5", "1e-3", "12x", "NaN", "1e300", "3e9"}) {
      // 3e9 is a whole number, but not an int: --tp refuses it, --context takes it
      String line =
          bad.equals("3e9")
              ? "kv --model llama-3.1-8b --context 4096 --tp"
              : "kv --model llama-3.1-8b --context";
      String arg = bad.equals("3e9") ? "--tp" : "--context";
      CliHarness r = CliHarness.line(line, bad);
      assertThat(r.exitCode()).as(bad).isEqualTo(2);
      assertThat(r.err().strip().lines()).as(bad).hasSize(1);
      assertThat(r.err()).as(bad).contains(arg).contains("'" + bad + "'");
      assertThat(r.out()).isEmpty();
    }
  }
}
