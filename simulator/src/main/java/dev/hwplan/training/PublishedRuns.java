package dev.hwplan.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.StrictMapper;
import dev.hwplan.model.HfConfigReader;
import dev.hwplan.model.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The published training runs the planner is checked against ({@code training/published.json}:
 * Korthikanti et al. 2022 Table 5 and Figure 1, Narayanan et al. 2021 Table 1, with their models'
 * configurations and the sources).
 */
public final class PublishedRuns {
  private static final String RESOURCE = "/training/published.json";
  private static volatile JsonNode root;

  private PublishedRuns() {}

  /** The whole file. */
  public static JsonNode data() {
    JsonNode r = root;
    if (r == null) {
      synchronized (PublishedRuns.class) {
        if (root == null) {
          try (InputStream in = PublishedRuns.class.getResourceAsStream(RESOURCE)) {
            root = StrictMapper.json().readTree(in);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        r = root;
      }
    }
    return r;
  }

  /** A model of the file ({@code megatron-22b}, {@code turing-530b}, ...). */
  public static ModelSpec model(String id) {
    JsonNode cfg = data().path("models").get(id);
    if (cfg == null) {
      throw new IllegalArgumentException("no model " + id + " in " + RESOURCE);
    }
    return HfConfigReader.read(cfg, id, "training/published.json#models." + id);
  }
}
