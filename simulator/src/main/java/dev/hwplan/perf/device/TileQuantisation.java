package dev.hwplan.perf.device;

/**
 * Tile and wave quantisation of a GEMM on a GPU's SMs: the best useful fraction of the MMA units
 * over CUTLASS 3's SM90 tile shapes (128x256, 256x128, 128x128, 64x256, 128x64, 64x128) and split-K
 * factors (1..16, at least 512 of K per split) of (useful / padded tile area) x (tiles / (waves x
 * SMs)) (NVIDIA, "Matrix Multiplication Background User's Guide", sections on tile and wave
 * quantization).
 */
public final class TileQuantisation {
  private static final int[][] TILES = {
    {128, 256}, {256, 128}, {128, 128}, {64, 256}, {128, 64}, {64, 128}
  };
  private static final int[][] TILE_SHIFTS = {{7, 8}, {8, 7}, {7, 7}, {6, 8}, {7, 6}, {6, 7}};
  private static final int[] SPLITS = {1, 2, 3, 4, 6, 8, 12, 16};

  private TileQuantisation() {}

  /**
   * Best useful fraction of the MMA units over tile shapes and split-K factors for {@code groups}
   * independent {@code m x n x k} problems on {@code sms} SMs. {@link DevicePeaks} memoises it per
   * GPU: sweeps meet the same weight matrices again and again, and this search is the costliest
   * step of a GEMM prediction.
   */
  public static double utilisation(int groups, long m, long n, long k, int sms) {
    // The hot loop of every GEMM prediction, kept free of divisions: tile sides are powers of two
    // (shifts), {@code k / s < 512} is {@code k < 512 s}, the wave count is a ceiling division
    // through the reciprocal of the SM count (corrected to the exact integer), and the best split
    // of a tile is chosen by cross-multiplying units / (waves x SMs), so that the one division
    // left, (pad x units) / (waves x SMs), runs once a tile.
    double invSms = 1.0 / sms;
    double best = 0;
    for (int i = 0; i < TILES.length; i++) {
      int[] t = TILES[i];
      long tm = (m + t[0] - 1) >> TILE_SHIFTS[i][0];
      long tn = (n + t[1] - 1) >> TILE_SHIFTS[i][1];
      double pad = (m * (double) n) / (tm * t[0] * (double) tn * t[1]);
      if (pad * (1 + 1e-15) <= best) {
        continue; // every split of this tile scores at most pad (units <= slots): none beats best
      }
      long tiles = groups * tm * tn;
      long bestUnits = 0;
      long bestSlots = 1;
      for (int s : SPLITS) {
        if (s > 1 && k < 512L * s) {
          break;
        }
        long units = tiles * s;
        long slots = ceilDiv(units, sms, invSms) * sms;
        if ((units | slots) < 1L << 31) { // products below 2^62: the comparison is exact
          long more = units * bestSlots - bestUnits * slots;
          if (more > 0) {
            bestUnits = units;
            bestSlots = slots;
          } else if (more == 0) { // an equal ratio may round differently: keep both
            best = Math.max(best, pad * units / (double) slots);
          }
        } else {
          best = Math.max(best, pad * units / (double) slots);
        }
      }
      if (bestUnits > 0) {
        best = Math.max(best, pad * bestUnits / (double) bestSlots);
      }
      if (best >= 0.999) {
        return best; // no shape can do better than full waves of full tiles
      }
    }
    return best;
  }

  /**
   * {@code ceil(a / b)} for {@code a >= 0, b > 0}, exact: an estimate from the reciprocal, fixed.
   */
  static long ceilDiv(long a, int b, double invB) {
    long q = (long) (a * invB);
    while (q * b < a) {
      q++;
    }
    while (q > 0 && (q - 1) * b >= a) {
      q--;
    }
    return q;
  }
}
