package dev.hwplan.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.op.ExpertRouting;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The interpolated busiest rows against the walk ({@link ExpertRouting#ceilExpectedMax}, itself the
 * exact sum's ceiling): the same ceiling at every token count tried, and the sum within an eighth
 * of the bound the table claims (so the bound's safety factor is not what keeps it).
 */
class ExpertRowsTableTest {
  /** {@code (experts, topK)} of the catalog's MoE models, and groups of ranks {@code (ep, 1)}. */
  private static final int[][] ROUTINGS = {
    {256, 8}, {8, 2}, {128, 8}, {128, 4}, {384, 8}, {16, 1}, {128, 1}, {64, 6}, {32, 4}, {60, 4},
    {160, 6}, {2, 1}, {4, 1}, {8, 1}, {16, 1}, {32, 1}, {64, 1}
  };

  @Test
  void everyTokenCountOfAShortPrefillGivesTheWalksCeiling() {
    ExpertRowsTable table = new ExpertRowsTable();
    double p = 8 / 256.0;
    for (long n = 1; n <= 60_000; n++) {
      assertSameCeilingAndWithinAnEighth(table, n, p, 256);
    }
  }

  @Test
  void tokenCountsUpTo2To31GiveTheWalksCeiling() {
    ExpertRowsTable table = new ExpertRowsTable();
    for (int[] r : ROUTINGS) {
      double p = Math.min(1, r[1] / (double) r[0]);
      for (long n = 1; n < Integer.MAX_VALUE; n = n * 51 / 50 + 7) {
        assertSameCeilingAndWithinAnEighth(table, n, p, r[0]);
      }
    }
  }

  @Property(tries = 300, seed = "20261206")
  void randomRoutingsGiveTheWalksCeiling(
      @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int n,
      @ForAll @IntRange(min = 2, max = 512) int g,
      @ForAll @IntRange(min = 1, max = 64) int k) {
    double p = Math.min(0.999, k / (double) g);
    assertSameCeilingAndWithinAnEighth(new ExpertRowsTable(), n, p, g);
  }

  @Test
  void nodesDoubleEveryOctave() {
    assertThat(ExpertRowsTable.node(0)).isEqualTo(16);
    assertThat(ExpertRowsTable.node(16)).isEqualTo(32);
    assertThat(ExpertRowsTable.node(ExpertRowsTable.NODES - 1)).isLessThan(Integer.MAX_VALUE);
    for (int j = 0; j < ExpertRowsTable.NODES - 1; j++) {
      long n = ExpertRowsTable.node(j);
      assertThat(ExpertRowsTable.cell(n)).isEqualTo(j);
      assertThat(ExpertRowsTable.cell(ExpertRowsTable.node(j + 1) - 1)).isEqualTo(j);
    }
  }

  private static void assertSameCeilingAndWithinAnEighth(
      ExpertRowsTable table, long n, double p, int g) {
    assertThat(table.ceilExpectedMax(n, p, g))
        .as("n %d p %s g %d", n, p, g)
        .isEqualTo(ExpertRouting.ceilExpectedMax(n, p, g));
    double[] interval = table.interval(n, p, g);
    if (interval != null) {
      assertThat(Math.abs(ExpertRouting.expectedMax(n, p, g) - interval[0]))
          .as("n %d p %s g %d", n, p, g)
          .isLessThanOrEqualTo(interval[1] / 8);
    }
  }
}
