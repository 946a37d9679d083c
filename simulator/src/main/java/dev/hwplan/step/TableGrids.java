package dev.hwplan.step;

import java.util.Arrays;

/**
 * The lazily filled grids behind {@link StepTimeTable}: a value is probed (timed from the op graph)
 * the first time a lookup needs it and kept; unknown cells hold NaN. Not thread-safe.
 */
final class TableGrids {
  private TableGrids() {}

  /** Fills the cells of one or more curves or grids at a point. */
  @FunctionalInterface
  interface Probe {
    void at(long x);
  }

  static double[] nans(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  static double[] grown(double[] a, int need) {
    if (need < a.length) {
      return a;
    }
    int old = a.length;
    double[] b = Arrays.copyOf(a, Math.max(need + 1, old * 2));
    Arrays.fill(b, old, b.length, Double.NaN);
    return b;
  }

  /**
   * A table filled by probing: {@link #probed} asks a {@link Probe} for the value at a point, and
   * the probe answers through {@link #set} (one probe may fill the cells of several tables).
   */
  abstract static class Probed {
    private double last;

    /** The value the probe reports at {@code x} (NaN when it reports none). */
    final double probed(Probe probe, long x) {
      last = Double.NaN;
      probe.at(x);
      return last;
    }

    /** Records the probe's value at {@code x}. */
    void set(long x, double y) {
      last = y;
    }

    /**
     * {@code table[i]}, the value at {@code x}: probed and kept there the first time (NaN marks a
     * value not yet known).
     */
    final double cached(double[] table, int i, long x, Probe probe) {
      double y = table[i];
      if (y != y) {
        y = probed(probe, x);
        table[i] = y;
      }
      return y;
    }
  }

  /**
   * A function of a positive count (tokens, sequences): exact up to {@link #EXACT}, above it linear
   * within 64-wide cells {@code (64j, 64j + 64]}, between the values at {@code 64j + 1} and {@code
   * 64j + 64}. GEMM tiles are 64, 128 or 256 rows, so a GEMM's tile and wave counts, and with them
   * its time's kinks, change at multiples of 64 rows: inside a cell the time is a smooth blend of a
   * constant MMA term and a memory term linear in the rows. An MoE layer's rows per expert cross
   * their multiples of 64 elsewhere, so every cell is checked when first used: where the value at
   * its middle is off the line through its ends by more than {@link #LINEAR_TOLERANCE}, the cell
   * keeps exact values instead. Below {@code EXACT} the active-expert count changes token by token.
   */
  static final class Curve extends Probed {
    static final int EXACT = 512;
    static final int CELL = 64;
    static final double LINEAR_TOLERANCE = 2e-5;

    private double[] v = nans(EXACT + 1 + 2 * CELL);
    private byte[] state = new byte[CELL]; // per cell: 0 unchecked, 1 linear, 2 exact
    private double[][] exactCells = new double[CELL][];

    double get(long x, Probe probe) {
      if (x <= EXACT) {
        return cached(v, (int) x, x, probe);
      }
      long j = (x - 1) >>> 6;
      int cell = Math.toIntExact(j);
      if (cell >= state.length) {
        int n = Math.max(cell + 1, 2 * state.length);
        state = Arrays.copyOf(state, n);
        exactCells = Arrays.copyOf(exactCells, n);
      }
      if (state[cell] == 0) {
        check(cell, j, probe);
      }
      if (state[cell] == 2) {
        return cached(exactCells[cell], (int) (x - 1 - j * CELL), x, probe);
      }
      int i = index(j);
      double a = v[i];
      double b = v[i + 1];
      return a + (b - a) * ((x - (j * CELL + 1)) / (double) (CELL - 1));
    }

    private void check(int cell, long j, Probe probe) {
      int i = index(j);
      if (i + 1 >= v.length) {
        v = grown(v, i + 1);
      }
      long lo = j * CELL + 1;
      if (v[i] != v[i]) {
        v[i] = probed(probe, lo);
      }
      if (v[i + 1] != v[i + 1]) {
        v[i + 1] = probed(probe, lo + CELL - 1);
      }
      long mid = lo + CELL / 2;
      double y = probed(probe, mid);
      double line = v[i] + (v[i + 1] - v[i]) * ((mid - lo) / (double) (CELL - 1));
      if (Math.abs(line - y) <= LINEAR_TOLERANCE * Math.abs(y)) {
        state[cell] = 1;
        return;
      }
      double[] e = nans(CELL);
      e[0] = v[i];
      e[CELL - 1] = v[i + 1];
      e[CELL / 2] = y;
      exactCells[cell] = e;
      state[cell] = 2;
    }

    /** Records the probe's value at {@code x} (the probe of one curve fills its siblings too). */
    @Override
    void set(long x, double y) {
      super.set(x, y);
      if (x <= EXACT) {
        v[(int) x] = y;
      }
    }

    private static int index(long cell) {
      return Math.toIntExact(EXACT + 1 + 2 * (cell - EXACT / CELL));
    }
  }

  /**
   * A sub-octave grid over counts {@code >= 0}: every integer below 64, then 16 evenly spaced
   * points per octave ({@code 2^o + k 2^(o-4)}), so neighbours differ by 1/32 to 1/16.
   */
  static int g16Index(long x) {
    if (x < 64) {
      return (int) x;
    }
    int o = 63 - Long.numberOfLeadingZeros(x);
    return 64 + (o - 6) * 16 + (int) ((x >>> (o - 4)) & 15);
  }

  /** The count at grid index {@code i}. */
  static long g16Point(int i) {
    if (i < 64) {
      return i;
    }
    int o = 6 + (i - 64) / 16;
    int k = (i - 64) % 16;
    return (1L << o) + ((long) k << (o - 4));
  }

  /**
   * Decode attention of one decode count against the context. Exact up to 128 tokens and at every
   * multiple of 64 (where the split-K model's staged kernel, which needs a chunk length dividing
   * the context, can run). Between multiples of 64 the context falls in a cell, 64 tokens wide up
   * to 8,192 and 1/128 octave above; when first used, a cell is timed at both ends (one token
   * inside) and at its middle, and halved wherever the middle is off the line through the ends by
   * more than {@link #TOLERANCE} (the split-K model's best chunk length jumps at contexts of its
   * own), so that the kept points follow the jumps; the value is linear between kept points. With
   * {@code classes > 1} (MLA, whose harness kernel splits the context into halvings, so that its
   * time depends on the context's factors of two), contexts with {@code z} trailing zero bits have
   * points of their own, on the odd multiples of {@code 2^z}.
   */
  static final class ContextRow extends Probed {
    static final int EXACT = 128;
    static final double TOLERANCE = 5e-4;
    private static final int FINE_LIMIT_LOG2 = 13; // 8,192 tokens
    private static final int FINE_CELLS = 1 << (FINE_LIMIT_LOG2 - 6);

    private final int classes;
    private final double[] small = nans(EXACT + 1);
    private double[] multiples = nans(64);
    private Knots[] cells;

    /** Scratch for a cell's points while it is refined. */
    private long[] xs = new long[64];

    private double[] ys = new double[64];
    private int count;

    ContextRow(int classes) {
      this.classes = classes;
      this.cells = new Knots[classes * FINE_CELLS];
    }

    double get(long c, Probe probe) {
      if (c <= EXACT) {
        return cached(small, (int) c, c, probe);
      }
      if ((c & 63) == 0) {
        int i = Math.toIntExact(c >>> 6);
        if (i >= multiples.length) {
          multiples = grown(multiples, i);
        }
        return cached(multiples, i, c, probe);
      }
      long start;
      long width;
      int cell;
      if (c <= 1L << FINE_LIMIT_LOG2) {
        start = c & ~63L;
        width = 64;
        cell = (int) (c >>> 6);
      } else {
        int o = 63 - Long.numberOfLeadingZeros(c - 1);
        int shift = o - 7;
        long k = ((c - 1) - (1L << o)) >>> shift;
        start = (1L << o) + (k << shift);
        width = 1L << shift;
        cell = FINE_CELLS + (o - FINE_LIMIT_LOG2) * 128 + (int) k;
      }
      int z = classes == 1 ? 0 : Math.min(classes - 1, Long.numberOfTrailingZeros(c));
      int i = cell * classes + z;
      if (i >= cells.length) {
        cells = Arrays.copyOf(cells, Math.max(i + 1, 2 * cells.length));
      }
      Knots k = cells[i];
      if (k == null) {
        long inset = 1L << z;
        k = refine(start + inset, start + width - inset, classes == 1 ? 1 : 2 * inset, probe);
        cells[i] = k;
      }
      return k.at(c);
    }

    /** Times the cell {@code [lo, hi]} on the lattice {@code lo + step j} and keeps its points. */
    private Knots refine(long lo, long hi, long step, Probe probe) {
      count = 0;
      double ylo = probed(probe, lo);
      add(lo, ylo);
      if (hi > lo) {
        split(lo, ylo, hi, probed(probe, hi), step, probe);
      }
      return new Knots(Arrays.copyOf(xs, count), Arrays.copyOf(ys, count));
    }

    private void split(long lo, double ylo, long hi, double yhi, long step, Probe probe) {
      long mid = lo + (hi - lo) / step / 2 * step;
      if ((mid & 63) == 0) {
        mid += step; // a multiple of 64 is timed on its own (the staged kernel)
      }
      if (mid <= lo || mid >= hi) {
        add(hi, yhi);
        return;
      }
      double ym = probed(probe, mid);
      double line = ylo + (yhi - ylo) * ((mid - lo) / (double) (hi - lo));
      if (Math.abs(line - ym) <= TOLERANCE * Math.abs(ym)) {
        add(mid, ym);
        add(hi, yhi);
        return;
      }
      split(lo, ylo, mid, ym, step, probe);
      split(mid, ym, hi, yhi, step, probe);
    }

    private void add(long x, double y) {
      if (count == xs.length) {
        xs = Arrays.copyOf(xs, 2 * count);
        ys = Arrays.copyOf(ys, 2 * count);
      }
      xs[count] = x;
      ys[count++] = y;
    }
  }

  /** A cell's kept points, ascending; linear between them. */
  record Knots(long[] x, double[] y) {
    double at(long c) {
      int n = x.length;
      if (n == 1 || c <= x[0]) {
        return y[0];
      }
      int i = 1;
      while (i < n - 1 && x[i] < c) {
        i++;
      }
      long x0 = x[i - 1];
      return y[i - 1] + (y[i] - y[i - 1]) * ((c - x0) / (double) (x[i] - x0));
    }
  }

  /** An open-addressing map from packed long keys to doubles, emptied when 3/4 full. */
  static final class LongDoubleMap {
    private static final int CAPACITY = 1 << 12;
    private final long[] keys = new long[CAPACITY];
    private final double[] values = new double[CAPACITY];
    private final boolean[] used = new boolean[CAPACITY];
    private int size;

    /** The value for {@code key}, or NaN. */
    double get(long key) {
      int i = slot(key);
      while (used[i]) {
        if (keys[i] == key) {
          return values[i];
        }
        i = (i + 1) & (CAPACITY - 1);
      }
      return Double.NaN;
    }

    void put(long key, double value) {
      if (size >= CAPACITY * 3 / 4) {
        Arrays.fill(used, false);
        size = 0;
      }
      int i = slot(key);
      while (used[i] && keys[i] != key) {
        i = (i + 1) & (CAPACITY - 1);
      }
      if (!used[i]) {
        used[i] = true;
        keys[i] = key;
        size++;
      }
      values[i] = value;
    }

    private static int slot(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h >>> 52) & (CAPACITY - 1);
    }
  }
}
