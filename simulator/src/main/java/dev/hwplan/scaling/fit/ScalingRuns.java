package dev.hwplan.scaling.fit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Selections over a set of runs. */
public final class ScalingRuns {
  /** The bundled copy of Epoch AI's extraction (see {@code scaling/SOURCE.md} beside it). */
  public static final String EPOCH2024_RESOURCE = "/scaling/epoch_svg_extracted_data.csv";

  private ScalingRuns() {}

  /**
   * Epoch AI's 245 points extracted from Hoffmann et al. 2022, Figure 4 (Besiroglu et al. 2024,
   * arXiv:2404.10102), all of them; Epoch fitted after {@link #dropHighestLoss} with k = 5.
   */
  public static List<ScalingRun> epoch2024() {
    try (InputStream in = ScalingRuns.class.getResourceAsStream(EPOCH2024_RESOURCE);
        Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return RunsCsv.parse(r, "epoch_svg_extracted_data.csv");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Distinct model sizes and token counts each needed to separate E, A, α from B, β. */
  public static final int MIN_DISTINCT_LEVELS = 3;

  /** Distinct (N, D) points needed: the 5 constants plus one residual degree of freedom. */
  public static final int MIN_DISTINCT_POINTS = 6;

  /**
   * Why {@code runs} do not identify the five constants of L(N, D) = E + A/N^α + B/D^β, or null
   * when they do. At one model size A/N^α is a constant that merges into E; at two, E, A and α meet
   * two equations; so it takes three distinct sizes, three distinct token counts, and six distinct
   * (N, D) points (five constants and a residual). Repeated runs of one point add no information
   * about the shape: any fit through too few points is one of infinitely many equally good ones.
   */
  public static String identificationProblem(List<ScalingRun> runs) {
    int[] all = new int[runs.size()];
    java.util.Arrays.fill(all, 1);
    return identificationProblem(runs, all);
  }

  /** As {@link #identificationProblem(List)}, for the runs drawn {@code counts[i]} times each. */
  public static String identificationProblem(List<ScalingRun> runs, int[] counts) {
    java.util.Set<Double> sizes = new java.util.HashSet<>();
    java.util.Set<Double> tokens = new java.util.HashSet<>();
    java.util.Set<java.util.List<Double>> points = new java.util.HashSet<>();
    for (int i = 0; i < runs.size(); i++) {
      if (counts[i] > 0) {
        ScalingRun r = runs.get(i);
        sizes.add(r.params());
        tokens.add(r.tokens());
        points.add(java.util.List.of(r.params(), r.tokens()));
      }
    }
    if (sizes.size() < MIN_DISTINCT_LEVELS
        || tokens.size() < MIN_DISTINCT_LEVELS
        || points.size() < MIN_DISTINCT_POINTS) {
      return String.format(
          java.util.Locale.ROOT,
          "%d runs at %d distinct model size(s), %d distinct token count(s) and %d distinct"
              + " (size, tokens) point(s) do not identify the 5 constants of L(N, D): that takes"
              + " at least %d sizes, %d token counts and %d points; any fit to these runs is one of"
              + " infinitely many equally good ones, and its intervals would look certain",
          java.util.Arrays.stream(counts).sum(),
          sizes.size(),
          tokens.size(),
          points.size(),
          MIN_DISTINCT_LEVELS,
          MIN_DISTINCT_LEVELS,
          MIN_DISTINCT_POINTS);
    }
    return null;
  }

  /**
   * Leaves out the {@code k} highest-loss runs, by Besiroglu et al. 2024's rule (keep {@code loss <
   * sorted(losses)[-k]}; ties with the k-th highest go too). They drop 5 of Hoffmann's 245 points.
   */
  public static List<ScalingRun> dropHighestLoss(List<ScalingRun> runs, int k) {
    if (k <= 0) {
      return List.copyOf(runs);
    }
    if (k >= runs.size()) {
      return List.of();
    }
    double[] losses = runs.stream().mapToDouble(ScalingRun::loss).sorted().toArray();
    double cut = losses[losses.length - k];
    List<ScalingRun> kept = new ArrayList<>();
    for (ScalingRun r : runs) {
      if (r.loss() < cut) {
        kept.add(r);
      }
    }
    return List.copyOf(kept);
  }
}
