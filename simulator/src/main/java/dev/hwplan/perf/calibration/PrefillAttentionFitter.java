package dev.hwplan.perf.calibration;

import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.Spread;
import dev.hwplan.perf.attention.PrefillAttentionModels;
import dev.hwplan.perf.attention.PrefillAttentionTimeModel;
import dev.hwplan.perf.device.DevicePeaks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Fits {@link PrefillAttentionTimeModel} per SDPA backend (FlashAttention-2, cuDNN) and direction
 * (forward, backward) to the rows of {@code prefill-attention.json}: the sum of squared log errors
 * over the rows {@code use} accepts, from three starts, keeping the best; the wide-head factor is
 * fitted only where the rows hold a head dim above 128 (else 1).
 */
final class PrefillAttentionFitter {
  private PrefillAttentionFitter() {}

  /** One row with its tiles counted and its bytes and bandwidth fixed. */
  private record Prepared(
      DevicePeaks gpu,
      PrefillAttentionTimeModel.Tiles tiles,
      double bytes,
      double bw,
      double seconds) {}

  static List<FitData.Row<Rows.PrefillAttention>> rows(FitData data, AttentionKernel kernel) {
    return data.rows(Measurements::prefillAttention, Rows.PrefillAttention::key).stream()
        .filter(r -> RowOps.prefillKernel(r.row()) == kernel)
        .toList();
  }

  /** The model's seconds for one row. */
  static double seconds(
      PrefillAttentionTimeModel m, double read, FitData.Row<Rows.PrefillAttention> r, boolean bwd) {
    Op op = RowOps.prefillOp(r.row(), bwd);
    double bw = r.gpu().memoryBandwidthBytesPerSecond() * read;
    return m.time(
            r.peaks(),
            bw,
            (OpShape.Attention) op.shape(),
            op.bytes(),
            RowOps.prefillKernel(r.row()),
            bwd)
        .seconds();
  }

  static double measured(Rows.PrefillAttention r, boolean bwd) {
    return bwd ? r.backwardSeconds() : r.forwardSeconds();
  }

  /** The four models, or null when no prefill row is present; adds their spreads. */
  static PrefillAttentionModels fit(FitData data, double read, Map<String, Spread> spreads) {
    PrefillAttentionTimeModel[] m = new PrefillAttentionTimeModel[4];
    int i = 0;
    for (AttentionKernel k : List.of(AttentionKernel.SDPA_FLASH, AttentionKernel.CUDNN)) {
      List<FitData.Row<Rows.PrefillAttention>> rows = rows(data, k);
      for (boolean bwd : new boolean[] {false, true}) {
        if (rows.isEmpty()) {
          return null;
        }
        PrefillAttentionTimeModel f = fitOne(rows, read, bwd);
        m[i++] = f;
        spreads.put(
            PrefillAttentionModels.family(k, bwd),
            NelderMead.spread(rows, r -> seconds(f, read, r, bwd), r -> measured(r, bwd)));
      }
    }
    return new PrefillAttentionModels(m[0], m[1], m[2], m[3]);
  }

  private static PrefillAttentionTimeModel fitOne(
      List<FitData.Row<Rows.PrefillAttention>> rows, double read, boolean bwd) {
    List<Prepared> prepared = new ArrayList<>();
    for (FitData.Row<Rows.PrefillAttention> r : rows) {
      Op op = RowOps.prefillOp(r.row(), bwd);
      prepared.add(
          new Prepared(
              r.peaks(),
              PrefillAttentionTimeModel.Tiles.of(
                  (OpShape.Attention) op.shape(), RowOps.prefillKernel(r.row()), bwd),
              op.bytes(),
              r.gpu().memoryBandwidthBytesPerSecond() * read,
              measured(r.row(), bwd)));
    }
    ToDoubleFunction<double[]> objective =
        p -> {
          PrefillAttentionTimeModel m = model(p);
          double sum = 0;
          for (Prepared x : prepared) {
            double t = m.time(x.gpu(), x.bw(), x.tiles(), x.bytes()).seconds();
            if (!(t > 0) || Double.isInfinite(t)) {
              return Double.MAX_VALUE;
            }
            double e = Math.log(t / x.seconds());
            sum += e * e;
          }
          return sum;
        };
    boolean anyWide = prepared.stream().anyMatch(x -> x.tiles().wide());
    double[] best = null;
    double bestValue = Double.POSITIVE_INFINITY;
    for (double[] start :
        new double[][] {
          {5e-6, 0.6, 0.5, 1e-6, 1e-7, 1},
          {2e-6, 0.4, 0.8, 3e-6, 1e-8, 1},
          {5e-6, 0.9, 0.5, 1.5e-6, 5e-7, 1}
        }) {
      double[] x =
          anyWide
              ? NelderMead.minimize(objective, start)
              : widened(
                  NelderMead.minimize(p -> objective.applyAsDouble(widened(p)), narrow(start)));
      double v = objective.applyAsDouble(x);
      if (v < bestValue) {
        bestValue = v;
        best = x;
      }
    }
    return model(best);
  }

  private static PrefillAttentionTimeModel model(double[] p) {
    return new PrefillAttentionTimeModel(p[0], p[1], Math.min(1, p[2]), p[3], p[4], p[5]);
  }

  /** The first five parameters, for a grid without wide heads (the factor is not fitted). */
  private static double[] narrow(double[] p) {
    return java.util.Arrays.copyOf(p, 5);
  }

  /** Five parameters with the wide-head factor 1 appended. */
  private static double[] widened(double[] p) {
    double[] w = java.util.Arrays.copyOf(p, 6);
    w[5] = 1;
    return w;
  }
}
