package dev.hwplan.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.InvalidInputException;
import org.junit.jupiter.api.Test;

class LayoutTest {
  @Test
  void parsesTheContractsForm() {
    Layout l =
        Layout.parse("tp=8,pp=16,dp=64,cp=2,ep=1,vpp=2,sp=false", 2, 1, Recompute.FULL, false);
    assertThat(l.tp()).isEqualTo(8);
    assertThat(l.pp()).isEqualTo(16);
    assertThat(l.dp()).isEqualTo(64);
    assertThat(l.cp()).isEqualTo(2);
    assertThat(l.vpp()).isEqualTo(2);
    assertThat(l.sp()).isFalse();
    assertThat(l.gpus()).isEqualTo(8L * 16 * 64 * 2);
    assertThat(l.shardGroup()).isEqualTo(128);
    assertThat(l.label()).isEqualTo("TP8 PP16x2 DP64 CP2 mb2 ZeRO1 full");
    // omitted sizes are 1 and SP follows TP
    Layout d = Layout.parse("tp=4, dp=2", 1, 0, Recompute.NONE, false);
    assertThat(d.pp()).isEqualTo(1);
    assertThat(d.sp()).isTrue();
  }

  @Test
  void badLayoutsNameTheFlagAndField() {
    assertThatThrownBy(() -> Layout.parse("tp=8,pq=2", 1, 0, Recompute.NONE, false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--layout")
        .hasMessageContaining("unknown field 'pq'");
    assertThatThrownBy(() -> Layout.parse("tp=0", 1, 0, Recompute.NONE, false))
        .hasMessageContaining("field 'tp' must be a positive integer, got 0");
    assertThatThrownBy(() -> Layout.parse("tp=x", 1, 0, Recompute.NONE, false))
        .hasMessageContaining("field 'tp' must be a positive integer, got 'x'");
    assertThatThrownBy(() -> Layout.parse("sp=maybe", 1, 0, Recompute.NONE, false))
        .hasMessageContaining("field 'sp' must be true or false");
    assertThatThrownBy(() -> Layout.parse("tp", 1, 0, Recompute.NONE, false))
        .hasMessageContaining("is not key=value");
    assertThatThrownBy(() -> Layout.parse("tp=2", 1, 4, Recompute.NONE, false))
        .hasMessageContaining("--zero");
    assertThatThrownBy(() -> Precision.parse("fp4", "--precision"))
        .hasMessageContaining("--precision")
        .hasMessageContaining("unknown precision 'fp4'");
    assertThatThrownBy(() -> Recompute.parse("some", "--recompute"))
        .hasMessageContaining("--recompute");
  }
}
