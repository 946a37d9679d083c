package dev.hwplan.kernels;

import java.util.Arrays;

/**
 * C = A·B blocked for the caches in the manner of Goto and van de Geijn (2008) and BLIS: B is
 * packed by kc × nc panels (kept in L2/L3), A by mc × kc blocks (kept in L2), and a provider's
 * micro-kernel computes mr × nr tiles of C from registers. bf16 B is widened once, while packing.
 *
 * <p>Threads take (column block, row group) tasks, so each packs its own B panel once and reuses it
 * over its rows. Edge tiles are computed into a zero-padded buffer and added back.
 */
final class BlockedGemm {
  static final int KC = 256;
  static final int MC = 96; // a multiple of 6 and of 8
  static final int NC = 512;

  private BlockedGemm() {}

  static void run(KernelProvider p, int m, int n, int k, float[] a, Storage b, float[] c) {
    Bounds.positive(m, "m");
    Bounds.positive(n, "n");
    Bounds.positive(k, "k");
    Bounds.check(a, (long) m * k, "a");
    Bounds.check(b, (long) k * n, "b");
    Bounds.check(c, (long) m * n, "c");
    GemmMicroKernel mk = p.gemmMicroKernel();
    int mr = mk.mr();
    int nr = mk.nr();
    int nc = Math.min(NC, roundUp(n, nr));
    int colBlocks = (n + nc - 1) / nc;
    double flops = 2.0 * m * n * k;
    int threads = flops < 4e6 ? 1 : KernelThreads.threads();
    // Split rows too when there are too few column blocks to keep every thread busy.
    int rowGroups =
        Math.max(1, Math.min((m + mr - 1) / mr, (2 * threads + colBlocks - 1) / colBlocks));
    if (threads == 1) {
      rowGroups = 1;
    }
    int rowsPerGroup = roundUp((m + rowGroups - 1) / rowGroups, mr);
    int groups = (m + rowsPerGroup - 1) / rowsPerGroup;
    int tasks = colBlocks * groups;
    Chunking.forEach(
        tasks,
        threads > 1 && tasks > 1,
        task -> {
          int jc = (task % colBlocks) * nc;
          int ncHere = Math.min(nc, n - jc);
          int i0 = (task / colBlocks) * rowsPerGroup;
          int i1 = Math.min(m, i0 + rowsPerGroup);
          block(p, mk, k, n, a, b, c, i0, i1, jc, ncHere);
        });
  }

  private static void block(
      KernelProvider p,
      GemmMicroKernel mk,
      int k,
      int n,
      float[] a,
      Storage b,
      float[] c,
      int i0,
      int i1,
      int jc,
      int ncHere) {
    int mr = mk.mr();
    int nr = mk.nr();
    int ncPadded = roundUp(ncHere, nr);
    for (int i = i0; i < i1; i++) {
      Arrays.fill(c, i * n + jc, i * n + jc + ncHere, 0f);
    }
    float[] bp = Scratch.get(1, KC * ncPadded);
    float[] ap = Scratch.get(2, KC * MC);
    float[] edge = Scratch.get(3, mr * nr);
    for (int pc = 0; pc < k; pc += KC) {
      int kc = Math.min(KC, k - pc);
      packB(p, b, n, pc, kc, jc, ncHere, nr, bp);
      for (int ic = i0; ic < i1; ic += MC) {
        int mc = Math.min(MC, i1 - ic);
        packA(a, k, ic, mc, pc, kc, mr, ap);
        for (int jr = 0; jr < ncHere; jr += nr) {
          int nHere = Math.min(nr, ncHere - jr);
          int bpOff = (jr / nr) * kc * nr;
          for (int ir = 0; ir < mc; ir += mr) {
            int mHere = Math.min(mr, mc - ir);
            int apOff = (ir / mr) * kc * mr;
            int cOff = (ic + ir) * n + jc + jr;
            if (mHere == mr && nHere == nr) {
              mk.compute(kc, ap, apOff, bp, bpOff, c, cOff, n);
            } else {
              Arrays.fill(edge, 0, mr * nr, 0f);
              mk.compute(kc, ap, apOff, bp, bpOff, edge, 0, nr);
              for (int i = 0; i < mHere; i++) {
                for (int j = 0; j < nHere; j++) {
                  c[cOff + i * n + j] += edge[i * nr + j];
                }
              }
            }
          }
        }
      }
    }
  }

  /** B[pc..pc+kc)[jc..jc+nc) into nr-wide panels, row by row, zero-padded to nr. */
  private static void packB(
      KernelProvider p, Storage b, int n, int pc, int kc, int jc, int nc, int nr, float[] bp) {
    for (int jr = 0; jr < nc; jr += nr) {
      int nHere = Math.min(nr, nc - jr);
      int panel = (jr / nr) * kc * nr;
      for (int pp = 0; pp < kc; pp++) {
        int dst = panel + pp * nr;
        if (b instanceof Storage.Bf16Data h) {
          p.widenBf16(h.data(), (pc + pp) * n + jc + jr, bp, dst, nHere);
        } else {
          b.copyTo((pc + pp) * n + jc + jr, bp, dst, nHere);
        }
        if (nHere < nr) {
          Arrays.fill(bp, dst + nHere, dst + nr, 0f);
        }
      }
    }
  }

  /** A[ic..ic+mc)[pc..pc+kc) into mr-tall panels, column by column, zero-padded to mr. */
  private static void packA(float[] a, int k, int ic, int mc, int pc, int kc, int mr, float[] ap) {
    for (int ir = 0; ir < mc; ir += mr) {
      int mHere = Math.min(mr, mc - ir);
      int panel = (ir / mr) * kc * mr;
      for (int i = 0; i < mHere; i++) {
        int src = (ic + ir + i) * k + pc;
        for (int pp = 0; pp < kc; pp++) {
          ap[panel + pp * mr + i] = a[src + pp];
        }
      }
      for (int i = mHere; i < mr; i++) {
        for (int pp = 0; pp < kc; pp++) {
          ap[panel + pp * mr + i] = 0f;
        }
      }
    }
  }

  private static int roundUp(int v, int multiple) {
    return (v + multiple - 1) / multiple * multiple;
  }
}
