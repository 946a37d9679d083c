package dev.hwplan.cli;

import dev.hwplan.hardware.calibration.Calibration;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.perf.cpu.CpuCalibrations;
import dev.hwplan.perf.cpu.CpuMeasurement;
import dev.hwplan.perf.cpu.CpuMeasurementResult;
import dev.hwplan.report.ReportFolder;
import dev.hwplan.report.charts.CpuCharts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwplan measure cpu [--json] [--quick] [--out FILE] [--max-error F]}: runs the STREAM and
 * FMA probes and the reference kernels over a small grid, writes a calibration for this CPU, and
 * prints each shape's time beside the calibrated roofline's prediction.
 */
@Command(
    name = "cpu",
    description = {
      "Run the bandwidth and FMA probes and the reference kernels on this CPU, write a calibration,"
          + " and print measured vs predicted for every shape.",
      "Memory-bound shapes use inputs far larger than the last-level cache. Takes about a minute"
          + " (--quick: about 20 s)."
    },
    mixinStandardHelpOptions = true)
final class MeasureCpuCommand implements Callable<Integer> {
  @Mixin JsonOutput json;

  @Option(names = "--quick", description = "Fewer shapes and samples.")
  boolean quick;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "Where to write the calibration (default: ~/.hwplan/calibrations/cpu-HOST.json).")
  Path out;

  @Option(
      names = "--charts",
      paramLabel = "DIR",
      description =
          "Also write the CPU roofline and predicted-vs-measured charts (PNG and SVG) to DIR.")
  Path charts;

  @Option(names = "--no-save", description = "Measure and print, but do not write a calibration.")
  boolean noSave;

  @Option(names = "--smoke", hidden = true, description = "Tiny shapes: tests the plumbing only.")
  boolean smoke;

  @Option(
      names = "--max-error",
      paramLabel = "F",
      description = "Exit 1 if medianRelativeError is above F (e.g. 0.15).")
  Double maxError;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (maxError != null && !(maxError > 0 && Double.isFinite(maxError))) {
      throw InvalidInputException.option(
          "--max-error", "must be a positive number, got " + maxError);
    }
    Path file = out != null ? out : CpuCalibrations.defaultPath(CpuMeasurement.host());
    if (!noSave && out != null) {
      OutputPaths.file("--out", out);
    } else if (!noSave && Files.isDirectory(file)) {
      throw InvalidInputException.option("--out", file + " is a directory; give a file name");
    }
    if (charts != null) {
      OutputPaths.folder("--charts", charts);
    }
    CpuMeasurementResult r;
    if (!json.enabled() && Terminal.interactive()) {
      try (ProgressBar bar = Terminal.progressBar("measure cpu", 1, false)) {
        r =
            new CpuMeasurement(scale())
                .run(
                    (what, done, total) -> {
                      bar.maxHint(total);
                      bar.stepTo(done);
                      bar.setExtraMessage(what.length() > 40 ? what.substring(0, 40) : what);
                    });
      }
    } else {
      r = new CpuMeasurement(scale()).run((what, done, total) -> {});
    }
    String written = null;
    if (!noSave) {
      Calibration c =
          CpuMeasurement.toCalibration(r, "hwplan measure cpu " + VersionProvider.version());
      try {
        if (out == null) {
          // the default place, ~/.hwplan/calibrations, is hwplan's own: made when missing
          Files.createDirectories(file.toAbsolutePath().getParent());
        }
        CpuCalibrations.write(file, c);
      } catch (IOException e) {
        throw OutputPaths.notWritten("--out", file, new UncheckedIOException(e));
      } catch (UncheckedIOException e) {
        throw OutputPaths.notWritten("--out", file, e);
      }
      written = file.toAbsolutePath().toString();
    }
    List<String> chartFiles = List.of();
    if (charts != null) {
      try {
        ReportFolder.claim(charts);
        chartFiles =
            CpuCharts.write(charts, r).stream().map(p -> p.toAbsolutePath().toString()).toList();
      } catch (IllegalArgumentException e) {
        throw InvalidInputException.option("--charts", e.getMessage());
      } catch (UncheckedIOException e) {
        throw OutputPaths.notWritten("--charts", charts, e);
      }
    }
    PrintWriter pw = spec.commandLine().getOut();
    if (json.enabled()) {
      Map<String, Object> j = r.toJson(written);
      j.put("chartFiles", chartFiles);
      JsonOutput.print(pw, j);
    } else {
      pw.println(MeasureCpuView.text(r, written));
      for (String f : chartFiles) {
        pw.println("Chart: " + f);
      }
      pw.flush();
    }
    boolean failed = maxError != null && !(r.medianRelativeError() <= maxError);
    if (failed && !json.enabled()) {
      spec.commandLine()
          .getErr()
          .printf(
              "hwplan: check failed: medianRelativeError %.3f is above --max-error %.3f%n",
              r.medianRelativeError(), maxError);
      spec.commandLine().getErr().flush();
    }
    return failed ? Hwplan.CHECK_FAILED : Hwplan.OK;
  }

  private CpuMeasurement.Scale scale() {
    return smoke
        ? CpuMeasurement.Scale.SMOKE
        : quick ? CpuMeasurement.Scale.QUICK : CpuMeasurement.Scale.FULL;
  }
}
