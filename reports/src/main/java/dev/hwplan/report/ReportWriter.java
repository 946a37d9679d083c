package dev.hwplan.report;

import dev.hwplan.io.AtomicFiles;
import dev.hwplan.io.Staging;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Report} as a folder:
 *
 * <ul>
 *   <li>{@code index.html}: self-contained (CSS inline, charts embedded as SVG), works offline;
 *   <li>{@code report.md}: Markdown with pipe tables and links to the PNGs;
 *   <li>{@code tables/<id>.csv}: one per table, unformatted values;
 *   <li>{@code charts/<id>.png} and {@code charts/<id>.svg}: one pair per chart.
 * </ul>
 *
 * <p>The folder appears whole or not at all: everything is written into a hidden {@link Staging}
 * sibling folder, which is then renamed to {@code outDir}. An existing report there is first
 * renamed aside, then deleted once the new one is in place; if the swap fails, the old report is
 * put back. Only a folder that hwplan wrote (it holds the {@value ReportFolder#MARKER} marker,
 * which every report folder gets) or an empty one is replaced ({@link ReportFolder}). The new
 * folder gets the user's umask, or the mode of the report it replaces; a symbolic link at {@code
 * outDir} stays one. Staging folders that a killed run left in the parent folder are removed first.
 * The same report gives the same bytes every time.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /**
   * Writes {@code report} to {@code outDir}, replacing a report already there.
   *
   * @throws IllegalArgumentException when {@code outDir} may not be written ({@link
   *     ReportFolder#check}): a file, a folder that hwplan did not write, an unwritable place
   * @throws UncheckedIOException when a file cannot be written; {@code outDir} is then as it was
   */
  public static WrittenReport write(Report report, Path outDir) {
    Path target = ReportFolder.check(outDir);
    Path parent = target.getParent();
    try {
      Files.createDirectories(parent);
      Staging.removeLeftovers(parent);
      Path staging = Staging.newDirectory(parent);
      List<Path> files;
      try {
        files = writeInto(report, staging);
        Files.write(staging.resolve(ReportFolder.MARKER), ReportFolder.marker());
        AtomicFiles.keepMode(target, staging);
        swap(staging, target, parent);
      } catch (RuntimeException | IOException | Error e) {
        Staging.deleteTree(staging);
        throw e;
      }
      return new WrittenReport(
          outDir, outDir.resolve("index.html"), outDir.resolve("report.md"), files);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + target, e);
    }
  }

  private static List<Path> writeInto(Report report, Path dir) throws IOException {
    Map<String, byte[]> svgs = new LinkedHashMap<>();
    List<Path> tableFiles = new ArrayList<>();
    List<Path> chartFiles = new ArrayList<>();
    Path tables = dir.resolve("tables");
    Path charts = dir.resolve("charts");
    for (Section s : report.sections()) {
      for (Block b : s.blocks()) {
        if (b instanceof TableBlock t) {
          Files.createDirectories(tables);
          Path csv = Path.of("tables", t.id() + ".csv");
          Files.writeString(dir.resolve(csv), TableCells.csv(t.table()), StandardCharsets.UTF_8);
          tableFiles.add(csv);
        } else if (b instanceof ChartBlock cb) {
          ReportChart c = cb.chart();
          Files.createDirectories(charts);
          byte[] svg = ChartFiles.svgBytes(c.chart(), c.width(), c.height());
          byte[] png = ChartFiles.pngBytes(c.chart(), c.width(), c.height());
          Path pngFile = Path.of("charts", c.id() + ".png");
          Path svgFile = Path.of("charts", c.id() + ".svg");
          Files.write(dir.resolve(pngFile), png);
          Files.write(dir.resolve(svgFile), svg);
          chartFiles.add(pngFile);
          chartFiles.add(svgFile);
          svgs.put(c.id(), svg);
        }
      }
    }
    Files.write(dir.resolve("index.html"), HtmlReport.bytes(HtmlReport.render(report, svgs)));
    Files.writeString(dir.resolve("report.md"), MarkdownReport.render(report));
    List<Path> files = new ArrayList<>();
    files.add(Path.of("index.html"));
    files.add(Path.of("report.md"));
    files.addAll(tableFiles);
    files.addAll(chartFiles);
    return files;
  }

  /** Moves the staged folder into place, setting an existing report aside until it is there. */
  private static void swap(Path staging, Path target, Path parent) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      AtomicFiles.move(staging, target);
      return;
    }
    Path aside = Staging.newDirectory(parent);
    Files.delete(aside);
    AtomicFiles.move(target, aside);
    try {
      AtomicFiles.move(staging, target);
    } catch (IOException | RuntimeException e) {
      AtomicFiles.move(aside, target);
      throw e;
    }
    // The new report is in place; failing to delete the old one loses nothing, so it is not an
    // error (its staging folder is removed by a later run, once this process has ended).
    try {
      Staging.deleteTree(aside);
    } catch (IOException | UncheckedIOException e) {
      // left behind on purpose, see above
    }
  }
}
