package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.op.Collective;
import dev.hwplan.op.Op;
import dev.hwplan.op.Ops;
import dev.hwplan.perf.CalibratedModel;
import dev.hwplan.perf.GpuCalibration;
import dev.hwplan.perf.Prediction;
import dev.hwplan.perf.StepSpread;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.TransformerStep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fitted calibrations kept on disk: a loaded one predicts exactly what the fitted one does. */
class CalibrationCacheTest {
  private static GpuCalibration pooled;
  private static GpuCalibration h200;

  @BeforeAll
  static void fit() {
    pooled = new CalibrationFitter(Measurements.bundled(), k -> true).fit("pooled", null);
    h200 =
        new CalibrationFitter(List.of(Measurements.bundled("h200-sxm").orElseThrow()), k -> true)
            .fit("h200-sxm", pooled);
  }

  @Test
  void aCalibrationLoadedFromTheCacheIsTheFittedOneBitForBit(@TempDir Path dir) {
    CalibrationCache cache = CalibrationCache.at(dir);
    AtomicInteger fits = new AtomicInteger();
    GpuCalibration first = cache.get("h200-sxm", () -> count(fits, h200));
    GpuCalibration second = CalibrationCache.at(dir).get("h200-sxm", () -> count(fits, h200));
    assertThat(fits).hasValue(1);
    assertThat(second).isNotSameAs(h200).isEqualTo(h200);
    assertThat(first).isSameAs(h200);

    GpuProfile gpu = ProfileCatalog.bundled().get("h200-sxm");
    CalibratedModel fitted = new CalibratedModel(gpu, h200);
    CalibratedModel loaded = new CalibratedModel(gpu, second);
    for (Op op : ops()) {
      Prediction a = fitted.predict(op);
      Prediction b = loaded.predict(op);
      assertThat(b).as(op.name()).isEqualTo(a);
    }
  }

  /**
   * Start-up: a cache hit is bound without the ObjectMapper, equal to what the mapper binds from
   * the same file (the fits hold NaN figures, which Jackson writes as strings).
   */
  @Test
  void theQuickReaderBindsAStoredCalibrationEqualToTheMapper(@TempDir Path dir) throws Exception {
    for (GpuCalibration c : List.of(pooled, h200)) {
      CalibrationCache cache = CalibrationCache.at(dir, "c".repeat(64));
      cache.store(c.id(), c);
      byte[] bytes = Files.readAllBytes(cache.file(c.id()));
      com.fasterxml.jackson.databind.ObjectMapper mapper =
          new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.JsonNode viaMapper = mapper.readTree(bytes);
      assertThat(CalibrationCache.quickTree(bytes)).isEqualTo(viaMapper);
      GpuCalibration bound = CalibrationCache.quick(viaMapper.get("calibration"));
      assertThat(bound)
          .as(c.id())
          .isNotNull()
          .isEqualTo(mapper.treeToValue(viaMapper.get("calibration"), GpuCalibration.class))
          .isEqualTo(c);
    }
  }

  @Test
  void aCorruptFileIsIgnoredAndFittedAgain(@TempDir Path dir) throws Exception {
    CalibrationCache cache = CalibrationCache.at(dir);
    cache.store("pooled", pooled);
    Path f = cache.file("pooled");
    String json = Files.readString(f);
    Files.writeString(f, json.substring(0, json.length() / 2), StandardCharsets.UTF_8);
    assertThat(cache.load("pooled")).isEmpty();

    AtomicInteger fits = new AtomicInteger();
    assertThat(cache.get("pooled", () -> count(fits, pooled))).isEqualTo(pooled);
    assertThat(fits).hasValue(1);
    assertThat(cache.load("pooled")).contains(pooled); // rewritten whole
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void aStepSpreadComesBackAsStoredAndOnlyUnderItsKey(@TempDir Path dir) {
    StepSpread spread =
        Calibrations.model(
                ProfileCatalog.bundled().get("h100-sxm"), dev.hwplan.perf.Mode.CALIBRATED)
            .stepSpread();
    AtomicInteger computed = new AtomicInteger();
    CalibrationCache cache = CalibrationCache.at(dir, "a".repeat(64));
    assertThat(cache.spread("h100-sxm", () -> counted(computed, spread))).isEqualTo(spread);
    assertThat(cache.spread("h100-sxm", () -> counted(computed, spread))).isEqualTo(spread);
    assertThat(computed).hasValue(1);
    CalibrationCache other = CalibrationCache.at(dir, "b".repeat(64));
    assertThat(other.loadSpread("h100-sxm")).isEmpty();
    assertThat(cache.spread("a100-sxm-80gb", () -> null)).isNull();
    assertThat(cache.loadSpread("a100-sxm-80gb")).isEmpty();
  }

  private static <T> T counted(AtomicInteger n, T value) {
    n.incrementAndGet();
    return value;
  }

  @Test
  void anotherKeyMisses(@TempDir Path dir) {
    CalibrationCache.at(dir, "a".repeat(64)).store("pooled", pooled);
    assertThat(CalibrationCache.at(dir, "b".repeat(64)).load("pooled")).isEmpty();
    assertThat(CalibrationCache.at(dir, "a".repeat(64)).load("pooled")).contains(pooled);
  }

  @Test
  void theKeyFollowsTheBundledInputsAndCodeAndIsStable(@TempDir Path dir) {
    String key = CalibrationCache.at(dir).key();
    assertThat(key).hasSize(64).isEqualTo(CalibrationCache.at(dir).key());
  }

  /**
   * Every committed measurement file of every profile is among the key's inputs, so that a changed
   * one misses the cache (the grouped GEMM's interval files were once left out).
   */
  @Test
  void theKeyCoversEveryBundledMeasurementFile() throws Exception {
    List<String> keyed = CalibrationCache.keyResources(CalibrationCache.class.getClassLoader());
    Path root = Path.of("..", "hardware-profiles", "src", "main", "resources", "calibrations");
    List<String> bundled;
    try (var files = Files.walk(root)) {
      bundled =
          files
              .filter(Files::isRegularFile)
              .map(f -> "calibrations/" + root.relativize(f).toString().replace('\\', '/'))
              .toList();
    }
    assertThat(bundled).hasSizeGreaterThan(10);
    assertThat(keyed).containsAll(bundled);
  }

  @Test
  void theKeyOfAOneJarClassPathIsNotedAndComputedAgainForAChangedJar(@TempDir Path dir)
      throws Exception {
    Path jar = dir.resolve("hwplan.jar");
    Files.writeString(jar, "one");
    Path cache = dir.resolve("cache");
    AtomicInteger computed = new AtomicInteger();
    java.util.function.Supplier<String> compute =
        () -> String.valueOf(computed.incrementAndGet()).repeat(64);

    assertThat(CalibrationCache.noted(cache, jar, jar.toString(), compute))
        .contains("1".repeat(64));
    assertThat(CalibrationCache.noted(cache, jar, jar.toString(), compute))
        .contains("1".repeat(64)); // read from the note
    assertThat(computed).hasValue(1);

    Files.writeString(jar, "two!");
    assertThat(CalibrationCache.noted(cache, jar, jar.toString(), compute))
        .contains("2".repeat(64));
    Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    assertThat(CalibrationCache.noted(cache, jar, jar.toString(), compute))
        .contains("3".repeat(64));
    assertThat(computed).hasValue(3);
  }

  @Test
  void noKeyIsNotedUnlessTheClassPathIsTheJarAlone(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("hwplan.jar");
    Files.writeString(jar, "one");
    Path cache = dir.resolve("cache");
    java.util.function.Supplier<String> compute = () -> "a".repeat(64);
    String two = jar + java.io.File.pathSeparator + dir.resolve("other.jar");
    assertThat(CalibrationCache.noted(cache, jar, two, compute)).isEmpty();
    assertThat(CalibrationCache.noted(cache, dir, dir.toString(), compute)).isEmpty();
    assertThat(CalibrationCache.noted(null, jar, jar.toString(), compute)).isEmpty();
    assertThat(cache).doesNotExist();
  }

  @Test
  void aNoteForAnotherJarIsNotTrusted(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("hwplan.jar");
    Files.writeString(jar, "one");
    Path cache = dir.resolve("cache");
    CalibrationCache.noted(cache, jar, jar.toString(), () -> "a".repeat(64));
    Path note;
    try (var files = Files.list(cache)) {
      note = files.filter(f -> f.getFileName().toString().startsWith("key-")).findFirst().get();
    }
    // Same file name, other identity (as a checksum collision would give): not used.
    List<String> lines = new ArrayList<>(Files.readAllLines(note));
    lines.set(1, lines.get(1) + "-elsewhere");
    Files.write(note, lines);
    assertThat(CalibrationCache.noted(cache, jar, jar.toString(), () -> "b".repeat(64)))
        .contains("b".repeat(64));
  }

  @Test
  void offNeitherReadsNorWrites(@TempDir Path dir) {
    CalibrationCache off = CalibrationCache.off();
    AtomicInteger fits = new AtomicInteger();
    off.get("pooled", () -> count(fits, pooled));
    off.get("pooled", () -> count(fits, pooled));
    assertThat(fits).hasValue(2);
  }

  private static GpuCalibration count(AtomicInteger fits, GpuCalibration c) {
    fits.incrementAndGet();
    return c;
  }

  private static List<Op> ops() {
    List<Op> ops = new ArrayList<>();
    for (String model : List.of("llama-3.1-8b", "deepseek-v3")) {
      StepConfig c = StepConfig.of(ModelCatalog.resolve(model));
      ops.addAll(TransformerStep.decode(c, 8, 4096).ops());
      ops.addAll(TransformerStep.prefill(c, 2, 1024).ops());
    }
    ops.add(Ops.collective("ar", Collective.ALL_REDUCE, 8, 1 << 24));
    ops.add(Ops.collective("a2a", Collective.ALL_TO_ALL, 4, 1 << 20));
    return ops;
  }
}
