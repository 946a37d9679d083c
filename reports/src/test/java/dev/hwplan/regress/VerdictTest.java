package dev.hwplan.regress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.io.StrictMapper;
import org.junit.jupiter.api.Test;

/** The verdicts as the JSON report spells them. */
class VerdictTest {
  @Test
  void eachVerdictIsWrittenAndReadByItsKey() throws Exception {
    assertThat(StrictMapper.json().writeValueAsString(Verdict.values()))
        .isEqualTo("[\"regressed\",\"improved\",\"unchanged\",\"new\",\"insufficient-history\"]");
    assertThat(StrictMapper.json().readValue("\"insufficient-history\"", Verdict.class))
        .isEqualTo(Verdict.INSUFFICIENT_HISTORY);
  }
}
