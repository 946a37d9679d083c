package dev.hwplan.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.StrictMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Start-up: the bundled model configs are read without an ObjectMapper ({@code QuickReader}); the
 * tree must be the one the strict mapper reads, node for node (an int stays an int node, a float a
 * double node), for every bundled model.
 */
class ModelCatalogQuickReadTest {
  private static byte[] resource(String id) throws IOException {
    try (InputStream in = ModelCatalog.class.getResourceAsStream("/models/" + id + ".json")) {
      assertThat(in).as(id).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void everyBundledConfigReadsToTheMappersTree() throws IOException {
    List<String> ids = ModelCatalog.ids();
    assertThat(ids).hasSizeGreaterThanOrEqualTo(17);
    for (String id : ids) {
      byte[] json = resource(id);
      JsonNode viaMapper =
          StrictMapper.readJson(new ByteArrayInputStream(json), id + ".json", JsonNode.class);
      assertThat(ModelCatalog.quickTree(json)).as(id).isNotNull().isEqualTo(viaMapper);
    }
  }

  @Test
  void declinesDuplicateKeysAndTrailingContent() throws IOException {
    String cfg = new String(resource("llama-3.1-8b"), StandardCharsets.UTF_8);
    assertThat(ModelCatalog.quickTree(cfg.getBytes(StandardCharsets.UTF_8))).isNotNull();
    assertThat(
            ModelCatalog.quickTree(
                cfg.replaceFirst("\\{", "{\"vocab_size\": 1, ").getBytes(StandardCharsets.UTF_8)))
        .isNull();
    assertThat(ModelCatalog.quickTree((cfg + " {}").getBytes(StandardCharsets.UTF_8))).isNull();
  }
}
