package dev.hwplan.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StepSpreadTest {
  @Test
  void boundsAreTheSplitConformalRanks() {
    // 19 steps: ranks floor(0.05 x 20) = 1 and ceil(0.95 x 20) = 19, the extremes
    double[] r19 = IntStream.rangeClosed(1, 19).mapToDouble(i -> 0.9 + i / 100.0).toArray();
    StepSpread.Bounds b = StepSpread.Bounds.of(r19);
    assertThat(b.low()).isEqualTo(0.91);
    assertThat(b.high()).isEqualTo(1.09);
    assertThat(b.n()).isEqualTo(19);
    // 72 steps (the H100's dense decodes): ranks floor(3.65) = 3 and ceil(69.35) = 70
    double[] r72 = IntStream.rangeClosed(1, 72).mapToDouble(i -> i).toArray();
    StepSpread.Bounds c = StepSpread.Bounds.of(r72);
    assertThat(c.low()).isEqualTo(3);
    assertThat(c.high()).isEqualTo(70);
    // 39 steps: ranks floor(0.05 x 40) = 2 and ceil(0.95 x 40) = 38 (0.05 x 40 in doubles is
    // 1.9999999999999998)
    double[] r39 = IntStream.rangeClosed(1, 39).mapToDouble(i -> i).toArray();
    StepSpread.Bounds d = StepSpread.Bounds.of(r39);
    assertThat(d.low()).isEqualTo(2);
    assertThat(d.high()).isEqualTo(38);
  }

  @Test
  void tooFewStepsHaveNoBounds() {
    assertThat(StepSpread.Bounds.of(new double[18])).isNull();
    assertThatThrownBy(() -> new StepSpread.Bounds(1.1, 1.0, 30))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachKindHasItsBounds() {
    double[] r = IntStream.rangeClosed(1, 20).mapToDouble(i -> i).toArray();
    StepSpread.Bounds b = StepSpread.Bounds.of(r);
    StepSpread s = new StepSpread(Map.of(new StepSpread.Kind(true, false, false), b), "test");
    assertThat(s.bounds(new StepSpread.Kind(true, false, false))).isSameAs(b);
    assertThat(s.bounds(new StepSpread.Kind(false, false, false))).isNull();
  }
}
