package dev.hwplan.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WholeNumbersTest {
  private static Object value(String s) {
    WholeNumbers.Result r = WholeNumbers.parse(s);
    return r instanceof WholeNumbers.Value v ? (Object) v.value() : r.getClass().getSimpleName();
  }

  @Test
  void readsTheFormsPeopleWriteExactly() {
    assertThat(value("131072")).isEqualTo(131072L);
    assertThat(value(" 131_072 ")).isEqualTo(131072L);
    assertThat(value("1e3")).isEqualTo(1000L);
    assertThat(value("1.5e4")).isEqualTo(15000L);
    assertThat(value("128k")).isEqualTo(128000L);
    // a double would make 32.2k 32200.000000000004
    assertThat(value("32.2k")).isEqualTo(32200L);
    assertThat(value("1.4T")).isEqualTo(1_400_000_000_000L);
    assertThat(value("-3")).isEqualTo(-3L);
    assertThat(value("0")).isEqualTo(0L);
    assertThat(value("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void refusesWhatIsNotAWholeNumber() {
    for (String s :
        new String[] {"1.5", "1e-3", "12x", "NaN", "Infinity", "", "k", "0x10", "1.00001k"}) {
      assertThat(value(s)).as(s).isEqualTo("NotWhole");
    }
    assertThat(value("9223372036854775808")).isEqualTo("TooLarge");
    assertThat(value("1e300")).isEqualTo("TooLarge");
  }
}
