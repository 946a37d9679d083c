package dev.hwplan.perf.calibration;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.AtomicFiles;
import dev.hwplan.io.QuickReader;
import dev.hwplan.io.TextFiles;
import dev.hwplan.op.Collective;
import dev.hwplan.perf.GpuCalibration;
import dev.hwplan.perf.StepSpread;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Fitted calibrations kept on disk between processes: fitting them (Nelder-Mead over the committed
 * measurements) takes a second or two, loading one a few milliseconds. A file holds one {@link
 * GpuCalibration} as Jackson writes the record, so new or renamed fields need no code here.
 *
 * <p>The key is a SHA-256 over {@link #SCHEMA}, the bundled profiles, models and measurement
 * resources (the fit's inputs), and the code that fits and predicts: the class files of the code
 * sources holding the simulator and the hardware model (a jar's entry CRCs, or a class folder's
 * bytes). Any change to either gives a new key, and so a miss. A file that cannot be read, or whose
 * key differs, is ignored and fitted again; files are written to a temporary name and moved into
 * place, so a reader never sees half a file. Loading is exact: Jackson writes doubles in their
 * shortest round-trip form.
 *
 * <p>Hashing a jar's thousands of entries and the measurement resources takes longer than the rest
 * of a quick command, so when everything comes from one jar (the class path is that jar alone, as
 * under the {@code hwplan} launcher) the key is also kept in the cache folder, under a name made
 * from the jar's path, size, modification time and file key: a rebuilt or replaced jar gets a new
 * name, and so its key is computed again.
 *
 * <p>Where: {@code -Dhwplan.cache.dir=DIR}, else {@code $HWPLAN_CACHE_DIR}, else {@code
 * ~/.hwplan/cache}; {@code off} turns the cache off. Files of other keys are left alone (another
 * checkout may use them).
 */
public final class CalibrationCache {
  /** The file layout's version: bump it when the layout changes in a way the key cannot see. */
  static final String SCHEMA = "hwplan-calibration-cache/1";

  /**
   * Made on first use: a cache hit is read without it ({@link #quick}), and building a mapper costs
   * a quick command more than the rest of its work.
   */
  private static final class Mapper {
    static final ObjectMapper MAPPER =
        new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Mapper() {}
  }

  /** The enum of a calibration, parsed as Jackson does (a plain enum: by name). */
  private static final Map<Class<?>, Function<String, ?>> ENUMS =
      Map.of(Collective.class, Collective::valueOf);

  private final Path dir;
  private volatile String key;

  private CalibrationCache(Path dir, String key) {
    this.dir = dir;
    this.key = key;
  }

  /** The cache at {@code dir}, keyed by the bundled inputs and the running code. */
  public static CalibrationCache at(Path dir) {
    return new CalibrationCache(dir, null);
  }

  /** The cache at {@code dir} with a given key (tests). */
  static CalibrationCache at(Path dir, String key) {
    return new CalibrationCache(dir, key);
  }

  /** No cache: every {@link #get} fits. */
  public static CalibrationCache off() {
    return new CalibrationCache(null, null);
  }

  /** The cache the CLI and library use, from the system property, the environment or home. */
  public static CalibrationCache standard() {
    String where = System.getProperty("hwplan.cache.dir");
    if (where == null) {
      where = System.getenv("HWPLAN_CACHE_DIR");
    }
    if (where == null) {
      String home = System.getProperty("user.home");
      if (home == null || home.isBlank()) {
        return off();
      }
      return at(Path.of(home, ".hwplan", "cache"));
    }
    if (where.isBlank() || where.equalsIgnoreCase("off")) {
      return off();
    }
    return at(Path.of(where));
  }

  public boolean enabled() {
    return dir != null;
  }

  /** The calibration {@code id} from the cache, else fitted by {@code fit} and stored. */
  public GpuCalibration get(String id, Supplier<GpuCalibration> fit) {
    Optional<GpuCalibration> cached = load(id);
    if (cached.isPresent()) {
      return cached.get();
    }
    GpuCalibration c = fit.get();
    store(id, c);
    return c;
  }

  /** The cached calibration {@code id}, or empty when absent, unreadable or of another key. */
  public Optional<GpuCalibration> load(String id) {
    if (dir == null) {
      return Optional.empty();
    }
    try {
      JsonNode root = readCurrent(file(id));
      if (root == null) {
        return Optional.empty();
      }
      GpuCalibration c = quick(root.get("calibration"));
      return Optional.of(
          c != null ? c : Mapper.MAPPER.treeToValue(root.get("calibration"), GpuCalibration.class));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // corrupt or foreign: fitted again and overwritten
    }
  }

  /** A cache file's tree, or null where it is absent or of another schema or key. */
  private JsonNode readCurrent(Path f) throws IOException {
    if (!Files.isRegularFile(f)) {
      return null;
    }
    byte[] bytes = Files.readAllBytes(f);
    JsonNode root = quickTree(bytes);
    if (root == null) {
      root = Mapper.MAPPER.readTree(bytes);
    }
    return SCHEMA.equals(root.path("schema").asText()) && key().equals(root.path("key").asText())
        ? root
        : null;
  }

  /** A new cache file's tree: the schema and the current key. */
  private ObjectNode newRoot() {
    ObjectNode root = Mapper.MAPPER.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("key", key());
    return root;
  }

  /**
   * A cache file's tree read without the mapper ({@link QuickReader}), or null where it declines.
   */
  static JsonNode quickTree(byte[] json) {
    try {
      return QuickReader.jsonTree(json);
    } catch (QuickReader.Unsupported e) {
      return null;
    }
  }

  /**
   * The calibration bound without the mapper, or null where {@link QuickReader} declines the tree
   * (then the mapper binds it). CalibrationCacheTest checks that it binds a stored calibration
   * equal to the mapper.
   */
  static GpuCalibration quick(JsonNode calibration) {
    if (calibration == null) {
      return null;
    }
    try {
      return QuickReader.bind(calibration, GpuCalibration.class, ENUMS);
    } catch (QuickReader.Unsupported e) {
      return null;
    }
  }

  /** Writes {@code c} under {@code id} (temporary file, then a move); failures are ignored. */
  public void store(String id, GpuCalibration c) {
    if (dir == null) {
      return;
    }
    try {
      ObjectNode root = newRoot();
      root.set("calibration", Mapper.MAPPER.valueToTree(c));
      AtomicFiles.write(file(id), Mapper.MAPPER.writeValueAsBytes(root));
    } catch (IOException | RuntimeException e) {
      // A cache that cannot be written costs a fit next time, nothing else.
    }
  }

  /**
   * The step spread of the bundled GPU {@code id} ({@link StepIntervals}) from the cache, else
   * computed by {@code compute} and stored: computing it times every calibration step (about 0.2
   * s), loading it a millisecond. A null spread is not stored.
   */
  public StepSpread spread(String id, Supplier<StepSpread> compute) {
    Optional<StepSpread> cached = loadSpread(id);
    if (cached.isPresent()) {
      return cached.get();
    }
    StepSpread s = compute.get();
    if (s != null) {
      storeSpread(id, s);
    }
    return s;
  }

  /** The cached step spread {@code id}, or empty when absent, unreadable or of another key. */
  Optional<StepSpread> loadSpread(String id) {
    if (dir == null) {
      return Optional.empty();
    }
    try {
      JsonNode root = readCurrent(spreadFile(id));
      if (root == null) {
        return Optional.empty();
      }
      Map<StepSpread.Kind, StepSpread.Bounds> bounds = new LinkedHashMap<>();
      for (JsonNode b : root.path("bounds")) {
        bounds.put(
            new StepSpread.Kind(
                b.path("compiled").asBoolean(),
                b.path("moe").asBoolean(),
                b.path("prefill").asBoolean()),
            new StepSpread.Bounds(
                b.path("low").asDouble(), b.path("high").asDouble(), b.path("n").asInt()));
      }
      return Optional.of(new StepSpread(bounds, root.path("basis").asText()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // corrupt or foreign: computed again and overwritten
    }
  }

  /** Writes step spread {@code s} under {@code id}; failures are ignored. */
  void storeSpread(String id, StepSpread s) {
    if (dir == null) {
      return;
    }
    try {
      ObjectNode root = newRoot();
      root.put("basis", s.basis());
      var bounds = root.putArray("bounds");
      s.bounds()
          .forEach(
              (k, b) -> {
                ObjectNode o = bounds.addObject();
                o.put("compiled", k.compiled());
                o.put("moe", k.moe());
                o.put("prefill", k.prefill());
                o.put("low", b.low());
                o.put("high", b.high());
                o.put("n", b.n());
              });
      AtomicFiles.write(spreadFile(id), Mapper.MAPPER.writeValueAsBytes(root));
    } catch (IOException | RuntimeException e) {
      // A cache that cannot be written costs the steps' timing next time, nothing else.
    }
  }

  /** The file of the step spread of {@code id} under the current key. */
  Path spreadFile(String id) {
    return file("step-spread-", id);
  }

  /** The file of calibration {@code id} under the current key. */
  Path file(String id) {
    return file("calibration-", id);
  }

  private Path file(String prefix, String id) {
    return dir.resolve(prefix + safe(id) + "-" + key().substring(0, 24) + ".json");
  }

  String key() {
    String k = key;
    if (k == null) {
      k =
          noted(
                  dir,
                  codeSource(),
                  System.getProperty("java.class.path", ""),
                  CalibrationCache::computeKey)
              .orElseGet(CalibrationCache::computeKey);
      key = k;
    }
    return k;
  }

  /** Where this class was loaded from, or null. */
  private static Path codeSource() {
    try {
      CodeSource cs = CalibrationCache.class.getProtectionDomain().getCodeSource();
      return cs == null || cs.getLocation() == null ? null : Path.of(cs.getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The key noted in {@code dir} for {@code jar} when the class path is that jar alone, else
   * computed by {@code compute} and noted; empty when the code does not come from one jar alone or
   * the jar cannot be read.
   */
  static Optional<String> noted(Path dir, Path jar, String classPath, Supplier<String> compute) {
    if (dir == null || jar == null || classPath.isEmpty()) {
      return Optional.empty();
    }
    try {
      Path j = jar.toAbsolutePath();
      if (!Files.isRegularFile(j) || !Path.of(classPath).toAbsolutePath().equals(j)) {
        return Optional.empty();
      }
      BasicFileAttributes a = Files.readAttributes(j, BasicFileAttributes.class);
      String id =
          String.join(
              "\n",
              SCHEMA,
              j.toString(),
              Long.toString(a.size()),
              Long.toString(a.lastModifiedTime().to(TimeUnit.NANOSECONDS)),
              String.valueOf(a.fileKey()));
      // Named by a checksum and checked against the identity it holds: no MessageDigest, whose
      // provider set-up alone costs a quick command noticeable time.
      CRC32 crc = new CRC32();
      crc.update(id.getBytes(StandardCharsets.UTF_8));
      Path note = dir.resolve("key-" + Long.toHexString(crc.getValue()) + ".txt");
      if (Files.isRegularFile(note)) {
        List<String> lines = Files.readAllLines(note, StandardCharsets.UTF_8);
        int n = lines.size();
        if (n >= 2
            && String.join("\n", lines.subList(0, n - 1)).equals(id)
            && lines.get(n - 1).matches("[0-9a-f]{64}")) {
          return Optional.of(lines.get(n - 1));
        }
      }
      String k = compute.get();
      try {
        Files.createDirectories(dir);
        AtomicFiles.write(note, (id + "\n" + k + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // not noted: computed again next time
      }
      return Optional.of(k);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String safe(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** The bundled resources the key hashes, in order: profiles, measurements, models. */
  static List<String> keyResources(ClassLoader cl) {
    List<String> resources = new ArrayList<>();
    for (String file : ProfileCatalog.bundledFileNames()) {
      resources.add("profiles/" + file);
      String id = file.endsWith(".yaml") ? file.substring(0, file.length() - 5) : file;
      for (String m : Measurements.FILES) {
        resources.add("calibrations/" + id + "/" + m);
      }
      for (String m : List.of("steps-eager-fused.json", StepIntervals.FILE)) {
        resources.add("calibrations/" + id + "/" + m);
      }
    }
    resources.add("models/catalog.txt");
    for (String model : lines(cl, "models/catalog.txt")) {
      resources.add("models/" + (model.endsWith(".json") ? model : model + ".json"));
    }
    return resources;
  }

  private static String computeKey() {
    MessageDigest sha = sha256();
    sha.update(SCHEMA.getBytes(StandardCharsets.UTF_8));
    ClassLoader cl = CalibrationCache.class.getClassLoader();
    for (String r : keyResources(cl)) {
      sha.update(r.getBytes(StandardCharsets.UTF_8));
      try (InputStream in = cl.getResourceAsStream(r)) {
        sha.update(in == null ? new byte[] {0} : in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + r, e);
      }
    }
    Set<Path> sources = new LinkedHashSet<>();
    for (Class<?> c : List.of(CalibrationFitter.class, GpuCalibration.class, GpuProfile.class)) {
      CodeSource cs = c.getProtectionDomain().getCodeSource();
      if (cs != null && cs.getLocation() != null) {
        try {
          sources.add(Path.of(cs.getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
          sha.update(cs.getLocation().toString().getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    for (Path p : sources) {
      codeDigest(p, sha);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Class files of a jar (their CRCs, from its directory) or of a class folder (their bytes). */
  private static void codeDigest(Path source, MessageDigest sha) {
    try {
      if (Files.isDirectory(source)) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(source)) {
          files = s.filter(f -> f.toString().endsWith(".class")).sorted().toList();
        }
        for (Path f : files) {
          sha.update(source.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
          sha.update(Files.readAllBytes(f));
        }
      } else if (Files.isRegularFile(source)) {
        try (JarFile jar = new JarFile(source.toFile())) {
          List<String> entries = new ArrayList<>();
          for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
            JarEntry je = e.nextElement();
            if (je.getName().endsWith(".class")) {
              entries.add(je.getName() + ":" + Long.toHexString(je.getCrc()));
            }
          }
          entries.sort(null);
          for (String s : entries) {
            sha.update(s.getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("hashing " + source, e);
    }
  }

  private static List<String> lines(ClassLoader cl, String resource) {
    try {
      InputStream in = cl.getResourceAsStream(resource);
      return in == null ? List.of() : TextFiles.listed(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
