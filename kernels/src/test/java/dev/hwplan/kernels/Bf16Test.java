package dev.hwplan.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Bf16Test {
  @Test
  void roundsToNearestEvenLikePytorch() {
    assertThat(Bf16.toFloat(Bf16.fromFloat(1f))).isEqualTo(1f);
    // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1).
    assertThat(Bf16.toFloat(Bf16.fromFloat(1f + 0x1p-8f))).isEqualTo(1f);
    // 1 + 3·2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: ties to even (1 + 2^-6).
    assertThat(Bf16.toFloat(Bf16.fromFloat(1f + 3 * 0x1p-8f))).isEqualTo(1f + 0x1p-6f);
    assertThat(Bf16.toFloat(Bf16.fromFloat(1f + 0x1p-8f + 0x1p-20f))).isEqualTo(1f + 0x1p-7f);
    assertThat(Bf16.toFloat(Bf16.fromFloat(Float.NaN))).isNaN();
    assertThat(Bf16.toFloat(Bf16.fromFloat(Float.NEGATIVE_INFINITY)))
        .isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(Bf16.toFloat(Bf16.fromFloat(-0f))).isEqualTo(-0f);
  }

  @Test
  void relativeErrorIsAtMostTwoToTheMinusEight() {
    float[] x = Inputs.uniform(5, 100_000, -1e6f, 1e6f);
    for (float v : x) {
      float r = Bf16.toFloat(Bf16.fromFloat(v));
      assertThat(Math.abs((double) r - v)).isLessThanOrEqualTo(Math.abs(v) * Bf16.UNIT_ROUNDOFF);
    }
  }
}
