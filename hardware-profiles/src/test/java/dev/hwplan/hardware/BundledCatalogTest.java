package dev.hwplan.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The bundled GPU catalog: which profiles it holds, that every datasheet figure agrees with the
 * peak derived from the hierarchy, that the resource folder and catalog.txt list the same files,
 * and a few pinned facts.
 */
class BundledCatalogTest {
  private static final List<String> IDS =
      List.of(
          "h100-sxm",
          "a100-sxm-80gb",
          "a100-sxm-40gb",
          "h100-pcie",
          "h200-sxm",
          "b200",
          "l40s",
          "rtx-3090",
          "rtx-4090",
          "mi300x");

  /** The test runs with the module as working directory. */
  private static final Path PROFILE_DIR = Path.of("src", "main", "resources", "profiles");

  private static final double TOLERANCE = 0.01;

  private final ProfileCatalog catalog = ProfileCatalog.bundled();

  @Test
  void holdsExactlyTheTenBundledProfilesInCatalogOrder() {
    assertThat(catalog.ids()).containsExactlyElementsOf(IDS);
  }

  /** The keys of the profiles' datasheetPeakTflops sections, with the dtype and engine of each. */
  @Test
  void peakKeysNameTheirDtypeAndEngine() {
    assertThat(Stream.of(PeakKey.values()).map(k -> k.key() + " " + k.dtype() + " " + k.engine()))
        .containsExactly(
            "fp64 FP64 VECTOR",
            "fp64Tensor FP64 TENSOR",
            "fp32 FP32 VECTOR",
            "tf32 TF32 TENSOR",
            "fp16 FP16 TENSOR",
            "bf16 BF16 TENSOR",
            "fp8 FP8 TENSOR",
            "fp6 FP6 TENSOR",
            "fp4 FP4 TENSOR",
            "int8 INT8 TENSOR",
            "int4 INT4 TENSOR",
            "fp16Fp16Accumulate FP16 TENSOR_FP16_ACCUMULATE",
            "fp8Fp16Accumulate FP8 TENSOR_FP16_ACCUMULATE");
  }

  @Test
  void everyDatasheetFigureAgreesWithTheDerivedPeakWithinOnePercent() {
    SoftAssertions soft = new SoftAssertions();
    int checked = 0;
    for (GpuProfile p : catalog.all()) {
      assertThat(p.datasheetPeakTflops()).as("%s has datasheet peaks", p.id()).isNotEmpty();
      for (Map.Entry<PeakKey, Double> e : p.datasheetPeakTflops().entrySet()) {
        String what = p.id() + " " + e.getKey().key();
        OptionalDouble derived = p.derivedPeakFlops(e.getKey());
        soft.assertThat(derived).as("%s: the hierarchy derives no peak", what).isPresent();
        if (derived.isEmpty()) {
          continue;
        }
        double stated = e.getValue() * 1e12;
        double relative = derived.getAsDouble() / stated - 1;
        soft.assertThat(relative)
            .as(
                "%s: derived %.4g FLOP/s vs datasheet %.4g FLOP/s",
                what, derived.getAsDouble(), stated)
            .isBetween(-TOLERANCE, TOLERANCE);
        checked++;
      }
    }
    soft.assertAll();
    assertThat(checked).as("datasheet figures checked").isGreaterThanOrEqualTo(IDS.size());
  }

  @Test
  void resourceFolderAndCatalogListTheSameFiles() throws IOException {
    List<String> onDisk;
    try (Stream<Path> s = Files.list(PROFILE_DIR)) {
      onDisk =
          s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
    }
    List<String> listed =
        Files.readAllLines(PROFILE_DIR.resolve("catalog.txt"), StandardCharsets.UTF_8).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();

    assertThat(listed).as("catalog.txt has no duplicates").doesNotHaveDuplicates();
    assertThat(listed)
        .as("every .yaml file in %s is listed in catalog.txt", PROFILE_DIR)
        .containsAll(onDisk);
    assertThat(onDisk)
        .as("every file listed in catalog.txt exists in %s", PROFILE_DIR)
        .containsAll(listed);
    assertThat(ProfileCatalog.bundledFileNames())
        .as("the catalog.txt on the class path is the one in the source tree")
        .containsExactlyElementsOf(listed);
    assertThat(listed).containsExactlyElementsOf(IDS.stream().map(id -> id + ".yaml").toList());
  }

  @Test
  void profilesCarryTheirOwnFactsAndNeverPointAtTheSharedFolder() throws IOException {
    try (Stream<Path> s = Files.list(PROFILE_DIR)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        assertThat(Files.readString(f, StandardCharsets.UTF_8))
            .as("%s must not refer to the shared data folder", f.getFileName())
            .doesNotContain("../shared")
            .doesNotContain("/work/shared");
      }
    }
  }

  @Test
  void pinsH100Sxm() {
    GpuProfile h100 = catalog.get("h100-sxm");
    assertThat(h100.sms()).isEqualTo(132);
    assertThat(h100.tensorCores()).isEqualTo(528);
    // 528 tensor cores x 1024 FLOP/clk x 1.83 GHz, to 1e-9 relative
    double bf16 = 9.8942976e14;
    assertThat(h100.peakFlops(DType.BF16).orElseThrow()).isCloseTo(bf16, within(bf16 * 1e-9));
  }

  @Test
  void pinsRtx3090AndTheFullGa102Die() {
    GpuProfile rtx = catalog.get("rtx-3090");
    assertThat(rtx.sms()).isEqualTo(82);
    assertThat(rtx.units().enabled().smsPerGpc())
        .as("one GPC of the RTX 3090 has 10 SMs, so SMs per GPC are not uniform")
        .isNull();
    UnitCounts full = rtx.units().fullDie();
    assertThat(full).isNotNull();
    assertThat(full.sms()).isEqualTo(84);
    assertThat(full.gpcs()).isEqualTo(7);
    assertThat(full.smsPerGpc()).isEqualTo(12);
    assertThat(full.gpcs() * full.smsPerGpc()).isEqualTo(84);
    assertThat(rtx.sm().subPartitions()).isEqualTo(4);
    assertThat(rtx.sm().fp32Cores()).isEqualTo(4 * 32);
    assertThat(rtx.sm().tensorCores()).isEqualTo(4);
  }

  @Test
  void pinsA100Sxm80gb() {
    GpuProfile a100 = catalog.get("a100-sxm-80gb");
    assertThat(a100.sms()).isEqualTo(108);
    assertThat(a100.peakFlops(DType.BF16).orElseThrow()).isCloseTo(312e12, withinPercentage(0.1));
    assertThat(a100.memoryBytes()).isEqualTo(80L << 30);
  }

  @Test
  void pinsMi300x() {
    GpuProfile mi = catalog.get("mi300x");
    assertThat(mi.sms()).as("compute units").isEqualTo(304);
    assertThat(mi.tensorCores()).as("matrix cores").isEqualTo(1216);
    assertThat(mi.peakFlops(DType.FP8).orElseThrow()).isCloseTo(2614.9e12, withinPercentage(0.01));
  }

  @Test
  void everyProfileHasSourcesAndEveryConflictSaysWhatWasStatedAndWhatIsUsed() {
    SoftAssertions soft = new SoftAssertions();
    for (GpuProfile p : catalog.all()) {
      soft.assertThat(p.sources()).as("%s sources", p.id()).isNotEmpty();
      for (FigureNote c : p.conflicts()) {
        String what = p.id() + " conflict on " + c.field();
        soft.assertThat(c.stated()).as("%s: stated", what).isNotBlank();
        soft.assertThat(c.used()).as("%s: used", what).isNotBlank();
      }
    }
    soft.assertAll();
  }

  /**
   * Start-up: every bundled profile is read by the quick reader (no ObjectMapper), and equal,
   * record for record, to what the validating YAML mapper reads from the same file.
   */
  @Test
  void theQuickReaderReadsEveryBundledProfileEqualToTheMapper() throws IOException {
    List<String> files = ProfileCatalog.bundledFileNames();
    assertThat(files).hasSize(IDS.size());
    for (String file : files) {
      byte[] yaml = Files.readAllBytes(PROFILE_DIR.resolve(file));
      GpuProfile viaMapper =
          dev.hwplan.io.StrictMapper.readYaml(
              new java.io.ByteArrayInputStream(yaml), "profiles/" + file, GpuProfile.class);
      assertThat(ProfileCatalog.quick(yaml)).as(file).isNotNull().isEqualTo(viaMapper);
    }
  }

  /**
   * Start-up: every bundled profile lies in the subset of the quick YAML reader (no SnakeYAML on
   * the quick commands' path), which reads it into exactly the tree Jackson's YAML parser gives.
   */
  @Test
  void theQuickYamlReaderReadsEveryBundledProfileEqualToJackson() throws IOException {
    com.fasterxml.jackson.databind.ObjectMapper yaml =
        new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    for (String file : ProfileCatalog.bundledFileNames()) {
      byte[] bytes = Files.readAllBytes(PROFILE_DIR.resolve(file));
      assertThat(dev.hwplan.io.QuickYaml.tree(bytes)).as(file).isEqualTo(yaml.readTree(bytes));
    }
  }

  /** The quick reader declines what it does not read exactly, so the mapper reads it instead. */
  @Test
  void theQuickReaderDeclinesAnUnknownFieldAndAStringForANumber() throws IOException {
    String h100 = Files.readString(PROFILE_DIR.resolve("h100-sxm.yaml"), StandardCharsets.UTF_8);
    assertThat(ProfileCatalog.quick(h100.getBytes(StandardCharsets.UTF_8))).isNotNull();
    assertThat(ProfileCatalog.quick((h100 + "colour: green\n").getBytes(StandardCharsets.UTF_8)))
        .isNull();
    assertThat(
            ProfileCatalog.quick(
                h100.replace("tdpWatts: 700", "tdpWatts: '700'").getBytes(StandardCharsets.UTF_8)))
        .isNull();
    assertThat(
            ProfileCatalog.quick(
                h100.replace("tdpWatts: 700", "tdpWatts: -700").getBytes(StandardCharsets.UTF_8)))
        .isNull();
  }
}
