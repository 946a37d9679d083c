package dev.hwplan.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One parser for every keyed flag value: trimmed, case ignored, an unknown key listed. */
class KeyedTest {
  private enum Engine implements Keyed.ByName {
    VLLM,
    HF_ZERO3
  }

  private static final List<Engine> ALL = List.of(Engine.values());

  @Test
  void keysAreTheNamesInLowerCaseWithDashes() {
    assertThat(Engine.HF_ZERO3.key()).isEqualTo("hf-zero3");
    assertThat(Engine.VLLM.key()).isEqualTo("vllm");
  }

  @Test
  void parsesTrimmedAndIgnoringCase() {
    assertThat(Keyed.parse(ALL, " HF-Zero3 ", "--engine", "engine")).isEqualTo(Engine.HF_ZERO3);
    assertThat(Keyed.find(ALL, "hf_zero3")).isNull();
    assertThat(Keyed.find(ALL, null)).isNull();
  }

  @Test
  void anUnknownKeyNamesTheFlagAndTheKnownKeys() {
    assertThatThrownBy(() -> Keyed.parse(ALL, "sglang", "--engine", "engine"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "command line: field '--engine': unknown engine 'sglang' (known: vllm, hf-zero3)");
    assertThatThrownBy(() -> Keyed.parse(ALL, null, "--engine", "engine"))
        .hasMessageContaining("unknown engine 'null'");
  }
}
