package dev.hwplan.perf.calibration;

import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.op.OpKind;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.CalibratedModel;
import dev.hwplan.perf.GpuCalibration;
import dev.hwplan.perf.Spread;
import dev.hwplan.perf.elementwise.ElementwiseTimeModel;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.TransformerStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The small-kernel latency of unfused elementwise kernels, the one figure no kernel measurement
 * holds: the median, over the accepted decode-step rows, of (measured step time minus every other
 * calibrated op) / (elementwise kernels in the step).
 */
final class ElementwiseFitter {
  private ElementwiseFitter() {}

  static GpuCalibration fit(FitData data, GpuCalibration partial, GpuCalibration fallback) {
    List<FitData.Row<Rows.DecodeStep>> rows =
        data.rows(Measurements::decodeSteps, Rows.DecodeStep::key);
    List<Double> perKernel = new ArrayList<>();
    List<OpGraph> graphs = new ArrayList<>();
    for (FitData.Row<Rows.DecodeStep> r : rows) {
      OpGraph g =
          TransformerStep.build(RowOps.decodeStepConfig(r.row()), RowOps.decodeStep(r.row()));
      graphs.add(g);
      double rest = StepModel.sum(g, new CalibratedModel(r.peaks(), partial)).seconds();
      long kernels = 0;
      for (Op op : g.ops()) {
        if (op.shape() instanceof OpShape.Elementwise e
            && (op.kind() == OpKind.ELEMENTWISE || op.kind() == OpKind.EMBEDDING)) {
          kernels += (long) e.kernels() * op.count();
        }
      }
      perKernel.add((r.row().seconds() - rest) / kernels);
    }
    List<String> notes = new ArrayList<>(partial.notes());
    double latency;
    Map<String, Spread> spreads = new HashMap<>(partial.spreads());
    if (perKernel.isEmpty()) {
      if (fallback != null) {
        latency = fallback.elementwise().kernelLatencySeconds();
        spreads.put("elementwise", fallback.spread("elementwise"));
        notes.add("small-kernel latency from " + fallback.id() + "'s decode steps");
      } else {
        latency = partial.gemm().latencySeconds();
        notes.add("no decode-step measurements: small kernels take the GEMM latency floor");
      }
    } else {
      double[] v = perKernel.stream().mapToDouble(Double::doubleValue).toArray();
      latency = Math.max(0, Stats.percentile(v, 0.5));
      GpuCalibration done = withElementwise(partial, latency, spreads, notes);
      double[] ratios = new double[rows.size()];
      for (int i = 0; i < ratios.length; i++) {
        double pred =
            StepModel.sum(graphs.get(i), new CalibratedModel(rows.get(i).peaks(), done)).seconds();
        ratios[i] = rows.get(i).row().seconds() / pred;
      }
      spreads.put("elementwise", NelderMead.spreadOf(ratios));
    }
    return withElementwise(partial, latency, spreads, notes);
  }

  private static GpuCalibration withElementwise(
      GpuCalibration c, double latency, Map<String, Spread> spreads, List<String> notes) {
    return new GpuCalibration(
        c.id(),
        c.fittedOn(),
        c.readFraction(),
        c.copyFraction(),
        c.gemm(),
        c.attention(),
        c.mla(),
        c.sdpaFlash(),
        c.prefillAttention(),
        c.groupedGemm(),
        c.collectives(),
        new ElementwiseTimeModel(latency),
        spreads,
        notes);
  }
}
