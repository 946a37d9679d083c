package dev.hwplan.regress;

import dev.hwplan.report.ReportFolder;
import dev.hwplan.report.ReportWriter;
import dev.hwplan.report.WrittenReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes what {@code hwplan regress --out DIR} leaves behind:
 *
 * <ul>
 *   <li>{@code DIR/report/}: {@code index.html} and {@code report.md} (the verdict and a table of
 *       metrics), {@code charts/trend-<metric>.png} and {@code .svg}, {@code tables/metrics.csv};
 *       written whole or not at all by {@link ReportWriter};
 *   <li>{@code DIR/github-action-benchmark.customSmallerIsBetter.json} (and {@code
 *       ...customBiggerIsBetter.json} when the run has such metrics);
 *   <li>{@code DIR/bencher.bmf.json};
 *   <li>{@code DIR/.hwplan-report}, the marker of a folder hwplan writes ({@link ReportFolder}).
 * </ul>
 */
public final class RegressionFiles {
  /** The report's folder inside the output folder. */
  public static final String REPORT_DIR = "report";

  private RegressionFiles() {}

  /**
   * Checks, before any work, that {@link #write} may write {@code dir}: as {@link
   * ReportFolder#check} for {@code dir} and for the report folder inside it.
   *
   * @throws IllegalArgumentException when it may not, naming the folder and the reason
   */
  public static void check(Path dir) {
    Path target = ReportFolder.check(dir);
    if (Files.exists(target.resolve(REPORT_DIR))) {
      ReportFolder.check(target.resolve(REPORT_DIR));
    }
  }

  /**
   * Writes the files and returns them, the report's first. {@code dir} is created when missing and
   * marked as hwplan's ({@link ReportFolder#claim}).
   *
   * @throws IllegalArgumentException when {@code dir} may not be written ({@link #check})
   */
  public static List<Path> write(
      Path dir, List<RunRecord> history, Comparison c, boolean appended, String historyName) {
    check(dir);
    ReportFolder.claim(dir);
    WrittenReport w =
        ReportWriter.write(
            RegressionReport.of(history, c, appended, historyName), dir.resolve(REPORT_DIR));
    List<Path> files = new ArrayList<>();
    for (Path f : w.files()) {
      files.add(dir.resolve(REPORT_DIR).resolve(f));
    }
    files.addAll(GithubActionBenchmark.write(dir, c.current()));
    files.add(BencherMetricFormat.write(dir, c.current()));
    return files;
  }
}
