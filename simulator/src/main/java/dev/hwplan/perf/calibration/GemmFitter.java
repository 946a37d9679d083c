package dev.hwplan.perf.calibration;

import dev.hwplan.op.Op;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.Spread;
import dev.hwplan.perf.gemm.GemmTimeModel;
import java.util.List;

/** Fits the cuBLASLt GEMM efficiencies ({@link GemmTimeModel}) to the harness's GEMM rows. */
final class GemmFitter {
  private GemmFitter() {}

  static double seconds(GemmTimeModel m, double read, FitData.Row<Rows.Gemm> r) {
    Op op = RowOps.gemmOp(r.row());
    double bw = r.gpu().memoryBandwidthBytesPerSecond() * read;
    return m.time(r.peaks(), bw, op.dtype(), (OpShape.Gemm) op.shape(), op.bytes()).seconds();
  }

  /** The fitted model, or null without rows. */
  static GemmTimeModel fit(FitData data, double read) {
    List<FitData.Row<Rows.Gemm>> rows = data.gemmRows();
    if (rows.isEmpty()) {
      return null;
    }
    double[] x =
        NelderMead.minimize(
            p -> {
              GemmTimeModel m = model(p);
              return NelderMead.logError(rows, r -> seconds(m, read, r), r -> r.seconds());
            },
            new double[] {3e-6, 0.9, 0.72, 0.70, 6});
    return model(x);
  }

  /**
   * The GEMM's interval: the spread of its residuals, profile by profile, on the rows no fit sees
   * ({@link Measurements#GEMM_INTERVAL_FILES}, split conformal) where a profile has any, else on
   * its fitted rows. A GPU's own calibration takes its own rows; the pooled one (GPUs without
   * measurements) the H100's sweep and the H200's fitted rows.
   */
  static Spread spread(FitData data, GemmTimeModel g, double read) {
    List<FitData.Row<Rows.Gemm>> rows =
        data.rows(m -> m.gemmIntervals().isEmpty() ? m.gemm() : m.gemmIntervals(), Rows.Gemm::key);
    return NelderMead.spread(rows, r -> seconds(g, read, r), Rows.Gemm::seconds);
  }

  private static GemmTimeModel model(double[] p) {
    return new GemmTimeModel(p[0], p[1], p[2], p[3], 1 + p[4]);
  }
}
