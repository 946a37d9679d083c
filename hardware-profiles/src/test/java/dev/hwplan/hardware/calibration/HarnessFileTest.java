package dev.hwplan.hardware.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HarnessFileTest {
  private static final Path H100 = Path.of("h100-sxm/cuda-harness.json");

  private static JsonNode bundled(String path) throws Exception {
    try (InputStream in = HarnessFileTest.class.getResourceAsStream("/calibrations/" + path)) {
      return StrictMapper.json().readTree(in);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "h100-sxm/cuda-harness.json",
        "h100-sxm/llama31-8b-decode-step.json",
        "h100-sxm/gemm-interval-sweep.json",
        "h200-sxm/cuda-harness.json",
        "h200-sxm/llama31-8b-decode-step.json",
        "h200-sxm/nccl.json"
      })
  void everyCommittedMeasurementPassesTheChecksAndMatchesItsProfile(String path) throws Exception {
    HarnessFile h = HarnessFile.check(Path.of(path), bundled(path));
    assertThat(h.rows().values()).allSatisfy(n -> assertThat(n).isPositive());
    String profile = path.substring(0, path.indexOf('/'));
    assertThat(h.profile(ProfileCatalog.bundled(), null).id()).isEqualTo(profile);
  }

  @Test
  void h100Harness_hasItsProvenanceAndRowCounts() throws Exception {
    HarnessFile h = HarnessFile.check(H100, bundled("h100-sxm/cuda-harness.json"));
    assertThat(h.kind()).isEqualTo(HarnessFile.Kind.CUDA_HARNESS);
    assertThat(h.provenance().device()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(h.provenance().driver()).isNotBlank();
    assertThat(h.sms()).isEqualTo(132);
    assertThat(h.sections()).containsExactly("bandwidth", "gemm", "decodeAttention", "mlaDecode");
    assertThat(h.rows()).containsEntry("bandwidth", 3).containsEntry("decodeAttention", 48);
  }

  private static void assertRejected(Consumer<ObjectNode> mutation, String field, String reasonPart)
      throws Exception {
    ObjectNode root = (ObjectNode) bundled("h100-sxm/cuda-harness.json");
    mutation.accept(root);
    assertThatThrownBy(() -> HarnessFile.check(H100, root))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e -> {
              InvalidInputException x = (InvalidInputException) e;
              assertThat(x.source()).isEqualTo(H100.toString());
              assertThat(x.field()).isEqualTo(field);
              assertThat(x.reason()).contains(reasonPart);
            });
  }

  private static ObjectNode row(ObjectNode root, String section, int i) {
    return (ObjectNode) root.get(section).get(i);
  }

  /** Multiplies {@code field} of row {@code i} of {@code section} by {@code factor}. */
  private static Consumer<ObjectNode> scaled(String section, int i, String field, double factor) {
    return r -> {
      ObjectNode n = row(r, section, i);
      n.put(field, n.get(field).asDouble() * factor);
    };
  }

  @Test
  void theNoGpuAnswerIsNotData() throws Exception {
    assertRejected(
        r -> {
          r.put("status", "no_gpu");
          r.put("reason", "cudaGetDeviceCount: no device");
        },
        "status",
        "no device");
  }

  @Test
  void unknownTool_missingDriver_andBadDate_areNamed() throws Exception {
    assertRejected(r -> r.put("tool", "nvbandwidth"), "tool", "not a hwplan measurement tool");
    assertRejected(
        r -> ((ObjectNode) r.get("device")).remove("driver"), "device.driver", "missing");
    assertRejected(r -> r.put("date", "yesterday"), "date", "ISO-8601");
  }

  @Test
  void decodeBytesMustBeKAndVReadOnce() throws Exception {
    assertRejected(
        r -> row(r, "decodeAttention", 3).put("bytes", 123456789),
        "decodeAttention[3].bytes",
        "K and V read once");
  }

  @Test
  void headsMustDivideByKvHeads() throws Exception {
    assertRejected(
        r -> row(r, "decodeAttention", 0).put("kvHeads", 5),
        "decodeAttention[0].kvHeads",
        "not divisible");
  }

  @Test
  void aKernelThatFailedItsCheckIsRefused() throws Exception {
    assertRejected(
        r -> row(r, "decodeAttention", 7).putNull("relativeError"),
        "decodeAttention[7].relativeError",
        "correctness");
    assertRejected(
        r -> row(r, "gemm", 0).put("relativeError", 0.5), "gemm[0].relativeError", "correctness");
  }

  @Test
  void secondsMustBeTheMedianOfTheSamples_andRatesSizeOverTime() throws Exception {
    assertRejected(scaled("gemm", 2, "seconds", 1.5), "gemm[2].seconds", "median");
    assertRejected(
        scaled("bandwidth", 0, "bytesPerSecond", 1.1),
        "bandwidth[0].bytesPerSecond",
        "size over the time");
    assertRejected(
        r -> ((ArrayNode) row(r, "gemm", 1).get("samples")).set(0, -1.0),
        "gemm[1].samples[0]",
        "positive");
  }

  @Test
  void gemmFlopsMustBe2mnk() throws Exception {
    assertRejected(r -> row(r, "gemm", 4).put("k", 4095), "gemm[4].flops", "2mnk");
  }

  @Test
  void aFileWithNoRowsHasNothingToImport() throws Exception {
    assertRejected(
        r -> {
          r.remove("bandwidth");
          r.remove("gemm");
          r.remove("decodeAttention");
          r.remove("mlaDecode");
        },
        "bandwidth|gemm|decodeAttention|mlaDecode",
        "no measurement rows");
  }

  @Test
  void profile_isMatchedBySmsAndMemory_orCheckedWhenGiven() throws Exception {
    HarnessFile h = HarnessFile.check(H100, bundled("h100-sxm/cuda-harness.json"));
    ProfileCatalog c = ProfileCatalog.bundled();
    assertThat(h.profile(c, "h100-sxm").id()).isEqualTo("h100-sxm");
    assertThatThrownBy(() -> h.profile(c, "h100-pcie"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("device.sms")
        .hasMessageContaining("114");
    ObjectNode odd = (ObjectNode) bundled("h100-sxm/cuda-harness.json");
    ((ObjectNode) odd.get("device")).put("memoryBytes", 17_179_869_184L);
    HarnessFile unknown = HarnessFile.check(H100, odd);
    assertThatThrownBy(() -> unknown.profile(c, null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("give --profile");
  }
}
