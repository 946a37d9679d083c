package dev.hwplan.perf.attention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Phase;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PrefillAttentionTimeModel.Tiles#of}'s closed-form sum against its walk, tile by tile. */
class PrefillTilesTest {
  private static final AttentionKernel[] KERNELS = {
    AttentionKernel.SDPA_FLASH, AttentionKernel.CUDNN, AttentionKernel.SPLIT_K
  };

  @Test
  void closedFormEqualsTheWalk() {
    Random r = new Random(14);
    int closed = 0;
    for (int n = 0; n < 20_000; n++) {
      long query = 1 + (long) Math.floor(Math.pow(2, r.nextDouble() * 20));
      long prefix = r.nextInt(3) == 0 ? 0 : (long) Math.floor(Math.pow(2, r.nextDouble() * 20));
      long window = r.nextInt(3) == 0 ? 1 + r.nextInt(1 << 14) : Long.MAX_VALUE;
      int dq = new int[] {64, 96, 128, 192, 256}[r.nextInt(5)];
      OpShape.Attention s =
          new OpShape.Attention(
              Phase.PREFILL,
              1 + r.nextInt(64),
              32,
              8,
              dq,
              dq,
              prefix + query,
              query,
              2,
              AttentionKernel.SDPA_FLASH,
              window);
      AttentionKernel kernel = KERNELS[r.nextInt(KERNELS.length)];
      boolean backward = r.nextBoolean();
      PrefillAttentionTimeModel.Tiles fast =
          PrefillAttentionTimeModel.Tiles.of(s, kernel, backward);
      PrefillAttentionTimeModel.Tiles walk =
          PrefillAttentionTimeModel.Tiles.of(s, kernel, backward, true);
      assertThat(fast).as("%s %s %s", s, kernel, backward).isEqualTo(walk);
      closed += window > prefix + query ? 1 : 0;
    }
    assertThat(closed).isGreaterThan(10_000);
  }
}
