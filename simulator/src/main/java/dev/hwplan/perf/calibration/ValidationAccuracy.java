package dev.hwplan.perf.calibration;

import dev.hwplan.io.StrictMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The frozen model scored on measurements taken after it was frozen ({@code
 * accuracy/validation.json}, a bundled resource): per measured file, GPU, family and execution
 * form, the median, 90th-percentile and worst {@code |predicted / measured - 1|} and how many
 * measurements fell inside the prediction interval. Issue 15's families: prefill attention (SDPA
 * flash and cuDNN, forward and backward), the MoE experts' grouped GEMM ({@code torch._grouped_mm})
 * and per-expert loop, and whole dense and MoE steps (decode and prefill, eager and compiled).
 *
 * <p>Where the numbers come from: nothing here is computed at run time. The file is written by the
 * simulator's test {@code ValidationAccuracyFileTest}, which scores the measured files of {@code
 * kernels/cuda/results/<gpu>/} that {@link Source#files()} names with the product's calibrated mode
 * (the scorers of {@code FidelityScores} and {@code StepFormsFitTest}), and fails when a figure of
 * the committed file differs from its recomputation at 0.1 point; run with {@code
 * -Dhwplan.golden.update=true} it rewrites the file. A file's {@code status} says whether it
 * validates the model ({@code validation}: measured after the freeze and never used to choose the
 * model) or was looked at while the model was built ({@code seen}: its rows are in-sample or nearly
 * so, and are kept for comparison only).
 *
 * @param source what was measured and which model scored it
 * @param rows one row per measured file, family and form, in the order of {@code source.files}
 */
public record ValidationAccuracy(Source source, List<Row> rows) {
  /** A file's status: measured after the freeze, never used to choose the model. */
  public static final String VALIDATION = "validation";

  /** A file's status: looked at while the model was built. */
  public static final String SEEN = "seen";

  /** Issue 15's target for an op family's median |error| and a step group's, in percent. */
  public static final double MEDIAN_TARGET_PCT = 5;

  /** Issue 15's target for an op family's 90th-percentile |error|, in percent. */
  public static final double OP_P90_TARGET_PCT = 12;

  /** Issue 15's target for a step group's worst |error|, in percent. */
  public static final double STEP_WORST_TARGET_PCT = 12;

  private static final String RESOURCE = "/accuracy/validation.json";
  private static volatile ValidationAccuracy bundled;

  /**
   * Provenance of the rows.
   *
   * @param model the model that scored the files, as named at its freeze
   * @param frozenAt the commit that froze the model; {@code validation} files were measured after
   *     it
   * @param scoredWith how the predictions were made (calibration, prediction interval)
   * @param generatedBy the test that writes this file and the switch that makes it do so
   * @param files the measured files, in row order
   */
  public record Source(
      String model,
      String frozenAt,
      String scoredWith,
      String generatedBy,
      List<MeasuredFile> files) {
    public Source {
      files = List.copyOf(files);
    }
  }

  /**
   * A measured file, as its header describes it.
   *
   * @param path relative to the repository root
   * @param status {@link #VALIDATION} or {@link #SEEN}
   * @param gpu the bundled profile that predicted it ({@code h100-sxm}, {@code h200-sxm})
   * @param device the measured device ({@code device.name})
   * @param measured when the run ended (the header's {@code date}, UTC)
   * @param scriptsCommit the commit of the measuring scripts ({@code provenance.gitCommit})
   */
  public record MeasuredFile(
      String path,
      String status,
      String gpu,
      String device,
      String measured,
      String scriptsCommit) {
    public MeasuredFile {
      requireStatus(status, path);
    }
  }

  /**
   * One family and form of one measured file. Percentages are rounded to 0.1 point.
   *
   * @param gpu the bundled profile that predicted it
   * @param file the measured file ({@link MeasuredFile#path()})
   * @param status the file's status
   * @param family e.g. {@code prefill attention, cuDNN}, {@code grouped GEMM}, {@code MoE decode
   *     step}
   * @param form e.g. {@code backward}, {@code torch._grouped_mm}, {@code eager}, {@code compiled}
   * @param kind {@code op} (targets: median and p90) or {@code step} (targets: median and worst)
   * @param n measurements
   * @param medianPct median |error|
   * @param p90Pct 90th-percentile |error|
   * @param worstPct largest |error|
   * @param inside measurements inside the prediction interval
   * @param nominalCoveragePct the interval's nominal coverage
   */
  public record Row(
      String gpu,
      String file,
      String status,
      String family,
      String form,
      String kind,
      int n,
      double medianPct,
      double p90Pct,
      double worstPct,
      int inside,
      double nominalCoveragePct) {
    public Row {
      requireStatus(status, file);
      if (!kind.equals("op") && !kind.equals("step")) {
        throw new IllegalArgumentException("kind must be op or step, got " + kind);
      }
      if (n <= 0 || inside < 0 || inside > n) {
        throw new IllegalArgumentException(file + " " + family + ": n " + n + ", inside " + inside);
      }
    }

    /** The share of measurements inside the prediction interval, in percent. */
    public double coveragePct() {
      return 100.0 * inside / n;
    }

    /**
     * The targets this row misses, as {@code "median > 5%"} and {@code "p90 > 12%"} (ops) or {@code
     * "worst > 12%"} (steps); empty when it meets them.
     */
    public List<String> misses() {
      List<String> out = new ArrayList<>();
      if (medianPct > MEDIAN_TARGET_PCT) {
        out.add("median > " + (int) MEDIAN_TARGET_PCT + "%");
      }
      if (kind.equals("op") && p90Pct > OP_P90_TARGET_PCT) {
        out.add("p90 > " + (int) OP_P90_TARGET_PCT + "%");
      }
      if (kind.equals("step") && worstPct > STEP_WORST_TARGET_PCT) {
        out.add("worst > " + (int) STEP_WORST_TARGET_PCT + "%");
      }
      return out;
    }
  }

  public ValidationAccuracy {
    rows = List.copyOf(rows);
    Map<String, String> status = new HashMap<>();
    source.files().forEach(f -> status.put(f.path(), f.status()));
    for (Row r : rows) {
      if (!r.status().equals(status.get(r.file()))) {
        throw new IllegalArgumentException(
            "row of "
                + r.file()
                + " has status "
                + r.status()
                + ", its file "
                + status.get(r.file()));
      }
    }
  }

  /** The rows of the files measured after the freeze. */
  public List<Row> validationRows() {
    return rows.stream().filter(r -> r.status().equals(VALIDATION)).toList();
  }

  /** The files of one status, in order. */
  public List<MeasuredFile> files(String status) {
    return source.files().stream().filter(f -> f.status().equals(status)).toList();
  }

  /** The bundled file (read once). */
  public static ValidationAccuracy bundled() {
    ValidationAccuracy v = bundled;
    if (v == null) {
      synchronized (ValidationAccuracy.class) {
        if (bundled == null) {
          InputStream in = ValidationAccuracy.class.getResourceAsStream(RESOURCE);
          if (in == null) {
            throw new UncheckedIOException(new IOException("no resource " + RESOURCE));
          }
          bundled = read(in, "accuracy/validation.json");
        }
        v = bundled;
      }
    }
    return v;
  }

  /** Reads a file of this format from {@code in}, named {@code name} in messages. */
  public static ValidationAccuracy read(InputStream in, String name) {
    return StrictMapper.readJson(in, name, ValidationAccuracy.class);
  }

  private static void requireStatus(String status, String file) {
    if (!VALIDATION.equals(status) && !SEEN.equals(status)) {
      throw new IllegalArgumentException(file + ": status must be validation or seen: " + status);
    }
  }
}
