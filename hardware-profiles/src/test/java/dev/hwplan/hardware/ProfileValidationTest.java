package dev.hwplan.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A user's profile file gets one message naming the file, the field and the reason. */
class ProfileValidationTest {
  @TempDir Path dir;

  static String h100Yaml() throws IOException {
    try (InputStream in = ProfileCatalog.class.getResourceAsStream("/profiles/h100-sxm.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private Path write(String id, String yaml) throws IOException {
    Path f = dir.resolve(id + ".yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private InvalidInputException rejected(String yaml) throws IOException {
    Path f = write("my-gpu", yaml.replace("id: h100-sxm", "id: my-gpu"));
    try {
      ProfileCatalog.load(f);
    } catch (InvalidInputException e) {
      assertThat(e.getMessage()).startsWith(f.toString()).doesNotContain("\n");
      return e;
    }
    throw new AssertionError("accepted a broken profile");
  }

  @Test
  void aCopyOfTheBundledProfileLoadsUnderItsOwnName() throws IOException {
    Path f = write("my-gpu", h100Yaml().replace("id: h100-sxm", "id: my-gpu"));
    GpuProfile p = ProfileCatalog.load(f);
    assertThat(p.sms()).isEqualTo(132);
    assertThat(p.peakFlops(DType.BF16))
        .hasValueCloseTo(9.8942976e14, org.assertj.core.data.Offset.offset(1.0));
  }

  /** One edit of the bundled profile, the field the error names and the words its reason holds. */
  record Broken(String name, String from, String to, String field, String... reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Broken> brokenProfiles() {
    return Stream.of(
        new Broken(
            "an unknown field, with its path and line",
            "  fp32Cores: 128",
            "  fp32Cores: 128\n  warpSize: 32",
            "sm.warpSize",
            "unknown field 'warpSize'",
            "line"),
        new Broken(
            "a missing required field",
            "  bandwidthGBps: 3352 ",
            "  # bandwidth removed ",
            "memory.bandwidthGBps",
            "missing required field"),
        new Broken(
            "a zero count",
            "  tensorCores: 4",
            "  tensorCores: 0",
            "sm.tensorCores",
            "must be positive"),
        new Broken(
            "a negative bandwidth",
            "bandwidthGBps: 3352",
            "bandwidthGBps: -1",
            "memory.bandwidthGBps"),
        new Broken(
            "an SM total that is not GPCs x SMs per GPC",
            "sms: 144, smsPerGpc: 18",
            "sms: 144, smsPerGpc: 16",
            "units.fullDie.sms",
            "8 x 16 = 128"),
        new Broken(
            "a value of the wrong type",
            "  subPartitions: 4",
            "  subPartitions: four",
            "sm.subPartitions"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenProfiles")
  void aBrokenFieldIsNamedWithItsReason(Broken b) throws IOException {
    String yaml = h100Yaml();
    assertThat(yaml).contains(b.from());
    InvalidInputException e = rejected(yaml.replace(b.from(), b.to()));
    assertThat(e.field()).isEqualTo(b.field());
    for (String words : b.reason()) {
      assertThat(e.reason()).contains(words);
    }
  }

  @Test
  void malformedYamlIsOneLine() throws IOException {
    InvalidInputException e = rejected("id: \"my-gpu\nsm: {subPartitions: 4}\n");
    assertThat(e.reason()).startsWith("malformed YAML");
  }

  @Test
  void listWhereAMappingBelongsIsNamed() throws IOException {
    InvalidInputException e = rejected("id: my-gpu\nsm: [1, 2]\n");
    assertThat(e.field()).isEqualTo("sm");
    assertThat(e.reason()).contains("expected a mapping of fields");
  }

  @Test
  void unknownDtypeIsNamed() throws IOException {
    InvalidInputException e =
        rejected(h100Yaml().replace("  int8: 2048\nnonTensor", "  fp7: 2048\nnonTensor"));
    assertThat(e.getMessage()).contains("fp7");
  }

  @Test
  void fileNameMustMatchId() throws IOException {
    Path f = write("other", h100Yaml());
    assertThatThrownBy(() -> ProfileCatalog.load(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must match the file name 'other'");
  }

  @Test
  void userFolderAddsToTheBundledCatalog() throws IOException {
    write(
        "my-gpu", h100Yaml().replace("id: h100-sxm", "id: my-gpu").replace("sms: 132", "sms: 120"));
    ProfileCatalog c = ProfileCatalog.withUserProfiles(dir);
    assertThat(c.ids()).contains("h100-sxm", "my-gpu");
    assertThat(c.get("my-gpu").tensorCores()).isEqualTo(480);
  }

  @Test
  void unknownGpuListsTheKnownOnes() {
    assertThatThrownBy(() -> ProfileCatalog.bundled().get("h900"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("unknown GPU 'h900'")
        .hasMessageContaining("h100-sxm");
  }

  @Test
  void h100DerivedPeaksFollowTheHierarchy() {
    GpuProfile h100 = ProfileCatalog.bundled().get("h100-sxm");
    // 528 tensor cores x 1024 FLOP/clk x 1.83 GHz (H100 whitepaper V1.04, Table 3: 989.4 TFLOPS)
    assertThat(h100.tensorCores()).isEqualTo(528);
    assertThat(h100.peakFlops(DType.BF16).getAsDouble()).isEqualTo(528 * 1024 * 1830e6);
    // FP64: the tensor-core rate (66.9) beats the CUDA-core rate (33.5)
    assertThat(h100.peakFlops(DType.FP64).getAsDouble()).isEqualTo(528 * 64 * 1980e6);
    assertThat(h100.derivedPeakFlops(PeakKey.FP64).getAsDouble()).isEqualTo(132 * 128 * 1980e6);
    assertThat(h100.peakFlops(DType.FP4)).isEmpty();
  }
}
