package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.io.StrictMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bundled step-interval files ({@link StepIntervals#FILE}) are the totals of the grids {@link
 * StepIntervals#SOURCES} names, as measured: per row the model, kind, batch, tokens, context or
 * prompt length and the eager-graph and fused step seconds, with each source's provenance. {@code
 * -Dhwplan.golden.update=true} writes them from {@code kernels/cuda/results}.
 */
class StepIntervalFileTest {
  private static final boolean UPDATE = Boolean.getBoolean("hwplan.golden.update");
  private static final Path RESULTS = Path.of("..", "kernels", "cuda", "results");
  private static final Path BUNDLED =
      Path.of("..", "hardware-profiles", "src", "main", "resources", "calibrations");

  static ObjectNode slim(String gpu, List<String> files) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode doc = f.objectNode();
    doc.put(
        "about",
        "whole steps measured on "
            + gpu
            + ", the step intervals' calibration (StepIntervals): the totals of the step-profile"
            + " grids below, copied from kernels/cuda/results/"
            + gpu
            + "/ without their kernel tables");
    ArrayNode sources = doc.putArray("sources");
    ArrayNode rows = doc.putArray("rows");
    for (String file : files) {
      JsonNode src = StrictMapper.readJsonTree(RESULTS.resolve(gpu).resolve(file));
      ObjectNode s = sources.addObject();
      s.put("file", "kernels/cuda/results/" + gpu + "/" + file);
      s.put("set", src.path("set").asText());
      s.put("date", src.path("date").asText());
      s.set("device", src.path("device"));
      s.set("software", src.path("software"));
      s.set("provenance", src.path("provenance"));
      for (JsonNode r : src.path("rows")) {
        if (!r.path("forms").isObject()) {
          continue;
        }
        ObjectNode o = rows.addObject();
        o.put("source", file);
        for (String k : List.of("model", "kind", "batch", "tokens", "context", "promptLength")) {
          if (r.has(k)) {
            o.set(k, r.get(k));
          }
        }
        ObjectNode forms = o.putObject("forms");
        for (String form : List.of("eagerGraph", "fused")) {
          JsonNode sec = r.path("forms").path(form).path("seconds");
          if (sec.isNumber()) {
            forms.putObject(form).set("seconds", sec);
          }
        }
      }
    }
    return doc;
  }

  @Test
  void theBundledFilesAreTheMeasuredTotals() throws Exception {
    for (Map.Entry<String, List<String>> e : StepIntervals.SOURCES.entrySet()) {
      String text = StrictMapper.indentedJson(slim(e.getKey(), e.getValue())) + "\n";
      Path file = BUNDLED.resolve(e.getKey()).resolve(StepIntervals.FILE);
      if (UPDATE) {
        Path tmp = file.resolveSibling(StepIntervals.FILE + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(text);
    }
  }
}
