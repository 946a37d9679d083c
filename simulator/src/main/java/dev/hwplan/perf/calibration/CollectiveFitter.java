package dev.hwplan.perf.calibration;

import dev.hwplan.op.Collective;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.Spread;
import dev.hwplan.perf.comm.CollectiveTimeModel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/** Fits one {@link CollectiveTimeModel} per collective to the NCCL rows of two or more GPUs. */
final class CollectiveFitter {
  private CollectiveFitter() {}

  /** The fitted models (empty without rows); puts the pooled spread under {@code collective}. */
  static Map<Collective, CollectiveTimeModel> fit(FitData data, Map<String, Spread> spreads) {
    List<FitData.Row<Rows.Collective>> all =
        data.rows(Measurements::collectives, Rows.Collective::key);
    Map<Collective, CollectiveTimeModel> out = new EnumMap<>(Collective.class);
    List<Double> ratios = new ArrayList<>();
    for (Collective c : Collective.values()) {
      List<FitData.Row<Rows.Collective>> rows =
          all.stream()
              .filter(r -> Collective.parse(r.row().op(), "op") == c && r.row().gpus() >= 2)
              .toList();
      if (rows.isEmpty()) {
        continue;
      }
      ToDoubleFunction<double[]> objective =
          p -> {
            CollectiveTimeModel m = new CollectiveTimeModel(p[0], p[1]);
            return NelderMead.logError(
                rows,
                r ->
                    m.time(r.peaks(), (OpShape.Comm) RowOps.collectiveOp(r.row()).shape())
                        .seconds(),
                r -> r.seconds());
          };
      double[] x = NelderMead.minimize(objective, new double[] {15e-6, 0.7});
      int gpus = 0;
      Set<String> on = new TreeSet<>();
      double lo = Double.POSITIVE_INFINITY;
      double hi = 0;
      for (FitData.Row<Rows.Collective> r : rows) {
        OpShape.Comm shape = (OpShape.Comm) RowOps.collectiveOp(r.row()).shape();
        gpus = Math.max(gpus, shape.gpus());
        on.add(r.peaks().gpu().id());
        lo = Math.min(lo, shape.bytes());
        hi = Math.max(hi, shape.bytes());
      }
      CollectiveTimeModel m = new CollectiveTimeModel(x[0], x[1], gpus, lo, hi, List.copyOf(on));
      out.put(c, m);
      for (FitData.Row<Rows.Collective> r : rows) {
        double pred =
            m.time(r.peaks(), (OpShape.Comm) RowOps.collectiveOp(r.row()).shape()).seconds();
        ratios.add(r.row().seconds() / pred);
      }
    }
    if (!ratios.isEmpty()) {
      spreads.put(
          "collective",
          NelderMead.spreadOf(ratios.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    return out;
  }
}
