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
