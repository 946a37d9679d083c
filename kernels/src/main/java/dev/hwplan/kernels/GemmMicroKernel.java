package dev.hwplan.kernels;

/**
 * The register-blocked inner kernel of {@link BlockedGemm} (Goto and van de Geijn 2008): it
 * multiplies a packed micro-panel of A (kc × mr, stored column by column) by a packed micro-panel
 * of B (kc × nr, stored row by row) and adds the mr × nr result to C.
 */
public interface GemmMicroKernel {
  /** Rows of C one call produces. */
  int mr();

  /** Columns of C one call produces. */
  int nr();

  /**
   * C[i][j] += Σ_p ap[apOff + p·mr + i] · bp[bpOff + p·nr + j] for i &lt; mr, j &lt; nr, with
   * C[i][j] at c[cOff + i·ldc + j].
   */
  void compute(int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] c, int cOff, int ldc);
}
