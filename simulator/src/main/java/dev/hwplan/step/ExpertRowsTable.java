package dev.hwplan.step;

import dev.hwplan.op.ExpertRouting;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@link ExpertRouting#ceilExpectedMax} (the rows of the busiest expert or expert group under top-k
 * routing) from a table of its sums by value, for {@link StepTimes}: a prefill of {@code n} tokens
 * asks for the ceiling of a sum over about 24 standard deviations of the Binomial, a walk of
 * thousands of terms at the token counts of long prompts. The table keeps, for each {@code (p, g)},
 * the sum {@link ExpertRouting#expectedMax} at the nodes {@code n_j = (16 + j mod 16) 2^(j / 16)}
 * (16 an octave, below {@code 2^31}), each taken once, when first needed.
 *
 * <p>Between nodes, {@code E[max] - n p} is a smooth function of {@code x = sqrt(n)}: {@code c0 sd
 * + c1 + c2 / sd + ...} (the normal limit and its Edgeworth corrections), and the lattice adds
 * terms of the order of the max's characteristic function at {@code 2 pi}, below {@code 1e-9} from
 * a standard deviation of {@link ExpertRouting#BOUNDED_SD} on. It is taken by the cubic through the
 * four nodes around {@code n}; its error, {@code f[x_1..x_4, x] w(x)}, is estimated by the fourth
 * divided difference with the node on either side (the larger of the two), and {@link #SAFETY}
 * times that estimate is added to the bound, with the walk's own rounding ({@link
 * ExpertRouting#sumErrorBound}, at the largest node and carried through the interpolation by its
 * Lebesgue sum) and the interpolation's own rounding. Where that interval around the interpolated
 * sum holds one ceiling, it is the walk's; elsewhere (and below the bounded standard deviation,
 * above {@code 2^31}, or at {@code g = 1} or {@code p = 1}) the walk is taken ({@link
 * ExpertRouting#ceilExpectedMax}).
 *
 * <p>Bounded ({@link #SLOTS} tables of {@link #NODES} sums, direct-mapped by {@code (p, g)}) and
 * thread-safe (a table is immutable but for its sums, each a pure function of its node, set at most
 * a few times with the same bits).
 */
final class ExpertRowsTable implements ExpertRouting.MaxRows {
  /** log2 of the nodes an octave of {@code n}. */
  static final int SUB_BITS = 4;

  private static final int SUB = 1 << SUB_BITS;

  /** Nodes of a table: {@code n_j} from 16 to {@code 31 * 2^26}, below {@code 2^31}. */
  static final int NODES = (31 - SUB_BITS) * SUB;

  /**
   * The factor on the interpolation's estimated error: the estimate is the leading term with the
   * fourth derivative taken over the six nodes around {@code n}, which span about 12 % of {@code
   * sqrt(n)}.
   */
  static final double SAFETY = 64;

  /** Tables kept, direct-mapped by {@code (p, g)} (a power of two). */
  static final int SLOTS = 64;

  /** {@code sqrt(n_j)}. */
  private static final double[] ROOTS = new double[NODES];

  static {
    for (int j = 0; j < NODES; j++) {
      ROOTS[j] = Math.sqrt(node(j));
    }
  }

  private final Table[] tables = new Table[SLOTS];

  /** The {@code j}-th node. */
  static long node(int j) {
    return (long) (SUB + (j & (SUB - 1))) << (j >>> SUB_BITS);
  }

  /** The {@code j} with {@code n_j <= n < n_(j+1)}, for {@code n >= 16}. */
  static int cell(long n) {
    int e = 63 - Long.numberOfLeadingZeros(n) - SUB_BITS;
    return (e << SUB_BITS) + (int) ((n >>> e) & (SUB - 1));
  }

  @Override
  public long ceilExpectedMax(long n, double p, int g) {
    double[] interval = interval(n, p, g);
    if (interval != null) {
      double below = Math.ceil(interval[0] - interval[1]);
      if (below == Math.ceil(interval[0] + interval[1])) {
        return Math.max(1, (long) below);
      }
    }
    return ExpertRouting.ceilExpectedMax(n, p, g);
  }

  /**
   * The interpolated sum at {@code n} and its bound: {@code |expectedMax(n, p, g) - sum| <= bound};
   * null where the table does not answer.
   */
  double[] interval(long n, double p, int g) {
    if (p >= 1 || g < 2 || n < 2 * SUB) {
      return null;
    }
    int j = cell(n);
    double var = node(j - 2) * p * (1 - p);
    if (j + 3 >= NODES || !(var >= ExpertRouting.BOUNDED_SD * ExpertRouting.BOUNDED_SD)) {
      return null;
    }
    Table t = table(p, g);
    // The nodes j-2 .. j+3 as 0 .. 5; the cubic through 1 .. 4.
    double x0 = ROOTS[j - 2];
    double x1 = ROOTS[j - 1];
    double x2 = ROOTS[j];
    double x3 = ROOTS[j + 1];
    double x4 = ROOTS[j + 2];
    double x5 = ROOTS[j + 3];
    double w5 = t.sum(j + 3);
    double f0 = t.sum(j - 2) - node(j - 2) * p;
    double f1 = t.sum(j - 1) - node(j - 1) * p;
    double f2 = t.sum(j) - node(j) * p;
    double f3 = t.sum(j + 1) - node(j + 1) * p;
    double f4 = t.sum(j + 2) - node(j + 2) * p;
    double f5 = w5 - node(j + 3) * p;
    double d12 = x1 - x2;
    double d13 = x1 - x3;
    double d14 = x1 - x4;
    double d23 = x2 - x3;
    double d24 = x2 - x4;
    double d34 = x3 - x4;
    // Lagrange's basis at x: l1 .. l4.
    double x = Math.sqrt(n);
    double a1 = x - x1;
    double a2 = x - x2;
    double a3 = x - x3;
    double a4 = x - x4;
    double l1 = a2 * a3 * a4 / (d12 * d13 * d14);
    double l2 = -a1 * a3 * a4 / (d12 * d23 * d24);
    double l3 = a1 * a2 * a4 / (d13 * d23 * d34);
    double l4 = -a1 * a2 * a3 / (d14 * d24 * d34);
    double f = l1 * f1 + l2 * f2 + l3 * f3 + l4 * f4;
    double lebesgue = Math.abs(l1) + Math.abs(l2) + Math.abs(l3) + Math.abs(l4);
    // The fourth divided differences with the outer nodes, over w(y) = (y-x1)..(y-x4).
    double dLow =
        (f0 - cubic(x0, x1, x2, x3, x4, d12, d13, d14, d23, d24, d34, f1, f2, f3, f4))
            / ((x0 - x1) * (x0 - x2) * (x0 - x3) * (x0 - x4));
    double dHigh =
        (f5 - cubic(x5, x1, x2, x3, x4, d12, d13, d14, d23, d24, d34, f1, f2, f3, f4))
            / ((x5 - x1) * (x5 - x2) * (x5 - x3) * (x5 - x4));
    double estimate = Math.max(Math.abs(dLow), Math.abs(dHigh)) * Math.abs(a1 * a2 * a3 * a4);
    double sum = n * p + f;
    double bound =
        SAFETY * estimate
            + (lebesgue + 1) * ExpertRouting.sumErrorBound(node(j + 3), p, g)
            + 1e-13 * (lebesgue + 1) * w5;
    return new double[] {sum, bound};
  }

  /** The cubic through {@code (x1, f1) .. (x4, f4)} at {@code y}. */
  private static double cubic(
      double y,
      double x1,
      double x2,
      double x3,
      double x4,
      double d12,
      double d13,
      double d14,
      double d23,
      double d24,
      double d34,
      double f1,
      double f2,
      double f3,
      double f4) {
    double a1 = y - x1;
    double a2 = y - x2;
    double a3 = y - x3;
    double a4 = y - x4;
    return a2 * a3 * a4 / (d12 * d13 * d14) * f1
        - a1 * a3 * a4 / (d12 * d23 * d24) * f2
        + a1 * a2 * a4 / (d13 * d23 * d34) * f3
        - a1 * a2 * a3 / (d14 * d24 * d34) * f4;
  }

  /** The table of {@code (p, g)}, made where its slot holds another. */
  private Table table(double p, int g) {
    long h = (Double.doubleToLongBits(p) * 0x9E3779B97F4A7C15L) ^ g;
    int slot = (int) ((h * 0x9E3779B97F4A7C15L) >>> 58) & (SLOTS - 1);
    Table t = tables[slot];
    if (t == null || t.g != g || Double.doubleToLongBits(t.p) != Double.doubleToLongBits(p)) {
      t = new Table(p, g);
      tables[slot] = t;
    }
    return t;
  }

  /** The sums of one {@code (p, g)} at the nodes; 0 (no sum is 0) where not yet taken. */
  private static final class Table {
    final double p;
    final int g;
    final AtomicLongArray sums = new AtomicLongArray(NODES);

    Table(double p, int g) {
      this.p = p;
      this.g = g;
    }

    double sum(int j) {
      long bits = sums.get(j);
      if (bits != 0) {
        return Double.longBitsToDouble(bits);
      }
      double s = ExpertRouting.expectedMax(node(j), p, g);
      sums.set(j, Double.doubleToRawLongBits(s));
      return s;
    }
  }
}
