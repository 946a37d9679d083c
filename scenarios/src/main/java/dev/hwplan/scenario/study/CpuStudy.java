package dev.hwplan.scenario.study;

import dev.hwplan.perf.cpu.CpuMeasurement;
import dev.hwplan.perf.cpu.CpuMeasurementResult;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.CpuCharts;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import java.util.List;
import java.util.Locale;

/**
 * Measures this CPU (STREAM and FMA probes, then the reference kernels, as {@code hwplan measure
 * cpu}) and places the kernels on its roofline, with predicted against measured times. Field:
 * {@code scale} ({@code quick} by default, {@code full}, or {@code smoke} for plumbing tests). A
 * scenario run in quick mode (tests) always uses {@code smoke}. The numbers are measurements of the
 * machine that ran the report, so this section differs from machine to machine and run to run.
 */
public final class CpuStudy extends StudyBase<CpuMeasurementResult> {
  /** The study, with the fields it reads and their defaults. */
  public CpuStudy() {
    super("cpu");
    field("scale", "quick");
  }

  @Override
  public CpuMeasurementResult evaluate(Point p, StudyContext ctx) {
    CpuMeasurement.Scale scale =
        ctx.quick()
            ? CpuMeasurement.Scale.SMOKE
            : p.parsed(
                "scale",
                s -> {
                  try {
                    return CpuMeasurement.Scale.valueOf(s.toUpperCase(Locale.ROOT));
                  } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + s + "' is not quick, full or smoke");
                  }
                });
    return new CpuMeasurement(scale).run((what, done, total) -> {});
  }

  @Override
  public StudyResult finish(
      StudySpec spec, List<Point> points, List<CpuMeasurementResult> results, StudyContext ctx) {
    CpuMeasurementResult r = results.get(results.size() - 1);
    Tables t =
        new Tables(spec.id())
            .text("kernel")
            .text("dtype")
            .text("role")
            .real("measuredSeconds")
            .real("predictedSeconds")
            .real("ratio")
            .real("achievedGBps")
            .real("achievedGflops");
    for (CpuMeasurementResult.KernelRow k : r.kernels()) {
      t.row(
          k.label(),
          k.dtype(),
          k.role(),
          k.measuredSeconds(),
          k.prediction().seconds(),
          k.ratio(),
          k.achievedBytesPerSecond() / 1e9,
          k.achievedFlopsPerSecond() / 1e9);
    }
    Findings f = new Findings(spec);
    f.sentence(
        ctx.quick()
            ? String.format(
                Locale.ROOT,
                "Plumbing check only (`--quick`): the kernels ran once at toy sizes in %.1f s, so"
                    + " the rates below (STREAM read %.2f GB/s, median error %.0f%%) are not"
                    + " measurements of this CPU. Run without `--quick` to measure it.",
                r.seconds(),
                r.ceilings().readBytesPerSecond() / 1e9,
                100 * r.medianRelativeError())
            : String.format(
                Locale.ROOT,
                "This machine: STREAM read **%.1f GB/s**, FMA peak **%.0f GFLOP/s**; the calibrated roofline predicts %d held-out kernel shapes with a median error of **%.1f%%** (%s scale, measured in %.1f s).",
                r.ceilings().readBytesPerSecond() / 1e9,
                r.ceilings().fmaFlopsPerSecond() / 1e9,
                r.heldOutShapes(),
                100 * r.medianRelativeError(),
                r.quick() ? "quick" : "full",
                r.seconds()));
    f.chart(ReportChart.of(spec.id() + "-roofline", "Roofline of this CPU", CpuCharts.roofline(r)));
    f.chart(
        ReportChart.of(
            spec.id() + "-predicted",
            "Predicted against measured kernel time",
            CpuCharts.predictedVsMeasured(r)));
    f.number("readBytesPerSecond", r.ceilings().readBytesPerSecond());
    f.number("medianRelativeError", r.medianRelativeError());
    return f.result("Reference kernels measured on this CPU", t.build());
  }
}
