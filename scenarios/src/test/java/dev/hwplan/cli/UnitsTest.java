package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Units#PLAIN} (no locale) prints exactly what {@code Locale.ROOT} prints for every
 * conversion the quick commands use, so that switching to it for start-up moved no byte.
 */
class UnitsTest {
  /** The specifiers of the quick commands' format strings (InferCommand, KvCommand, ...). */
  private static final List<String> NUMBERS =
      List.of(
          "%.0f",
          "%.1f", "%.2f", "%.3f", "%5.1f", "%7.3f", "%,.2f", "%d", "%,d", "%10d", "%-4d", "%s");

  private static final List<String> TEXT = List.of("%s", "%-28s", "%12s", "%-44s", "%5s", "%10s");

  @Property(tries = 2000, seed = "20261207")
  void numbersPrintAsUnderLocaleRoot(
      @ForAll("specifiers") String spec, @ForAll("numbers") Object value) {
    if (spec.endsWith("d") && value instanceof Double) {
      return; // %d takes integers only
    }
    if (spec.endsWith("f") && value instanceof Long) {
      return; // %f takes floating point only
    }
    String format = "[" + spec + "]%n%%";
    assertThat(String.format(Units.PLAIN, format, value))
        .isEqualTo(String.format(Locale.ROOT, format, value));
  }

  @Provide
  Arbitrary<String> specifiers() {
    return Arbitraries.of(NUMBERS);
  }

  @Provide
  Arbitrary<Object> numbers() {
    return Arbitraries.oneOf(
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.doubles().between(-1e4, 1e4).ofScale(4).map(d -> (Object) d),
        Arbitraries.of(
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            -0.05,
            1e-9,
            9.9999,
            1e300,
            -1e300,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.of(0L, -1L, 999L, 1000L, -1000L, Long.MIN_VALUE, Long.MAX_VALUE));
  }

  @Test
  void textAndTheUnitsPrintAsUnderLocaleRoot() {
    for (String spec : TEXT) {
      for (String s : List.of("", "mlp.gate_up_proj", "attention", "é x", "a".repeat(50))) {
        assertThat(String.format(Units.PLAIN, spec, s))
            .isEqualTo(String.format(Locale.ROOT, spec, s));
      }
    }
    assertThat(Units.seconds(0.184934)).isEqualTo("184.934 ms");
    assertThat(Units.seconds(6.5e-7)).isEqualTo("650.0 ns");
    assertThat(Units.bytes(123_456_789L)).isEqualTo("123,456,789 B (117.74 MiB)");
    assertThat(Units.bytes(2_097_152L)).isEqualTo("2,097,152 B (2.00 MiB)");
    assertThat(Units.bytes(5L << 30)).isEqualTo("5,368,709,120 B (5.00 GiB)");
    assertThat(Units.billions(8_030_261_248L)).isEqualTo("8,030,261,248 (8.03B)");
  }
}
