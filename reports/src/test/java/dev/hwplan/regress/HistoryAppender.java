package dev.hwplan.regress;

import java.nio.file.Path;
import java.util.List;

/**
 * A separate process for {@link HistoryConcurrencyTest}: {@code HistoryAppender FILE WRITER N}
 * appends N records to FILE, with commits {@code WRITER-0} to {@code WRITER-(N-1)}.
 */
public final class HistoryAppender {
  private HistoryAppender() {}

  /** Appends the records; exits non-zero on any failure. */
  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    String writer = args[1];
    int n = Integer.parseInt(args[2]);
    for (int i = 0; i < n; i++) {
      History.append(file, record(writer, i));
    }
  }

  /** The {@code i}th record of {@code writer}: its commit says who wrote it. */
  static RunRecord record(String writer, int i) {
    return new RunRecord(
        writer + "-" + i,
        "ci-" + writer,
        "2026-11-22T06:00:00Z",
        List.of(
            SyntheticRuns.kvCalculator(1e-6 * (1 + i), List.of(1e-6, 1.1e-6, 0.9e-6 * (1 + i)))));
  }
}
