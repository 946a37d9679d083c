package dev.hwplan.report;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ReportWriter#write} wrote.
 *
 * @param dir the report folder
 * @param index {@code dir/index.html}
 * @param markdown {@code dir/report.md}
 * @param files every file written, relative to {@code dir}, in a fixed order: index.html,
 *     report.md, then tables and charts in report order
 */
public record WrittenReport(Path dir, Path index, Path markdown, List<Path> files) {
  public WrittenReport {
    files = List.copyOf(files);
  }

  /** The files as absolute paths. */
  public List<Path> absoluteFiles() {
    return files.stream().map(f -> dir.resolve(f).toAbsolutePath()).toList();
  }
}
