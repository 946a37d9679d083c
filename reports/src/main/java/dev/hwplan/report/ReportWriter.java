package dev.hwplan.report;

import dev.hwplan.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

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
 * <p>The folder appears whole or not at all: everything is written into a hidden sibling folder,
 * which is then renamed to {@code outDir}. An existing report there is first renamed aside, then
 * deleted once the new one is in place; if the swap fails, the old report is put back. A folder
 * that holds anything other than a report's files is never replaced. The same report gives the same
 * bytes every time.
 */
public final class ReportWriter {
  /** The names a report folder holds; only a folder with nothing else in it is replaced. */
  static final Set<String> REPORT_ENTRIES = Set.of("index.html", "report.md", "tables", "charts");

  private ReportWriter() {}

  /**
   * Writes {@code report} to {@code outDir}, replacing a report already there.
   *
   * @throws IllegalArgumentException when {@code outDir} exists and is not a report folder (a file,
   *     or a folder holding other files)
   * @throws UncheckedIOException when a file cannot be written; {@code outDir} is then as it was
   */
  public static WrittenReport write(Report report, Path outDir) {
    Path target = outDir.toAbsolutePath().normalize();
    Path parent = target.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("cannot write a report over the root folder " + target);
    }
    try {
      Files.createDirectories(parent);
      requireReplaceable(target);
      String name = target.getFileName().toString();
      Path staging = Files.createTempDirectory(parent, "." + name + ".new-");
      List<Path> files;
      try {
        files = writeInto(report, staging);
        swap(staging, target, parent, name);
      } catch (RuntimeException | IOException | Error e) {
        deleteTree(staging);
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
  private static void swap(Path staging, Path target, Path parent, String name) throws IOException {
    if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      AtomicFiles.move(staging, target);
      return;
    }
    Path aside = Files.createTempDirectory(parent, "." + name + ".old-");
    Files.delete(aside);
    AtomicFiles.move(target, aside);
    try {
      AtomicFiles.move(staging, target);
    } catch (IOException | RuntimeException e) {
      AtomicFiles.move(aside, target);
      throw e;
    }
    // The new report is in place; failing to delete the old one loses nothing, so it is not an
    // error (a hidden .<name>.old-* folder is left behind).
    try {
      deleteTree(aside);
    } catch (IOException | UncheckedIOException e) {
      // left behind on purpose, see above
    }
  }

  private static void requireReplaceable(Path target) throws IOException {
    if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(
          target + " exists and is not a folder; choose another output folder");
    }
    Set<String> foreign = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
      for (Path e : entries) {
        String n = e.getFileName().toString();
        if (!REPORT_ENTRIES.contains(n)) {
          foreign.add(n);
        }
      }
    }
    if (!foreign.isEmpty()) {
      throw new IllegalArgumentException(
          target
              + " is not a report folder (it holds "
              + String.join(", ", foreign.stream().limit(5).toList())
              + (foreign.size() > 5 ? ", ..." : "")
              + "); a report only replaces a folder that holds index.html, report.md, tables/"
              + " and charts/ or is empty, so choose another output folder");
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }
}
