package dev.hwplan.kernels;

/** Double-precision references for the kernels, with the magnitudes the error bounds need. */
final class Reference {
  private Reference() {}

  /** Value and Σ|terms| of one output element. */
  record Value(double value, double magnitude) {}

  static Value dot(float[] a, int aOff, Storage b, int bOff, int n) {
    double s = 0;
    double m = 0;
    for (int i = 0; i < n; i++) {
      double t = (double) a[aOff + i] * b.get(bOff + i);
      s += t;
      m += Math.abs(t);
    }
    return new Value(s, m);
  }

  /** Attention for one query head against rows of K and V; returns value and bound per element. */
  static double[][] attention(
      float[] q, int qOff, int d, float scale, Rows k, Rows v, int context, int vDim) {
    double[] s = new double[context];
    double maxAbsTerms = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int t = 0; t < context; t++) {
      double dot = 0;
      double mag = 0;
      for (int i = 0; i < d; i++) {
        double term = (double) q[qOff + i] * k.get(t, i);
        dot += term;
        mag += Math.abs(term);
      }
      s[t] = dot * scale;
      maxAbsTerms = Math.max(maxAbsTerms, mag * scale);
      max = Math.max(max, s[t]);
    }
    double sum = 0;
    for (int t = 0; t < context; t++) {
      s[t] = Math.exp(s[t] - max);
      sum += s[t];
    }
    double delta = ErrorBounds.gamma(d + 1) * maxAbsTerms;
    double rel = 2 * delta + 2 * (context + d + 16) * ErrorBounds.U;
    double[] out = new double[vDim];
    double[] bound = new double[vDim];
    for (int j = 0; j < vDim; j++) {
      double o = 0;
      double mag = 0;
      for (int t = 0; t < context; t++) {
        double p = s[t] / sum;
        o += p * v.get(t, j);
        mag += p * Math.abs(v.get(t, j));
      }
      out[j] = o;
      bound[j] = mag * rel + 1e-30;
    }
    return new double[][] {out, bound};
  }

  /** Row-major access to a cache: element i of token t. */
  interface Rows {
    double get(int t, int i);
  }
}
