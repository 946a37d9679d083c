package dev.hwplan.kernels;

/**
 * Cosines and sines for RoPE, computed in double and stored in fp32: for position p and pair i, the
 * angle is p·theta^(-2i/headDim) (Su et al. 2021, eq. 15).
 */
public final class RopeTable {
  private final int headDim;
  private final int positions;
  private final double theta;
  private final float[] cos;
  private final float[] sin;

  /**
   * @param headDim even head dimension
   * @param positions number of positions covered, from 0
   * @param theta base, 10000 in the paper and Llama 2, 500000 in Llama 3
   */
  public RopeTable(int headDim, int positions, double theta) {
    Bounds.positive(headDim, "headDim");
    Bounds.positive(positions, "positions");
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("headDim must be even, got " + headDim);
    }
    if (!(theta > 1)) {
      throw new IllegalArgumentException("theta must be above 1, got " + theta);
    }
    this.headDim = headDim;
    this.positions = positions;
    this.theta = theta;
    int half = headDim / 2;
    this.cos = new float[positions * half];
    this.sin = new float[positions * half];
    for (int p = 0; p < positions; p++) {
      for (int i = 0; i < half; i++) {
        double angle = p * Math.pow(theta, -2.0 * i / headDim);
        cos[p * half + i] = (float) Math.cos(angle);
        sin[p * half + i] = (float) Math.sin(angle);
      }
    }
  }

  public int headDim() {
    return headDim;
  }

  public int positions() {
    return positions;
  }

  public double theta() {
    return theta;
  }

  float[] cos() {
    return cos;
  }

  float[] sin() {
    return sin;
  }

  /** Offset of position p's row in the tables. */
  int offset(int position) {
    if (position < 0 || position >= positions) {
      throw new IllegalArgumentException(
          "position " + position + " is outside the table's [0, " + positions + ")");
    }
    return position * (headDim / 2);
  }
}
