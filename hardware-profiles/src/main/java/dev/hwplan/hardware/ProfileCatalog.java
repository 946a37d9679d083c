package dev.hwplan.hardware;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.QuickReader;
import dev.hwplan.io.StrictMapper;
import dev.hwplan.io.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The GPU catalog: the bundled profiles ({@code profiles/*.yaml} resources, listed in {@code
 * profiles/catalog.txt}) plus any user folder given by {@code --profiles DIR} or the {@code
 * HWPLAN_PROFILES} environment variable. User files are validated exactly like bundled ones, and a
 * user profile with a bundled id replaces it.
 *
 * <p>A bundled profile is read when first asked for ({@link #get}, {@link #all}): a command about
 * one GPU reads one file, not the whole catalog. User folders are read, and validated, at once.
 */
public final class ProfileCatalog {
  /** Environment variable naming a folder of extra profile YAML files. */
  public static final String ENV = "HWPLAN_PROFILES";

  private static final String RESOURCE_DIR = "/profiles/";
  private static volatile ProfileCatalog bundled;

  private final Map<String, Entry> byId;

  private ProfileCatalog(Map<String, Entry> byId) {
    this.byId = Collections.unmodifiableMap(byId);
  }

  /** One profile of the catalog: given, or read from its bundled file on first use. */
  private static final class Entry {
    private final String file;
    private volatile GpuProfile profile;

    private Entry(String file, GpuProfile profile) {
      this.file = file;
      this.profile = profile;
    }

    GpuProfile get() {
      GpuProfile p = profile;
      if (p == null) {
        synchronized (this) {
          p = profile;
          if (p == null) {
            p = loadBundled(file);
            profile = p;
          }
        }
      }
      return p;
    }
  }

  /** The bundled catalog alone. */
  public static ProfileCatalog bundled() {
    ProfileCatalog c = bundled;
    if (c == null) {
      synchronized (ProfileCatalog.class) {
        c = bundled;
        if (c == null) {
          c = new ProfileCatalog(loadBundled());
          bundled = c;
        }
      }
    }
    return c;
  }

  /**
   * The bundled catalog plus the profiles in {@code userDir}, or in {@code $HWPLAN_PROFILES} when
   * {@code userDir} is null.
   */
  public static ProfileCatalog withUserProfiles(Path userDir) {
    Path dir = userDir;
    if (dir == null) {
      String env = System.getenv(ENV);
      if (env == null || env.isBlank()) {
        return bundled();
      }
      dir = Path.of(env);
    }
    Map<String, Entry> all = new LinkedHashMap<>(bundled().byId);
    loadDir(dir).forEach((id, p) -> all.put(id, new Entry(null, p)));
    return new ProfileCatalog(all);
  }

  /** Reads and validates one profile file. */
  public static GpuProfile load(Path file) {
    GpuProfile p = StrictMapper.readYaml(file, GpuProfile.class);
    checkFileName(file.getFileName().toString(), file.toString(), p);
    return p;
  }

  /** Reads and validates every {@code *.yaml} / {@code *.yml} file in {@code dir}. */
  public static Map<String, GpuProfile> loadDir(Path dir) {
    if (Files.isRegularFile(dir)) {
      throw new InvalidInputException(
          dir.toString(), "", "is a file; give the folder that holds the profile YAML files");
    }
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(dir.toString(), "", "profile folder does not exist");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(
                  f -> {
                    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                    return n.endsWith(".yaml") || n.endsWith(".yml");
                  })
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new InvalidInputException(dir.toString(), "", "cannot list folder: " + e.getMessage());
    }
    Map<String, GpuProfile> out = new LinkedHashMap<>();
    for (Path f : files) {
      GpuProfile p = load(f);
      if (out.containsKey(p.id())) {
        throw new InvalidInputException(
            f.toString(), "id", "duplicate profile id '" + p.id() + "' in " + dir);
      }
      out.put(p.id(), p);
    }
    return out;
  }

  /** The bundled files by id (a file's stem is its profile's id, which reading checks). */
  private static Map<String, Entry> loadBundled() {
    Map<String, Entry> out = new LinkedHashMap<>();
    for (String file : bundledFileNames()) {
      out.put(file.replaceFirst("\\.(yaml|yml)$", ""), new Entry(file, null));
    }
    return out;
  }

  private static GpuProfile loadBundled(String file) {
    String name = RESOURCE_DIR + file;
    byte[] bytes = TextFiles.bundledBytes(ProfileCatalog.class, name, "profile " + name);
    if (bytes == null) {
      throw new IllegalStateException("bundled profile missing from the jar: " + name);
    }
    GpuProfile p = quick(bytes);
    if (p == null) {
      p =
          StrictMapper.readYaml(
              new java.io.ByteArrayInputStream(bytes), "profiles/" + file, GpuProfile.class);
    }
    checkFileName(file, "profiles/" + file, p);
    return p;
  }

  /**
   * A bundled profile's YAML read without an ObjectMapper ({@link QuickReader}, start-up), or null
   * where that reader declines it and the validating mapper must read it. BundledCatalogTest checks
   * that it reads every bundled file equal to the mapper.
   */
  static GpuProfile quick(byte[] yaml) {
    try {
      return QuickReader.bind(QuickReader.yamlTree(yaml), GpuProfile.class, ENUMS);
    } catch (QuickReader.Unsupported e) {
      return null;
    }
  }

  /** The enums of a profile, parsed as Jackson does: by their {@code @JsonCreator} factories. */
  private static final Map<Class<?>, java.util.function.Function<String, ?>> ENUMS =
      Map.of(DType.class, DType::parse, PeakKey.class, PeakKey::parse);

  /** The file names listed in the bundled {@code profiles/catalog.txt}. */
  public static List<String> bundledFileNames() {
    return TextFiles.listedResource(ProfileCatalog.class, RESOURCE_DIR + "catalog.txt");
  }

  private static void checkFileName(String fileName, String source, GpuProfile p) {
    String stem = fileName.replaceFirst("\\.(yaml|yml)$", "");
    if (!stem.equals(p.id())) {
      throw new InvalidInputException(
          source, "id", "id '" + p.id() + "' must match the file name '" + stem + "'");
    }
  }

  /** The profile with this id, given by {@code --gpu}; an unknown id lists the known ones. */
  public GpuProfile get(String id) {
    return get(id, "--gpu");
  }

  /** The profile with this id, naming {@code option} (the flag or argument) when it is unknown. */
  public GpuProfile get(String id, String option) {
    Entry e = byId.get(id == null ? "" : id.toLowerCase(Locale.ROOT));
    if (e == null) {
      throw InvalidInputException.option(
          option, "unknown GPU '" + id + "' (known: " + String.join(", ", byId.keySet()) + ")");
    }
    return e.get();
  }

  /** Whether a profile with this id exists. */
  public boolean contains(String id) {
    return id != null && byId.containsKey(id.toLowerCase(Locale.ROOT));
  }

  /** All profiles, in catalog order. */
  public Collection<GpuProfile> all() {
    return byId.values().stream().map(Entry::get).toList();
  }

  /** All ids, in catalog order. */
  public List<String> ids() {
    return List.copyOf(byId.keySet());
  }
}
