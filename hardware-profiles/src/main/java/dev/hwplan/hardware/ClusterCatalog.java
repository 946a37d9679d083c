package dev.hwplan.hardware;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import dev.hwplan.io.TextFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bundled cluster kinds ({@code clusters/*.yaml}, listed in {@code clusters/catalog.txt}): DGX
 * H100, H200 and B200 SuperPODs on 400 Gb/s InfiniBand and DGX A100 on 200 Gb/s.
 */
public final class ClusterCatalog {
  private static volatile Map<String, ClusterProfile> bundled;

  private ClusterCatalog() {}

  /** Every bundled cluster kind by id, in catalog order. */
  public static Map<String, ClusterProfile> all() {
    Map<String, ClusterProfile> m = bundled;
    if (m == null) {
      synchronized (ClusterCatalog.class) {
        if (bundled == null) {
          bundled = load();
        }
        m = bundled;
      }
    }
    return m;
  }

  /** The cluster kind {@code id}; an unknown id is bad input naming {@code flag}. */
  public static ClusterProfile get(String id, String flag) {
    ClusterProfile p = id == null ? null : all().get(id);
    if (p == null) {
      throw InvalidInputException.option(
          flag, "unknown cluster '" + id + "' (known: " + String.join(", ", all().keySet()) + ")");
    }
    return p;
  }

  /** The bundled cluster kind whose nodes hold {@code gpuId}, if any. */
  public static ClusterProfile forGpu(String gpuId) {
    for (ClusterProfile p : all().values()) {
      if (p.gpu().equals(gpuId)) {
        return p;
      }
    }
    return null;
  }

  private static Map<String, ClusterProfile> load() {
    Map<String, ClusterProfile> m = new LinkedHashMap<>();
    for (String file : files()) {
      try (InputStream in = ClusterCatalog.class.getResourceAsStream("/clusters/" + file)) {
        if (in == null) {
          throw new IllegalStateException("clusters/catalog.txt lists missing " + file);
        }
        ClusterProfile p = StrictMapper.readYaml(in, "clusters/" + file, ClusterProfile.class);
        m.put(p.id(), p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  private static List<String> files() {
    return TextFiles.listedResource(ClusterCatalog.class, "/clusters/catalog.txt");
  }
}
