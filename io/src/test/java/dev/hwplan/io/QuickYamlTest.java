package dev.hwplan.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * The quick YAML reader reads its subset into exactly Jackson's tree (node types included), and
 * declines everything else; {@link QuickReader#yamlTree} then falls back to Jackson.
 */
class QuickYamlTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Jackson's tree, or null where Jackson refuses the document. */
  private static JsonNode jackson(String yaml) {
    try {
      return QuickReader.jacksonYamlTree(utf8(yaml));
    } catch (QuickReader.Unsupported e) {
      return null;
    }
  }

  /** The quick reader's tree, or null where it declines. */
  private static JsonNode quick(String yaml) {
    try {
      return QuickYaml.tree(utf8(yaml));
    } catch (QuickReader.Unsupported e) {
      return null;
    }
  }

  private static final String PROFILE =
      "# A profile-like document\n"
          + "id: h100-sxm\n"
          + "name: NVIDIA H100 SXM5 80GB   # trailing comment\n"
          + "units:\n"
          + "  enabled: {gpcs: 8, tpcs: 66, sms: 132}        # comment\n"
          + "sm:\n"
          + "  subPartitions: 4\n"
          + "\n"
          + "  # a comment line inside a mapping\n"
          + "  l1SharedKiB: 256\n"
          + "memory:\n"
          + "  capacityBytes: 85899345920\n"
          + "  bandwidthGBps: 3352.5\n"
          + "  negative: -700\n"
          + "  zero: 0\n"
          + "  minusZero: -0.0\n"
          + "  flag: true\n"
          + "  off: false\n"
          + "  nothing: null\n"
          + "  text: 2.1 (NVLink 900 GB/s) and a#hash\n"
          + "unconfirmed:\n"
          + "  - field: clocks.tensorMHz\n"
          + "    note: >-\n"
          + "      The split 1830/1980 MHz clocks come from # not a comment\n"
          + "      arithmetic (528 x 1024 x 1.830 GHz = 989.4 TFLOPS): verbatim.\n"
          + "  - field: clocks.baseMHz\n"
          + "    note: NVIDIA publishes no base clock; left out.\n"
          + "notes:\n"
          + "- first\n"
          + "- >-\n"
          + "  folded\n"
          + "  text\n"
          + "\n"
          + "sources:\n"
          + "  H100-WP: >-\n"
          + "    NVIDIA whitepaper, Table 3.\n"
          + "  H100-DS: x\n";

  @Test
  void readsTheProfileSubsetEqualToJackson() {
    JsonNode q = quick(PROFILE);
    assertThat(q).isNotNull().isEqualTo(jackson(PROFILE));
    assertThat(q.get("memory").get("capacityBytes").isLong()).isTrue();
    assertThat(q.get("sm").get("subPartitions").isInt()).isTrue();
    assertThat(q.get("unconfirmed").get(0).get("note").textValue())
        .isEqualTo(
            "The split 1830/1980 MHz clocks come from # not a comment arithmetic (528 x 1024 x"
                + " 1.830 GHz = 989.4 TFLOPS): verbatim.");
    assertThat(QuickReader.yamlTree(utf8(PROFILE))).isEqualTo(q);
  }

  @Test
  void declinesWhatItDoesNotReadExactly() {
    for (String doc :
        List.of(
            "a: 'quoted'\n",
            "a: \"quoted\"\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: [1, 2]\n",
            "a: |\n  literal\n",
            "a: >\n  clipped\n",
            "a: >-\n  one\n\n  two\n",
            "a: >-\n  one\n    more indented\n",
            "a: plain\n  continued\n",
            "a: yes\n",
            "a: Off\n",
            "a: True\n",
            "a: ~\n",
            "a: 0755\n",
            "a: 1_000\n",
            "a: 0x1F\n",
            "a: 1e5\n",
            "a: .5\n",
            "a: 1.\n",
            "a: 2024-01-02\n",
            "a: 1:30\n",
            "a: 99999999999999999999\n",
            "a: 1\na: 2\n",
            "a:\tb\n",
            "a: 1\r\n",
            "---\na: 1\n",
            "- a\n",
            "a:\n",
            "a: b: c\n",
            "? a\n: b\n",
            "a: {b: [1]}\n",
            "a: {b: 1,\n  c: 2}\n",
            "",
            "  a: 1\n")) {
      assertThat(quick(doc)).as(doc).isNull();
    }
    assertThatThrownBy(() -> QuickYaml.tree(new byte[] {'a', ':', ' ', (byte) 0xFF, '\n'}))
        .isInstanceOf(QuickReader.Unsupported.class);
  }

  @Test
  void yamlTreeFallsBackToJacksonWhereTheQuickReaderDeclines() {
    String doc = "a: 'quoted'\nb: yes\nc: 0x10\n";
    assertThat(quick(doc)).isNull();
    assertThat(QuickReader.yamlTree(utf8(doc))).isEqualTo(jackson(doc)).isNotNull();
  }

  /** Documents made of the subset's pieces and of near misses: accepted ones equal Jackson's. */
  @Property(tries = 1000, seed = "20261207")
  void whatItAcceptsEqualsJackson(@ForAll("documents") String doc) {
    JsonNode q = quick(doc);
    Statistics.label("quick reader").collect(q != null ? "accepted" : "declined");
    if (q != null) {
      assertThat(q).as(doc).isEqualTo(jackson(doc));
    }
  }

  @Provide
  Arbitrary<String> documents() {
    Arbitrary<String> read =
        Arbitraries.of(
            "0",
            "-0",
            "7",
            "-700",
            "2147483647",
            "2147483648",
            "-2147483649",
            "85899345920",
            "9223372036854775807",
            "66.9",
            "-0.0",
            "0.5",
            "1978.90",
            "true",
            "false",
            "null",
            "Hopper",
            "NVIDIA H100",
            "2.1 (NVLink 900 GB/s)",
            "a#b",
            "x # c",
            "é",
            "3 GB",
            "1 2",
            "{a: 1}",
            "{a: 1, b: two words}");
    Arbitrary<String> declined =
        Arbitraries.of(
            "9223372036854775808",
            "00",
            "012",
            "1_0",
            "1e3",
            "1.5e3",
            ".5",
            "1.",
            "+1",
            "0x10",
            "0o7",
            "0b1",
            "1:30",
            "2024-01-02",
            "True",
            "FALSE",
            "Null",
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "n",
            "~",
            "1830/1980",
            "a:b",
            "a: b",
            "-",
            "- a",
            "-x",
            "-1 x",
            "'q'",
            "\"q\"",
            "&a",
            "*a",
            "!t",
            "[1]",
            "{a: [1]}",
            "{}",
            "|",
            ">",
            ">-",
            "%x",
            "@x",
            "`x`",
            "= x",
            "<< x");
    Arbitrary<String> scalar = Arbitraries.frequencyOf(Tuple.of(19, read), Tuple.of(1, declined));
    Arbitrary<String> key =
        Arbitraries.frequencyOf(
            Tuple.of(19, Arbitraries.of("a", "b", "fp8", "H100-WP", "l2MiB", "x.y")),
            Tuple.of(1, Arbitraries.of("1a", "_k", "a b")));
    Arbitrary<String> leaf =
        Arbitraries.frequencyOf(
            Tuple.of(8, scalar.map(v -> " " + v)),
            Tuple.of(2, Arbitraries.just(" >-\n    one line\n    two # line")),
            Tuple.of(1, Arbitraries.of(" >-\n    one\n\n    two", " >-\n    one\n     two")));
    Arbitrary<String> entry = Arbitraries.lazy(() -> entry(key, leaf, scalar));
    return entry.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("", l));
  }

  private Arbitrary<String> entry(
      Arbitrary<String> key, Arbitrary<String> leaf, Arbitrary<String> scalar) {
    Arbitrary<String> simple = key.flatMap(k -> leaf.map(v -> k + ":" + v + "\n"));
    Arbitrary<String> nested =
        key.flatMap(
            k -> key.flatMap(k2 -> scalar.map(v -> k + ":\n  " + k2 + ": " + v + "\n  z: 1\n")));
    Arbitrary<String> sequence =
        key.flatMap(
            k ->
                scalar
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(3)
                    .map(
                        vs -> {
                          StringBuilder b = new StringBuilder(k + ":\n");
                          for (String v : vs) {
                            b.append("  - ").append(v).append('\n');
                          }
                          return b.toString();
                        }));
    Arbitrary<String> mappings =
        key.flatMap(
            k ->
                scalar.flatMap(
                    v ->
                        scalar.map(
                            w -> k + ":\n  - field: " + v + "\n    note: " + w + "\n  - q: 1\n")));
    return Arbitraries.oneOf(simple, nested, sequence, mappings);
  }
}
